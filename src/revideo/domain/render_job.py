"""Render jobs: one row per attempt at rendering a video."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from revideo.domain.failure import FailureKind
from revideo.domain.video import EngineReport, VideoStatus


@attrs.frozen
class RenderJob:
    """One attempt. Written before the engine is called; its id is the
    idempotency handle (HeyGen's callback_id) given to the engine.

    `engine_video_id` is None while the outcome of the create call is unknown.
    """

    id: str
    video_id: str
    user_id: str
    attempt_count: int
    started_at: datetime
    status: VideoStatus = VideoStatus.PENDING
    engine_video_id: str | None = None
    completed_at: datetime | None = None
    cost_credits: Decimal | None = None
    error_message: str | None = None
    failure_kind: FailureKind | None = None  # set exactly when the attempt failed

    @property
    def settled(self) -> bool:
        """True once the engine's answer to the create call is known."""
        return self.engine_video_id is not None or self.status.terminal

    def sent(self, engine_video_id: str) -> RenderJob:
        return attrs.evolve(self, engine_video_id=engine_video_id)

    def observe(self, report: EngineReport, now: datetime) -> RenderJob:
        """Apply an engine report with the same monotonic rules as Video."""
        if report.engine_video_id != self.engine_video_id or self.status.terminal:
            return self
        if report.status.rank <= self.status.rank:
            return self
        if report.status.terminal:
            failed = report.status is VideoStatus.FAILED
            return attrs.evolve(
                self,
                status=report.status,
                completed_at=now,
                error_message=report.error if failed else None,
                failure_kind=(report.failure or FailureKind.RENDER_FAILED) if failed else None,
            )
        return attrs.evolve(self, status=report.status)

    def fail(self, kind: FailureKind, reason: str, now: datetime) -> RenderJob:
        if self.status.terminal:
            return self
        return attrs.evolve(
            self,
            status=VideoStatus.FAILED,
            completed_at=now,
            error_message=reason,
            failure_kind=kind,
        )

    @property
    def orphaned(self) -> bool:
        """The create's answer never came back: a report naming this job may adopt it."""
        if self.engine_video_id is not None:
            return False
        return not self.status.terminal or self.failure_kind is FailureKind.OUTCOME_UNKNOWN

    def adopt(self, report: EngineReport, now: datetime) -> RenderJob:
        """Take the engine's render named by a report that carries this job's handle."""
        if not self.orphaned:
            return self
        waiting = attrs.evolve(
            self,
            engine_video_id=report.engine_video_id,
            status=VideoStatus.PENDING,
            completed_at=None,
            error_message=None,
            failure_kind=None,
        )
        return waiting.observe(report, now)

    def charge(self, credits: Decimal) -> RenderJob:
        return attrs.evolve(self, cost_credits=credits)
