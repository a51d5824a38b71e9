"""The bookkeeping of the pipeline's rounds: results, worker names, the busy gate."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta

import attrs

from revideo.domain.errors import EngineError
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video
from revideo.ports.repositories import UnitOfWork


@attrs.frozen
class RoundResult:
    """What one sync, reconcile, retry or archive round did."""

    checked: int = 0
    changed: int = 0
    failed: int = 0
    deferred: int = 0

    @classmethod
    def of(cls, outcomes: Counter[str]) -> RoundResult:
        """Totals from per-video outcomes ('checked', 'changed', 'failed', 'deferred')."""
        moved = outcomes["changed"] + outcomes["failed"]
        return cls(
            checked=outcomes["checked"] + moved,
            changed=outcomes["changed"],
            failed=outcomes["failed"],
            deferred=outcomes["deferred"],
        )


def worker_name() -> str:
    """A name for this worker's leases: host, process and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def current_job(uow: UnitOfWork, video: Video) -> RenderJob | None:
    """The render job of the video's current engine render, if any."""
    jobs = [j for j in uow.render_jobs.for_video(video.id) if j.engine_video_id is not None]
    return next((j for j in reversed(jobs) if j.engine_video_id == video.engine_video_id), None)


def retry_after(exc: EngineError, default: timedelta) -> timedelta:
    """How long the engine asked us to wait (Retry-After), else `default`."""
    seconds = getattr(exc, "retry_after", None)
    return timedelta(seconds=seconds) if seconds else default


class Busy:
    """Until when this worker leaves the engine alone (its last Retry-After)."""

    until: datetime | None = None


class Releases:
    """Videos checked with nothing new, released together: one statement per batch
    instead of one transaction per poll. Until flushed they keep their lease, so no
    other worker takes them; a crash leaves leases that simply run out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dues: list[tuple[str, datetime]] = []

    def add(self, video_id: str, due_at: datetime) -> None:
        with self._lock:
            self._dues.append((video_id, due_at))

    def __len__(self) -> int:
        with self._lock:
            return len(self._dues)

    def take(self) -> list[tuple[str, datetime]]:
        with self._lock:
            dues, self._dues = self._dues, []
        return dues


class Gate:
    """Closes when the engine is busy or down: no new polls start this round."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.wait: timedelta | None = None

    @property
    def closed(self) -> bool:
        return self.wait is not None

    def close(self, wait_for: timedelta) -> None:
        with self._lock:
            self.wait = max(self.wait or wait_for, wait_for)
