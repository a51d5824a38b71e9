"""Render jobs on disk: one small JSON per job, a handle index and per-job locks.

Every write goes to a temporary name first and is renamed into place, so a reader
(or a process restarted after a crash) never sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import attrs
from cattrs.preconf.json import make_converter

from revideo.domain.video import VideoStatus
from revideo.ports.video_engine import RenderRequest

_converter = make_converter()


@attrs.frozen
class Job:
    """One render: the request, where it stands, and what it produced."""

    id: str
    handle: str
    request: RenderRequest
    status: VideoStatus
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    error: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    skipped_photos: tuple[str, ...] = ()


class JobStore:
    """Jobs, handles, outputs and locks under one folder (shared safely by processes)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.jobs = root / "jobs"
        self.handles = root / "handles"
        self.videos = root / "videos"
        self.scratch = root / "scratch"
        self.locks = root / "locks"
        for folder in (self.jobs, self.handles, self.videos, self.scratch, self.locks):
            folder.mkdir(parents=True, exist_ok=True)

    def new_id(self) -> str:
        return "lv_" + secrets.token_hex(12)

    def save(self, job: Job) -> None:
        """Write the job atomically (temp file, fsync, rename)."""
        data = _converter.dumps(job).encode("utf-8")
        _atomic_write(self.jobs / f"{job.id}.json", data)

    def load(self, job_id: str) -> Job | None:
        """The job, or None if there is none (or the id is malformed)."""
        if not _safe_name(job_id):
            return None
        try:
            raw = (self.jobs / f"{job_id}.json").read_bytes()
        except FileNotFoundError:
            return None
        return _converter.loads(raw, Job)

    def all(self) -> Iterator[Job]:
        for path in sorted(self.jobs.glob("*.json")):
            job = self.load(path.stem)
            if job is not None:
                yield job

    def delete(self, job_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.jobs / f"{job_id}.json").unlink()

    def claim_handle(self, handle: str, job_id: str) -> str:
        """Bind `handle` to `job_id` unless it is bound already; return the bound id."""
        path = self._handle_path(handle)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip() or job_id
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(job_id)
            f.flush()
            os.fsync(f.fileno())
        return job_id

    def find_handle(self, handle: str) -> str | None:
        try:
            return self._handle_path(handle).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def video_path(self, job_id: str) -> Path:
        return self.videos / f"{job_id}.mp4"

    def thumb_path(self, job_id: str) -> Path:
        return self.videos / f"{job_id}.jpg"

    @contextlib.contextmanager
    def lock(self, job_id: str) -> Iterator[bool]:
        """Hold the job's lock if no one else does (True), else yield False at once.

        The OS drops the lock when its holder dies, so a killed render frees its job.
        """
        with open(self.locks / f"{job_id}.lock", "a+b") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _handle_path(self, handle: str) -> Path:
        return self.handles / hashlib.sha256(handle.encode("utf-8")).hexdigest()


def _safe_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "_-" for c in name)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
