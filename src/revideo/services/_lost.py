"""
Creates whose answer was lost: re-sent where the engine makes that safe, else left
waiting; and the late report of such a render, adopted by its handle (issue 16).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import attrs

from revideo.domain.errors import (
    EngineError,
    EngineOutcomeUnknown,
    EngineUnavailable,
    InvalidTransition,
    NotFound,
)
from revideo.domain.failure import FailureKind, kind_of
from revideo.domain.profile import Actor
from revideo.domain.render_job import RenderJob
from revideo.domain.video import EngineReport, Video, VideoStatus
from revideo.ports.repositories import UnitOfWork
from revideo.ports.video_engine import VideoEngine
from revideo.services._base import Context
from revideo.services._rounds import RoundResult
from revideo.services.videos import RenderPolicy, RenderStarter, record_accepted
from revideo.services.webhooks import video_event

log = logging.getLogger(__name__)
SYSTEM = Actor.service()


def retry_due(
    policy: RenderPolicy, jobs: list[RenderJob], changed: list[RenderJob], now: datetime
) -> datetime | None:
    """When the video's automatic next attempt is due once `changed` are saved over `jobs`.

    Worked out before anything is written, so the jobs, the retry and the video
    go in one write (one SQL function on Supabase; see UnitOfWork).
    """
    new = {job.id: job for job in changed}
    return policy.auto_retry_due([new.get(job.id, job) for job in jobs], now)


@attrs.frozen
class LostCreates:
    ctx: Context
    engine: VideoEngine
    policy: RenderPolicy

    def reconcile(self) -> RoundResult:
        """Settle render attempts whose create call had no known outcome.

        Where the engine keys creates on the handle (HeyGen v3's Idempotency-Key,
        replayed for 24 h) the create is simply sent again and answers with the
        render it started, or starts it now if it never arrived. Elsewhere (v2)
        re-sending could render twice: the attempt waits for the engine's webhook,
        which adopts it by its handle, or for the user to generate it again.
        """
        now = self.ctx.clock()
        with self.ctx.uow(SYSTEM) as uow:
            lost = uow.render_jobs.unsettled(now - self.policy.unknown_grace)
        outcomes = Counter[str]()
        for job in lost:
            fresh = now - job.started_at < self.policy.replay_window
            resend = self.engine.idempotent_create and fresh
            outcomes[self._resend(job) if resend else self._wait(job)] += 1
        return RoundResult.of(outcomes)

    def _resend(self, job: RenderJob) -> str:
        try:
            with self.ctx.uow(SYSTEM) as uow:
                video = uow.videos.get(job.video_id)
                request = RenderStarter(self.ctx, self.engine, self.policy).request(uow, video, job)
            engine_id = self.engine.create(request)
        except (EngineOutcomeUnknown, EngineUnavailable) as exc:
            log.warning("cannot settle render attempt %s yet: %s", job.id, exc)
            return "deferred"
        except EngineError as exc:  # refused: nothing was rendered
            kind, reason = kind_of(exc), str(exc)
            return self._settle(job, lambda uow: self._failed(uow, job, kind, reason))

        def accepted(uow: UnitOfWork) -> str:
            record_accepted(uow, job, engine_id)
            return "changed"

        return self._settle(job, accepted)

    def _wait(self, job: RenderJob) -> str:
        reason = (
            "the engine's answer to this render was lost and sending it again could render "
            "(and bill) it twice: it waits for the engine's webhook, or generate it again"
        )
        return self._settle(
            job, lambda uow: self._failed(uow, job, FailureKind.OUTCOME_UNKNOWN, reason)
        )

    def _settle(self, job: RenderJob, settle: Callable[[UnitOfWork], str]) -> str:
        try:
            with self.ctx.uow(SYSTEM) as uow:
                return settle(uow)
        except (InvalidTransition, NotFound) as exc:
            log.info("render attempt %s was settled meanwhile: %s", job.id, exc)
            return "checked"

    def _failed(self, uow: UnitOfWork, job: RenderJob, kind: FailureKind, reason: str) -> str:
        now = self.ctx.clock()
        video = uow.videos.lock(job.video_id)
        if uow.render_jobs.get(job.id).settled:
            raise InvalidTransition(video.id, "settled", "reconcile")
        failed = job.fail(kind, reason, now)
        due = retry_due(self.policy, uow.render_jobs.for_video(video.id), [failed], now)
        uow.render_jobs.update(failed)  # the job, its retry and its video: one write
        if video.status in (VideoStatus.DRAFT, VideoStatus.FAILED):
            uow.videos.schedule_retry(video.id, due)
            video_event(uow, uow.videos.update(video.reject(reason)), now)
        return "failed"

    def adopt(self, uow: UnitOfWork, report: EngineReport) -> Video | None:
        """Give an orphaned attempt (named by the report's handle) its engine render."""
        if not report.handle or not report.status.terminal:
            return None  # only a render's last word may settle an attempt out of turn
        try:
            job = uow.render_jobs.get(report.handle)
        except NotFound:
            return None
        video = uow.videos.lock(job.video_id)
        job = uow.render_jobs.get(job.id)  # as of the lock
        if not job.orphaned:
            return None
        now = self.ctx.clock()
        adopted = job.adopt(report, now)
        if adopted.status is VideoStatus.COMPLETED:
            adopted = self.policy.charge(adopted, report.duration, self.policy.rate(self.engine))
        latest = uow.render_jobs.for_video(video.id)[-1]
        uow.render_jobs.update(adopted)  # with the video's update below: one write
        log.info("render attempt %s adopted engine video %s", job.id, report.engine_video_id)
        if latest.id != job.id or video.status not in (VideoStatus.DRAFT, VideoStatus.FAILED):
            return video  # a newer attempt owns the video now: the orphan is only booked
        started = video.retry if video.status is VideoStatus.FAILED else video.submit
        return uow.videos.update(started(report.engine_video_id).observe(report))
