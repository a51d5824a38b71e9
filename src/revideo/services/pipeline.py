"""The system side of rendering: engine reports, polling, reconciling, archiving."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from revideo.domain.errors import EngineError, EngineRejected, EngineUnavailable, RevideoError
from revideo.domain.profile import Actor
from revideo.domain.render_job import RenderJob
from revideo.domain.video import EngineReport, Video, VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET, MediaStore
from revideo.ports.repositories import UnitOfWork
from revideo.ports.video_engine import VideoEngine
from revideo.services._base import Clock, Context
from revideo.services.videos import RenderPolicy, record_accepted

log = logging.getLogger(__name__)
SYSTEM = Actor.service()


@attrs.frozen
class RoundResult:
    """What one sync, reconcile or archive round did."""

    checked: int = 0
    changed: int = 0
    failed: int = 0
    deferred: int = 0


@attrs.frozen
class Pipeline:
    ctx: Context
    engine: VideoEngine
    store: MediaStore
    policy: RenderPolicy = attrs.field(factory=RenderPolicy)

    def run_round(self) -> dict[str, RoundResult]:
        """One pass of every system loop: settle lost starts, poll, archive."""
        return {
            "reconcile": self.reconcile(),
            "sync": self.sync(),
            "archive": self.archive(),
        }

    # ---- status -----------------------------------------------------------
    def apply_report(self, report: EngineReport) -> Video | None:
        """Apply one engine report; None when no video has that engine id."""
        with self.ctx.uow(SYSTEM) as uow:
            video = uow.videos.by_engine_id(report.engine_video_id)
            if video is None:
                log.info("report for unknown engine video %s ignored", report.engine_video_id)
                return None
            observed = video.observe(report)
            if observed != video:
                video = uow.videos.update(observed)
            self._observe_job(uow, video, report)
            return video

    def _observe_job(self, uow: UnitOfWork, video: Video, report: EngineReport) -> None:
        for job in uow.render_jobs.for_video(video.id):
            if job.heygen_job_id != report.engine_video_id:
                continue
            seen = job.observe(report, self.ctx.clock())
            if seen.status is VideoStatus.COMPLETED and seen.cost_credits is None:
                seen = seen.charge(self._rate_cost(report.duration))
            if seen != job:
                uow.render_jobs.update(seen)

    def _rate_cost(self, seconds: float | None) -> Decimal:
        minutes = Decimal(str(seconds or 0)) / 60
        return (minutes * self.policy.credits_per_minute).quantize(Decimal("0.01"))

    def sync(self, limit: int = 50) -> RoundResult:
        """Poll the engine for in-flight videos; give up on those stuck too long."""
        with self.ctx.uow(SYSTEM) as uow:
            flying = uow.videos.in_flight(limit)
        checked = changed = failed = 0
        for video in flying:
            try:
                report = self.engine.status(video.heygen_video_id or "")
            except EngineUnavailable as exc:
                log.warning("engine busy, sync round stopped: %s", exc)
                return RoundResult(checked, changed, failed, deferred=len(flying) - checked)
            except EngineRejected as exc:
                report = EngineReport(
                    video.heygen_video_id or "", VideoStatus.FAILED, error=str(exc)
                )
            checked += 1
            after = self.apply_report(report)
            if after is not None and after.status is not video.status:
                changed += 1
            elif after is not None and self._stuck(after):
                self._give_up(after)
                failed += 1
        return RoundResult(checked, changed, failed)

    def _stuck(self, video: Video) -> bool:
        started = video.updated_at or video.created_at
        return started is not None and self.ctx.clock() - started > self.policy.stuck_after

    def _give_up(self, video: Video) -> None:
        hours = self.policy.stuck_after.total_seconds() / 3600
        reason = f"the render was still unfinished after {hours:g} hours; retry it"
        with self.ctx.uow(SYSTEM) as uow:
            current = uow.videos.get(video.id)
            if current.status.in_flight:
                uow.videos.update(current.give_up(reason))
                for job in uow.render_jobs.for_video(video.id):
                    if job.heygen_job_id == current.heygen_video_id:
                        uow.render_jobs.update(job.fail(reason, self.ctx.clock()))

    # ---- lost answers -------------------------------------------------------
    def reconcile(self) -> RoundResult:
        """Settle render jobs whose create call had no known outcome."""
        cutoff = self.ctx.clock() - self.policy.unknown_grace
        with self.ctx.uow(SYSTEM) as uow:
            lost = uow.render_jobs.unsettled(cutoff)
        changed = failed = 0
        for job in lost:
            try:
                engine_id = self.engine.find(job.id)
            except EngineError as exc:
                log.warning("cannot reconcile job %s yet: %s", job.id, exc)
                continue
            with self.ctx.uow(SYSTEM) as uow:
                if engine_id is not None:
                    record_accepted(uow, job, engine_id)
                    changed += 1
                else:
                    _lost(uow, job, self.ctx.clock)
                    failed += 1
        return RoundResult(len(lost), changed, failed)

    # ---- archive ------------------------------------------------------------
    def archive(self, limit: int = 20) -> RoundResult:
        """Copy finished renders into our own storage before the engine's links expire."""
        with self.ctx.uow(SYSTEM) as uow:
            done = uow.videos.unarchived(limit)
        changed = failed = 0
        for video in done:
            try:
                self._archive_one(video)
                changed += 1
            except RevideoError as exc:
                log.warning("archive of video %s failed, will retry: %s", video.id, exc)
                failed += 1
        return RoundResult(len(done), changed, failed)

    def _archive_one(self, video: Video) -> None:
        video_url = self._copy(video, video.video_url, "mp4", "video/mp4")
        thumb_url = video.thumbnail_url
        if thumb_url:
            thumb_url = self._copy(video, thumb_url, "jpg", "image/jpeg")
        with self.ctx.uow(SYSTEM) as uow:
            current = uow.videos.get(video.id)
            if current.video_url == video.video_url and current.archived_at is None:
                uow.videos.update(current.archive(video_url, thumb_url, self.ctx.clock()))

    def _copy(self, video: Video, url: str | None, ext: str, content_type: str) -> str:
        if not url:
            raise EngineRejected("no_file", "the engine reported no file to archive")
        counted = _Counted(self.engine.fetch(url))
        path = f"{video.user_id}/{video.id}.{ext}"
        stored = self.store.put(SYSTEM, VIDEOS_BUCKET, path, counted, content_type)
        if stored.size != counted.size or stored.size == 0:
            raise EngineRejected("short_file", f"stored {stored.size} of {counted.size} bytes")
        return stored.public_url


def _lost(uow: UnitOfWork, job: RenderJob, clock: Clock) -> None:
    reason = "the engine never received this render; generate it again"
    uow.render_jobs.update(job.fail(reason, clock()))
    video = uow.videos.get(job.video_id)
    if video.status in (VideoStatus.DRAFT, VideoStatus.FAILED):
        uow.videos.update(video.reject(reason))


class _Counted:
    """Wraps a byte stream and counts what passes through."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.size += len(chunk)
            yield chunk
