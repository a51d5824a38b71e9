"""
Keeping finished renders: copy the engine's file and thumbnail into our own
storage before its links expire, and point the video at the copies.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import attrs

from revideo.domain import files
from revideo.domain.errors import EngineError, EngineRejected, NotFound, RevideoError, TooLarge
from revideo.domain.keys import render_key
from revideo.domain.profile import Actor
from revideo.domain.video import EngineReport, Video, VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET, MediaStore
from revideo.ports.video_engine import VideoEngine
from revideo.services._base import Context
from revideo.services._rounds import current_job
from revideo.services.videos import RenderPolicy
from revideo.services.webhooks import video_event

log = logging.getLogger(__name__)
SYSTEM = Actor.service()
NEVER = datetime.max.replace(tzinfo=UTC)  # due "never": the archive loop leaves it be


@attrs.frozen
class Archiver:
    ctx: Context
    engine: VideoEngine
    store: MediaStore
    policy: RenderPolicy
    owner: str  # the lease holder that releases the video when done

    def archive(self, video: Video) -> None:
        """Copy one completed render; a RevideoError leaves the video as it was.

        An expired link (the engine refuses it) is asked for afresh once.
        """
        fresh = None
        if not video.thumbnail_url or video.meta.duration is None:
            fresh = self._fresh_links(video)  # a webhook names the file only
        try:
            try:
                video_url, thumb_url = self._copy_files(video, fresh)
            except EngineRejected:
                fresh = None if fresh is not None else self._fresh_links(video)
                if fresh is None:
                    raise
                video_url, thumb_url = self._copy_files(video, fresh)  # the old link had expired
        except TooLarge as exc:
            self._keep_engine_link(video, exc)
            return
        now = self.ctx.clock()
        kept = False
        try:
            with self.ctx.uow(SYSTEM) as uow:  # the video, its job, its lease: one write
                current = uow.videos.lock(video.id)
                job = current_job(uow, current)
                uow.videos.release(video.id, self.owner, now, now)
                if _still_unarchived(current, video):
                    duration = current.meta.duration or (fresh.duration if fresh else None)
                    if job is not None and job.cost_credits is None:
                        charged = self.policy.charge(job, duration, self.policy.rate(self.engine))
                        if charged != job:
                            uow.render_jobs.update(charged)
                    done = current.archive(video_url, thumb_url, now)
                    meta = attrs.evolve(done.meta, duration=duration)
                    saved = uow.videos.update(attrs.evolve(done, meta=meta, error_message=None))
                    video_event(uow, saved, now)  # video.completed, with the change
                    kept = True
        except NotFound:  # deleted (with its property, say) while the files were copied
            self._forget(video, set())
            return
        if not kept:  # changed meanwhile: copies no row points at belong to nothing
            self._forget(video, {current.video_url, current.thumbnail_url})

    def _keep_engine_link(self, video: Video, exc: TooLarge) -> None:
        """Too large for the store: the video stays completed with the engine's
        link, says why and where the limit is set, and is not tried again."""
        log.warning("video %s not archived: %s", video.id, exc.message)
        now = self.ctx.clock()
        reason = f"not archived: {exc.message}; the setting: {exc.setting}"
        with self.ctx.uow(SYSTEM) as uow:  # the video and its lease: one write
            current = uow.videos.lock(video.id)
            uow.videos.release(video.id, self.owner, NEVER, now)
            if _still_unarchived(current, video):
                video_event(uow, uow.videos.update(current.not_archived(reason)), now)
        self._forget(video, {current.video_url, current.thumbnail_url})  # a part may be stored

    def _forget(self, video: Video, in_use: set[str | None]) -> None:
        for ext in ("mp4", "jpg"):
            path = _key(video, ext)
            if self.store.public_url(VIDEOS_BUCKET, path) in in_use:
                continue  # another worker archived this very render there meanwhile
            with contextlib.suppress(RevideoError):
                self.store.delete(SYSTEM, VIDEOS_BUCKET, path)

    def _copy_files(self, video: Video, fresh: EngineReport | None) -> tuple[str, str | None]:
        source = (fresh.video_url if fresh else None) or video.video_url
        thumb = (fresh.thumbnail_url if fresh else None) or video.thumbnail_url
        video_url = self._copy(video, source, "mp4", "video/mp4")
        return video_url, self._copy(video, thumb, "jpg", "image/jpeg") if thumb else None

    def _fresh_links(self, video: Video) -> EngineReport | None:
        """The engine's current report (links are re-signed on every status call)."""
        try:
            report = self.engine.status(video.engine_video_id or "")
        except EngineError as exc:
            log.info("no fresh links for video %s, using the stored ones: %s", video.id, exc)
            return None
        return report if report.status is VideoStatus.COMPLETED else None

    def _copy(self, video: Video, url: str | None, ext: str, content_type: str) -> str:
        if not url:
            raise EngineRejected("no_file", "the engine reported no file to archive")
        chunks = iter(self.engine.fetch(url))
        head, chunks = _head(chunks, files.HEAD_BYTES)
        problem = files.check_head(head, ext)
        if problem is not None:  # checked before anything is replaced
            raise EngineRejected("not_media", f"the engine's {ext} file {problem}")
        counted = _Counted(itertools.chain([head] if head else [], chunks), files.MAX_BYTES[ext])
        path = _key(video, ext)
        stored = self.store.put(SYSTEM, VIDEOS_BUCKET, path, counted, content_type)
        if stored.size != counted.size or stored.size == 0:
            raise EngineRejected("short_file", f"stored {stored.size} of {counted.size} bytes")
        return stored.public_url


def _head(chunks: Iterator[bytes], want: int) -> tuple[bytes, Iterator[bytes]]:
    """The first `want` bytes of a stream (fewer if it is shorter), and the rest of it."""
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= want:
            break
    return head, chunks


def _key(video: Video, ext: str) -> str:
    return render_key(video.user_id, video.id, video.attempt_count, video.engine_video_id, ext)


def _still_unarchived(current: Video, seen: Video) -> bool:
    """The locked row is still the completed, unarchived render that was copied."""
    same = current.engine_video_id == seen.engine_video_id
    return same and current.status is VideoStatus.COMPLETED and current.archived_at is None


class _Counted:
    """Wraps a byte stream, counts what passes through, and stops one that grows too big."""

    def __init__(self, chunks: Iterable[bytes], limit: int) -> None:
        self._chunks = chunks
        self._limit = limit
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.size += len(chunk)
            if self.size > self._limit:
                raise EngineRejected("not_media", f"the file is larger than {self._limit} bytes")
            yield chunk
