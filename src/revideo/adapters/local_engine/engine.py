"""LocalEngine: the VideoEngine port, rendering real MP4s offline in a background pool."""

from __future__ import annotations

import logging
import shutil
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import attrs

from revideo.adapters.local_engine import catalog, previews
from revideo.adapters.local_engine.compose import Cancelled, FfmpegFailed
from revideo.adapters.local_engine.jobs import Job, JobStore
from revideo.adapters.local_engine.render import frame_size, render
from revideo.adapters.local_engine.speech import ESPEAK, Espeak
from revideo.domain.credits import CreditRate
from revideo.domain.errors import EngineError, EngineRejected, EngineUnavailable, WebhookRejected
from revideo.domain.video import MAX_SCRIPT_CHARS, EngineReport, VideoStatus
from revideo.ports.clock import Clock, utcnow
from revideo.ports.video_engine import Avatar, Photo, RenderRequest, Voice

log = logging.getLogger("revideo.adapters.local_engine")
_CHUNK = 64 * 1024


class LocalEngine:
    """Renders narrated property videos on this machine (FFmpeg + espeak-ng + Pillow).

    Jobs live as JSON files under `work_dir`, so status survives a restart; jobs
    left pending or processing by a previous process are queued again on start.
    Finished files are served back through `fetch` as `local://videos/<file>`.

    Layout of `work_dir`: jobs/<id>.json, handles/<sha256 of handle>, locks/<id>.lock
    (flock: only one process renders a job), scratch/<id>-<attempt>/ (stills and the
    partial MP4), videos/<id>.mp4 and videos/<id>.jpg (renamed in when complete).
    Renders run in a pool of `workers` threads (each drives one FFmpeg process);
    `close(wait=False)` drops queued work, which is picked up again on the next start.
    """

    name = "local"
    idempotent_create = True  # a handle is bound to its job on disk
    credit_rate: CreditRate | None = None  # renders on this machine cost no credits

    def __init__(
        self,
        work_dir: Path,
        *,
        read_photo: Callable[[Photo], bytes] | None = None,
        workers: int = 1,
        clock: Clock = utcnow,
        max_script_chars: int = MAX_SCRIPT_CHARS,
        espeak: Espeak = ESPEAK,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.max_script_chars = max_script_chars
        self._store = JobStore(Path(work_dir))
        self._read_photo = read_photo or read_local_photo
        self._clock = clock
        self._espeak = espeak
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="local-engine")
        self._closing = threading.Event()
        self.requeue()

    # ---- the port -------------------------------------------------------
    def create(self, request: RenderRequest) -> str:
        """Validate, record the job, queue the render; return its id at once."""
        self._validate(request)
        existing = self.find(request.handle)
        if existing is not None:
            return existing
        now = self._clock()
        job = Job(self._store.new_id(), request.handle, request, VideoStatus.PENDING, now, now)
        try:
            self._store.save(job)
            bound = self._store.claim_handle(request.handle, job.id)
        except OSError as e:
            raise EngineUnavailable(f"local engine cannot write its jobs: {e}") from e
        if bound != job.id:  # another caller won the race for this handle
            self._store.delete(job.id)
            return bound
        self._submit(job.id)
        return job.id

    def status(self, engine_video_id: str) -> EngineReport:
        """The job's state, read from disk."""
        job = self._job(engine_video_id)
        done = job.status is VideoStatus.COMPLETED
        return EngineReport(
            engine_video_id=job.id,
            status=job.status,
            video_url=f"local://videos/{job.id}.mp4" if done else None,
            thumbnail_url=f"local://videos/{job.id}.jpg" if done else None,
            duration=job.duration,
            width=job.width,
            height=job.height,
            error=job.error,
            handle=job.handle,
        )

    def find(self, handle: str) -> str | None:
        job_id = self._store.find_handle(handle)
        return job_id if job_id and self._store.load(job_id) else None

    def fetch(self, url: str) -> Iterator[bytes]:
        """Stream a produced file (`local://videos/...` or a file:// URL inside them),
        an avatar preview (`local://avatars/<id>.png`) or a voice sample (`local://voices/<id>.wav`)."""
        kind, name = _parse_url(url, self._store.videos)
        if kind == "avatars":
            return iter([previews.avatar_png(name)])
        if kind == "voices":
            return iter([previews.voice_wav(name, self._espeak)])
        path = self._store.videos / name
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise EngineRejected("not_found", f"no file at {url}") from None
        return _stream(handle)

    def avatars(self) -> list[Avatar]:
        return catalog.avatars()

    def voices(self) -> list[Voice]:
        return catalog.voices(self._espeak)

    def remaining_quota(self) -> Decimal | None:
        """None: rendering locally costs no credits."""
        return None

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        """Always raises WebhookRejected: the local engine sends no webhooks (poll `status`)."""
        raise WebhookRejected("the local engine sends no webhooks; poll status() instead")

    # ---- helpers for tests, the CLI and the lead --------------------------
    def wait(self, engine_video_id: str, timeout: float = 300.0, poll: float = 0.1) -> EngineReport:
        """Block until the render is completed or failed; EngineUnavailable on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            report = self.status(engine_video_id)
            if report.status.terminal:
                return report
            if time.monotonic() >= deadline:
                raise EngineUnavailable(f"render {engine_video_id} still {report.status.value}")
            time.sleep(poll)

    def requeue(self) -> list[str]:
        """Queue every job not yet completed or failed (a previous process may have died)."""
        ids = [job.id for job in self._store.all() if job.status.in_flight]
        for job_id in ids:
            self._submit(job_id)
        return ids

    def close(self, wait: bool = True) -> None:
        """Stop rendering at once: renders under way are called off (FFmpeg stopped)
        and, like the queued ones, stay on disk to run again on the next start."""
        self._closing.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- internals --------------------------------------------------------
    def _validate(self, request: RenderRequest) -> None:
        if not request.handle.strip():
            raise EngineRejected("invalid_request", "handle is required")
        if catalog.presenter(request.avatar_id) is None:
            raise EngineRejected("unknown_avatar", f"no avatar {request.avatar_id!r}")
        if catalog.resolve_voice(request.voice_id, self._espeak) is None:
            raise EngineRejected("unknown_voice", f"no voice {request.voice_id!r}")
        if not request.script.strip():
            raise EngineRejected("invalid_request", "script is empty")
        if len(request.script) > self.max_script_chars:
            raise EngineRejected(
                "script_too_long",
                f"script has {len(request.script)} characters, max {self.max_script_chars}",
            )
        if not 0.5 <= request.voice_speed <= 1.5:
            raise EngineRejected("invalid_request", "voice_speed must be between 0.5 and 1.5")
        frame_size(request.aspect_ratio, request.resolution)

    def _job(self, job_id: str) -> Job:
        job = self._store.load(job_id)
        if job is None:
            raise EngineRejected("not_found", f"no local render {job_id}")
        return job

    def _submit(self, job_id: str) -> None:
        try:
            self._pool.submit(self._run, job_id)
        except RuntimeError as e:  # the pool was closed
            raise EngineUnavailable(f"local engine is shut down: {e}") from e

    def _run(self, job_id: str) -> None:
        """Render one job unless someone else holds it or it is already settled."""
        with self._store.lock(job_id) as mine:
            job = self._store.load(job_id)
            if not mine or job is None or job.status.terminal or self._closing.is_set():
                return
            self._clear_scratch(job_id)
            job = self._update(job, status=VideoStatus.PROCESSING, attempts=job.attempts + 1)
            scratch = self._store.scratch / f"{job_id}-{job.attempts}"
            scratch.mkdir(parents=True)
            try:
                self._update(job, **self._render(job, scratch))
            except Cancelled:
                log.info("local engine: render %s called off; it runs on the next start", job_id)
            except Exception as e:  # every failure becomes a failed job, never a dead worker
                log.warning("local engine: render %s failed: %s", job_id, e)
                self._update(job, status=VideoStatus.FAILED, error=_describe(e))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

    def _render(self, job: Job, scratch: Path) -> dict[str, object]:
        video, thumb = scratch / "video.mp4", scratch / "thumb.jpg"
        done = render(
            job.request, scratch, video, thumb, self._read_photo, self._espeak, self._closing
        )
        thumb.replace(self._store.thumb_path(job.id))  # rename: the final name is never partial
        video.replace(self._store.video_path(job.id))
        return {
            "status": VideoStatus.COMPLETED,
            "duration": done.duration,
            "width": done.width,
            "height": done.height,
            "skipped_photos": done.skipped_photos,
            "error": None,
        }

    def _update(self, job: Job, **changes: object) -> Job:
        new = attrs.evolve(job, updated_at=self._clock(), **changes)  # type: ignore[arg-type]
        self._store.save(new)
        return new

    def _clear_scratch(self, job_id: str) -> None:
        for stale in self._store.scratch.glob(f"{job_id}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def read_local_photo(photo: Photo) -> bytes:
    """Read a photo given as a local path or a file:// URL (the default photo reader)."""
    url = photo.url or photo.path
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return Path(urllib.request.url2pathname(parsed.path)).read_bytes()
    if parsed.scheme and len(parsed.scheme) > 1:  # not a Windows drive letter
        raise OSError(f"{url} is not a local file; pass read_photo to read it")
    return Path(url).read_bytes()


def _parse_url(url: str, videos: Path) -> tuple[str, str]:
    """Split a fetchable URL into (kind, file name); EngineRejected('not_found') otherwise."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "local" and parsed.netloc in ("videos", "avatars", "voices"):
        name = urllib.parse.unquote(parsed.path.lstrip("/"))
        if name and "/" not in name and name not in (".", ".."):
            return parsed.netloc, name
    if parsed.scheme == "file":
        path = Path(urllib.request.url2pathname(parsed.path)).resolve()
        if path.parent == videos.resolve():
            return "videos", path.name
    raise EngineRejected("not_found", f"the local engine has no file at {url!r}")


def _stream(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _describe(e: Exception) -> str:
    if isinstance(e, FfmpegFailed | EngineError):
        return str(e)
    return f"{type(e).__name__}: {e}"
