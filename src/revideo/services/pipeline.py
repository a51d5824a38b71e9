"""
The system side of rendering: engine reports, polling, reconciling, retries, archiving.

Every loop works on leased videos (VideoRepository.lease), so any number of
workers can run rounds at once without checking a video twice; every change
to a video happens under its row lock (VideoRepository.lock), so a webhook
and a poll arriving together cannot undo each other.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

import attrs

from revideo.domain.errors import (
    EngineError,
    EngineOutcomeUnknown,
    EngineRejected,
    EngineUnavailable,
    NotFound,
    RevideoError,
)
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor
from revideo.domain.video import EngineReport, Video, VideoStatus
from revideo.ports.media_store import MediaStore
from revideo.ports.repositories import Loop, UnitOfWork
from revideo.ports.video_engine import VideoEngine
from revideo.services._base import Context
from revideo.services._lost import LostCreates, retry_due
from revideo.services._rounds import (
    Busy,
    Gate,
    Releases,
    RoundResult,
    current_job,
    retry_after,
    worker_name,
)
from revideo.services.archive import Archiver
from revideo.services.videos import RenderPolicy, RenderStarter
from revideo.services.webhooks import WebhookService, video_event

__all__ = ["Pipeline", "RoundResult"]

log = logging.getLogger(__name__)
SYSTEM = Actor.service()


@attrs.frozen
class Pipeline:
    ctx: Context
    engine: VideoEngine
    store: MediaStore
    policy: RenderPolicy = attrs.field(factory=RenderPolicy)
    owner: str = attrs.field(factory=worker_name)
    busy: Busy = attrs.field(factory=Busy, repr=False, eq=False)
    checked: Releases = attrs.field(factory=Releases, repr=False, eq=False)
    webhooks: WebhookService | None = None  # outgoing webhooks, delivered each round

    def run_round(self, stop: threading.Event | None = None) -> dict[str, RoundResult]:
        """One pass of every system loop: settle lost starts, poll, retry, archive."""
        loops: dict[str, Callable[[], RoundResult]] = {
            "reconcile": self.reconcile,
            "sync": lambda: self.sync(stop=stop),
            "retry": lambda: self.retry(stop=stop),
            "archive": lambda: self.archive(stop=stop),
        }
        if self.webhooks is not None:
            loops["webhooks"] = self.webhooks.deliver
        results: dict[str, RoundResult] = {}
        for name, loop in loops.items():
            if stop is not None and stop.is_set():
                break
            results[name] = loop()
        return results

    # ---- status -----------------------------------------------------------
    def apply_report(self, report: EngineReport) -> Video | None:
        """Apply one engine report; None when it names no render of ours (or is a replay).

        A report whose engine id we never learnt (the create's answer was lost)
        is matched by its handle, our render attempt's id, and adopted.
        """
        with self.ctx.uow(SYSTEM) as uow:
            if report.delivery_id and not uow.webhook_deliveries.claim(
                report.delivery_id, self.ctx.clock()
            ):
                log.info("webhook delivery %s seen before: ignored", report.delivery_id)
                return None
            found = uow.videos.by_engine_id(report.engine_video_id)
            if found is not None:
                return self._apply(uow, uow.videos.lock(found.id), report)
            adopted = LostCreates(self.ctx, self.engine, self.policy).adopt(uow, report)
            if adopted is None:
                log.info("report for unknown engine video %s ignored", report.engine_video_id)
            return adopted

    def _apply(self, uow: UnitOfWork, video: Video, report: EngineReport) -> Video:
        """Apply a report to a locked video and its render job, in the caller's transaction.

        Everything is worked out first and then written together (the jobs, the
        retry, the video: one SQL function on Supabase)."""
        now = self.ctx.clock()
        jobs = uow.render_jobs.for_video(video.id)
        changed = []
        for job in jobs:
            if job.engine_video_id != report.engine_video_id:
                continue
            seen = job.observe(report, now)
            if seen.status is VideoStatus.COMPLETED and seen.cost_credits is None:
                seen = self.policy.charge(seen, report.duration, self.policy.rate(self.engine))
            if seen != job:
                changed.append(seen)
        observed = video.observe(report)
        for seen in changed:
            uow.render_jobs.update(seen)
        if observed == video:
            return video
        if observed.status is VideoStatus.FAILED:
            uow.videos.schedule_retry(video.id, retry_due(self.policy, jobs, changed, now))
        saved = uow.videos.update(observed)
        if saved.status is VideoStatus.FAILED:
            video_event(uow, saved, now)  # video.failed, with the change
        return saved

    def sync(self, limit: int = 100_000, stop: threading.Event | None = None) -> RoundResult:
        """Poll every due in-flight video once, `poll_concurrency` at a time.

        When the engine says it is busy or down, no new polls start this round
        and the videos not yet polled are due again after its Retry-After.
        """
        return self._drain("sync", self._poll, limit, stop)

    def _poll(self, video: Video, gate: Gate, stop: threading.Event | None) -> str:
        now = self.ctx.clock()
        if gate.closed or (stop is not None and stop.is_set()):
            self._release(video.id, now + (gate.wait or timedelta(0)))
            return "deferred"
        try:
            report = self.engine.status(video.engine_video_id or "")
        except EngineRejected as exc:
            gone = f"the engine no longer knows this render ({exc}); generate it again"
            report = EngineReport(
                video.engine_video_id or "",
                VideoStatus.FAILED,
                error=gone,
                failure=FailureKind.GONE,
            )
        except EngineError as exc:
            wait_for = retry_after(exc, self.policy.busy_backoff)
            log.warning("engine unavailable, polling paused for %s: %s", wait_for, exc)
            gate.close(wait_for)
            self._release(video.id, now + wait_for)
            return "deferred"
        return self._settle_poll(video, report, now)

    def _settle_poll(self, video: Video, report: EngineReport, now: datetime) -> str:
        if video.observe(report) == video and not self._maybe_stuck(video, now):
            # Nothing new: reports only move forward, so one that does not advance
            # this (possibly older) copy cannot advance the row either.
            self.checked.add(video.id, now + self.policy.poll_every)
            return "checked"
        try:
            with self.ctx.uow(SYSTEM) as uow:
                current = uow.videos.lock(video.id)
                after = self._apply(uow, current, report)
                outcome = "changed" if after.status is not current.status else "checked"
                if after.status.in_flight and self._stuck(uow, after, now):
                    self._give_up(uow, after, now)
                    outcome = "failed"
                due = now + self.policy.poll_every if after.status.in_flight else now
                uow.videos.release(video.id, self.owner, due, now)  # ended: archive it now
                return outcome
        except NotFound:
            return "checked"  # deleted meanwhile

    def _maybe_stuck(self, video: Video, now: datetime) -> bool:
        """False when even the video's creation is too recent for a stuck render."""
        return video.created_at is None or now - video.created_at > self.policy.stuck_after

    def _stuck(self, uow: UnitOfWork, video: Video, now: datetime) -> bool:
        job = current_job(uow, video)
        started = job.started_at if job is not None else video.updated_at
        return started is not None and now - started > self.policy.stuck_after

    def _give_up(self, uow: UnitOfWork, video: Video, now: datetime) -> None:
        hours = self.policy.stuck_after.total_seconds() / 3600
        reason = f"the render was still unfinished after {hours:g} hours (checked again just now)"
        job = current_job(uow, video)
        if job is not None:  # the job with the video: one write
            uow.render_jobs.update(job.fail(FailureKind.STUCK, reason, now))
        video_event(uow, uow.videos.update(video.give_up(f"{reason}; retry it")), now)

    # ---- lost answers -------------------------------------------------------
    def reconcile(self) -> RoundResult:
        """Settle render attempts whose create call had no known outcome (see LostCreates)."""
        return LostCreates(self.ctx, self.engine, self.policy).reconcile()

    # ---- automatic retries --------------------------------------------------
    def retry(self, limit: int = 1_000, stop: threading.Event | None = None) -> RoundResult:
        """Start a new attempt of videos whose last render failed in a way worth retrying."""
        return self._drain("retry", self._retry_leased, limit, stop)

    def _retry_leased(self, video: Video, gate: Gate, stop: threading.Event | None) -> str:
        try:
            return self._retry_one(video)
        finally:
            self._release(video.id, self.ctx.clock())

    def _retry_one(self, video: Video) -> str:
        now = self.ctx.clock()
        with self.ctx.uow(SYSTEM) as uow:
            if self.policy.auto_retry_due(uow.render_jobs.for_video(video.id), now) is None:
                uow.videos.schedule_retry(video.id, None)
                return "checked"

        def taken(uow: UnitOfWork, _: Video) -> None:
            uow.videos.schedule_retry(video.id, None)

        starter = RenderStarter(self.ctx, self.engine, self.policy)
        try:
            starter.start(SYSTEM, video.id, on_open=taken)
        except EngineOutcomeUnknown:
            return "deferred"  # reconcile settles it
        except EngineUnavailable as exc:
            with self.ctx.uow(SYSTEM) as uow:
                due = self.policy.auto_retry_due(uow.render_jobs.for_video(video.id), now)
                later = now + retry_after(exc, self.policy.retry_delay)
                uow.videos.schedule_retry(video.id, max(due, later) if due else None)
            return "deferred"
        except RevideoError as exc:
            log.info("automatic retry of video %s refused: %s", video.id, exc)
            with self.ctx.uow(SYSTEM) as uow:
                uow.videos.schedule_retry(video.id, None)
            return "failed"
        return "changed"

    # ---- archive ------------------------------------------------------------
    def archive(self, limit: int = 1_000, stop: threading.Event | None = None) -> RoundResult:
        """Copy finished renders into our own storage before the engine's links expire.

        A failed copy keeps the engine's URL and is tried again after
        `policy.archive_retry`, with a fresh link from the engine.
        """
        return self._drain("archive", self._archive_leased, limit, stop)

    def _archive_leased(self, video: Video, gate: Gate, stop: threading.Event | None) -> str:
        try:
            Archiver(self.ctx, self.engine, self.store, self.policy, self.owner).archive(video)
        except RevideoError as exc:
            log.warning("archive of video %s failed, will retry: %s", video.id, exc)
            self._release(video.id, self.ctx.clock() + self.policy.archive_retry)
            return "failed"
        return "changed"

    # ---- leases -------------------------------------------------------------
    def _drain(
        self, loop: Loop, work: _Work, limit: int, stop: threading.Event | None
    ) -> RoundResult:
        """Lease due videos of `loop` batch by batch and work on them, several at a time.

        Each video is released by `work` with its next due time, so one round
        takes every due video once. The round ends early when the engine is
        busy (the gate closes) or `stop` is set.
        """
        if self.busy.until is not None and self.ctx.clock() < self.busy.until:
            return RoundResult()  # the engine asked us to wait (Retry-After)
        size = max(1, self.policy.poll_concurrency)
        gate, outcomes = Gate(), Counter[str]()
        leased, more = 0, True
        running: set[Future[str]] = set()
        try:
            with ThreadPoolExecutor(size, thread_name_prefix=f"revideo-{loop}") as pool:
                while True:
                    halted = gate.closed or (stop is not None and stop.is_set())
                    if more and not halted and len(running) <= size and leased < limit:
                        batch = self._lease(loop, min(size, limit - leased))
                        leased, more = leased + len(batch), bool(batch)
                        running |= {pool.submit(work, video, gate, stop) for video in batch}
                        continue
                    if not running:
                        break
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    outcomes.update(f.result() for f in done)
                    if len(self.checked) >= 4 * size:  # a statement per ~100 polls
                        self._release_checked()
        finally:
            self._release_checked()
        if gate.wait is not None:
            self.busy.until = self.ctx.clock() + gate.wait
        return RoundResult.of(outcomes)

    def _lease(self, loop: Loop, limit: int) -> list[Video]:
        now = self.ctx.clock()
        with self.ctx.uow(SYSTEM) as uow:
            return uow.videos.lease(loop, self.owner, now, now + self.policy.lease_ttl, limit)

    def _release_checked(self) -> None:
        dues = self.checked.take()
        if dues:
            with self.ctx.uow(SYSTEM) as uow:
                uow.videos.release_many(dues, self.owner, self.ctx.clock())

    def _release(self, video_id: str, due_at: datetime) -> None:
        with self.ctx.uow(SYSTEM) as uow:
            uow.videos.release(video_id, self.owner, due_at, self.ctx.clock())


_Work = Callable[[Video, Gate, "threading.Event | None"], str]
