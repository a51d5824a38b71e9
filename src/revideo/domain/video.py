"""
Videos and their lifecycle (design.md §4).

    draft ──submit──► pending ──engine──► processing ──engine──► completed
      ▲                 │                    │
      └──edit           └──────engine────────┴──────► failed ──retry──► pending

Commands (edit, submit, retry, delete) raise InvalidTransition from a status
that forbids them. Observations (engine reports) are monotonic and idempotent:
a stale, duplicated or out-of-order report returns the video unchanged.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from revideo.domain import _checks
from revideo.domain._checks import parse_enum as parse_enum  # every enum field parses alike
from revideo.domain.errors import InvalidTransition, ValidationError
from revideo.domain.failure import FailureKind

MAX_SCRIPT_CHARS = 5000


class VideoStatus(enum.Enum):
    DRAFT = "draft"
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def in_flight(self) -> bool:
        return self in (VideoStatus.PENDING, VideoStatus.PROCESSING)

    @property
    def terminal(self) -> bool:
        return self in (VideoStatus.COMPLETED, VideoStatus.FAILED)

    @property
    def rank(self) -> int:
        """How far along its render a video or job is: engine reports only move it up."""
        return _RANK[self]


class VideoPurpose(enum.Enum):
    SALE = "sale"
    RENT = "rent"


class AspectRatio(enum.Enum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    SQUARE = "1:1"


_RANK = {
    VideoStatus.DRAFT: 0,
    VideoStatus.PENDING: 1,
    VideoStatus.PROCESSING: 2,
    VideoStatus.COMPLETED: 3,
    VideoStatus.FAILED: 3,
}

# What each user command accepts as the current status.
COMMANDS: dict[str, frozenset[VideoStatus]] = {
    "edit": frozenset({VideoStatus.DRAFT, VideoStatus.FAILED}),
    "submit": frozenset({VideoStatus.DRAFT}),
    "retry": frozenset({VideoStatus.FAILED}),
    "delete": frozenset({VideoStatus.DRAFT, VideoStatus.COMPLETED, VideoStatus.FAILED}),
    "give_up": frozenset({VideoStatus.PENDING, VideoStatus.PROCESSING}),
    "archive": frozenset({VideoStatus.COMPLETED}),
}


@attrs.frozen
class VideoMeta:
    """What the engine reported about the file: seconds, pixels, ratio asked for."""

    duration: float | None = None
    width: int | None = None
    height: int | None = None
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE


@attrs.frozen
class EngineReport:
    """One observation of a render, from a webhook or a status poll."""

    engine_video_id: str
    status: VideoStatus
    video_url: str | None = None
    thumbnail_url: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    caption_url: str | None = None
    error: str | None = None
    handle: str | None = None  # the render attempt it belongs to (HeyGen's callback_id)
    failure: FailureKind | None = None  # why it failed, when the engine says
    delivery_id: str | None = None  # a webhook delivery's id (replay protection)

    def __attrs_post_init__(self) -> None:
        if self.status is VideoStatus.DRAFT:
            raise ValidationError("status", "an engine never reports a draft")


def _title(v: Any) -> str:
    return _checks.text("title", v, max_len=200, required=True)


def _script(v: Any) -> str:
    return _checks.text("script_content", v, max_len=MAX_SCRIPT_CHARS)


def _avatar_id(v: Any) -> str:
    return _checks.text("avatar_id", v, max_len=200)


def _voice_id(v: Any) -> str:
    return _checks.text("voice_id", v, max_len=200)


@attrs.frozen
class Video:
    """One marketing video of a property. Transitions return a new Video."""

    id: str
    user_id: str
    property_id: str
    title: str = attrs.field(converter=_title)
    script_content: str = attrs.field(default="", converter=_script)
    avatar_id: str = attrs.field(default="", converter=_avatar_id)
    voice_id: str = attrs.field(default="", converter=_voice_id)
    purpose: VideoPurpose = VideoPurpose.SALE
    status: VideoStatus = VideoStatus.DRAFT
    engine_video_id: str | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    error_message: str | None = None
    meta: VideoMeta = attrs.field(factory=VideoMeta)
    attempt_count: int = 0
    archived_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    # ---- user commands -------------------------------------------------
    def edit(self, **changes: Any) -> Video:
        """Change title, script, avatar, voice, purpose or aspect ratio."""
        self.check("edit")
        allowed = {"title", "script_content", "avatar_id", "voice_id", "purpose", "aspect_ratio"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError(sorted(unknown)[0], "cannot be edited")
        meta = self.meta
        if "aspect_ratio" in changes:
            ratio = parse_enum("aspect_ratio", AspectRatio, changes.pop("aspect_ratio"))
            meta = attrs.evolve(meta, aspect_ratio=ratio)
        if "purpose" in changes:
            changes["purpose"] = parse_enum("purpose", VideoPurpose, changes["purpose"])
        return attrs.evolve(self, meta=meta, **changes)

    def ready_to_render(self) -> None:
        """Raise ValidationError naming the first field a render still needs."""
        for field in ("script_content", "avatar_id", "voice_id"):
            if not getattr(self, field):
                raise ValidationError(field, "is required before generating")

    def submit(self, engine_video_id: str) -> Video:
        """Record that the engine accepted the first render (draft → pending)."""
        self.check("submit")
        return self._new_attempt(engine_video_id)

    def retry(self, engine_video_id: str) -> Video:
        """Record that the engine accepted a new attempt (failed → pending)."""
        self.check("retry")
        return self._new_attempt(engine_video_id)

    def reject(self, reason: str) -> Video:
        """The engine refused to start a render: keep the status, say why."""
        if self.status not in (VideoStatus.DRAFT, VideoStatus.FAILED):
            raise InvalidTransition(self.id, self.status.value, "reject")
        return attrs.evolve(self, error_message=reason)

    def check_deletable(self) -> None:
        self.check("delete")

    # ---- system -------------------------------------------------------
    def observe(self, report: EngineReport) -> Video:
        """Apply an engine report; stale, duplicate or foreign reports change nothing."""
        if report.engine_video_id != self.engine_video_id or not self.status.in_flight:
            return self
        if report.status.rank <= self.status.rank:
            return self
        if report.status is VideoStatus.PROCESSING:
            return attrs.evolve(self, status=VideoStatus.PROCESSING)
        if report.status is VideoStatus.FAILED:
            return attrs.evolve(
                self, status=VideoStatus.FAILED, error_message=report.error or "the render failed"
            )
        meta = attrs.evolve(
            self.meta, duration=report.duration, width=report.width, height=report.height
        )
        return attrs.evolve(
            self,
            status=VideoStatus.COMPLETED,
            video_url=report.video_url,
            thumbnail_url=report.thumbnail_url,
            error_message=None,
            meta=meta,
        )

    def give_up(self, reason: str) -> Video:
        """Fail a render that is stuck or lost (pending/processing → failed)."""
        self.check("give_up")
        return attrs.evolve(self, status=VideoStatus.FAILED, error_message=reason)

    def archive(self, video_url: str, thumbnail_url: str | None, at: datetime) -> Video:
        """Point the video at its permanent copy."""
        self.check("archive")
        return attrs.evolve(self, video_url=video_url, thumbnail_url=thumbnail_url, archived_at=at)

    def not_archived(self, reason: str) -> Video:
        """The copy cannot be kept (say, over the store's size limit): keep the
        engine's link and say why."""
        self.check("archive")
        return attrs.evolve(self, error_message=reason)

    # ---- helpers ------------------------------------------------------
    def check(self, command: str) -> None:
        """Raise InvalidTransition unless `command` is allowed in the current status."""
        if self.status not in COMMANDS[command]:
            raise InvalidTransition(self.id, self.status.value, command)

    def _new_attempt(self, engine_video_id: str) -> Video:
        if not engine_video_id:
            raise ValidationError("engine_video_id", "is required")
        return attrs.evolve(
            self,
            status=VideoStatus.PENDING,
            engine_video_id=engine_video_id,
            attempt_count=self.attempt_count + 1,
            video_url=None,
            thumbnail_url=None,
            error_message=None,
            archived_at=None,
        )
