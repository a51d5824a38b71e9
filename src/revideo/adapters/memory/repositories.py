"""In-memory repositories: the repository ports over `Transaction` tables."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from revideo.adapters.memory.ads import InMemoryAds, InMemoryAnalytics
from revideo.adapters.memory.database import (
    InMemoryDatabase,
    InMemoryTransactionMixin,
    PipelineMark,
    Repo,
    Transaction,
    paginate,
)
from revideo.adapters.memory.tokens import InMemoryApiTokens
from revideo.adapters.memory.webhooks import InMemoryWebhooks
from revideo.domain.errors import Duplicate, Forbidden, NotFound
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor, Profile, Role
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video, VideoStatus
from revideo.ports.repositories import (
    Loop,
    PropertyFilter,
    VideoFilter,
)


def _ordered(tx: Transaction, rows: Sequence, created) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Newest first: by creation time, then by insertion order."""
    return sorted(rows, key=lambda r: (created(r), tx.tables.seq.get(r.id, 0)), reverse=True)


class InMemoryProfiles(Repo):
    def get(self, user_id: str) -> Profile:
        return self.tx.find(self.t.profiles, user_id, "profile", lambda p: p.id)

    def list(self, page: PageRequest) -> Page[Profile]:
        rows = self.tx.visible(self.t.profiles.values(), lambda p: p.id)
        return paginate(sorted(rows, key=lambda p: p.email), page)

    def update(self, profile: Profile) -> Profile:
        old = self.tx.writable(self.t.profiles, profile.id, "profile", lambda p: p.id)
        new = attrs.evolve(old, full_name=profile.full_name, avatar_url=profile.avatar_url)
        self.t.profiles[new.id] = new
        return new

    def set_role(self, user_id: str, role: Role) -> Profile:
        old = self.get(user_id)
        if not (self.tx.actor.system or self.tx.actor.is_admin):
            raise Forbidden("change the role of", "profile", user_id)
        new = attrs.evolve(old, role=role)
        self.t.profiles[new.id] = new
        return new

    def end_sessions(self, user_id: str) -> Profile:
        old = self.get(user_id)
        if not (self.tx.actor.system or self.tx.actor.user_id == user_id):
            raise Forbidden("end the sessions of", "profile", user_id)
        new = attrs.evolve(old, session_epoch=old.session_epoch + 1)
        self.t.profiles[new.id] = new
        return new


class InMemoryProperties(Repo):
    def get(self, property_id: str) -> Property:
        return self.tx.find(self.t.properties, property_id, "property", lambda p: p.user_id)

    def add(
        self,
        prop: Property,
        submission_key: str | None = None,
        media: Sequence[PropertyMedia] = (),
    ) -> Property:
        self.tx.check_insert(prop.user_id, "property", prop.id)
        if prop.id in self.t.properties:
            raise Duplicate("property", prop.id)
        self.tx.submit("properties", prop.user_id, submission_key, prop.id)
        now = self.tx.now()
        new = attrs.evolve(prop, created_at=now, updated_at=now)
        self.t.properties[new.id] = new
        self.tx.stamp(new.id)
        for photo in media:
            InMemoryMedia(self.tx).add(photo)
        return new

    def by_submission(self, submission_key: str) -> Property | None:
        found = self.tx.submitted("properties", submission_key)
        return self.t.properties.get(found) if found else None

    def lock(self, property_id: str) -> Property:
        return self.get(property_id)  # units of work run one at a time here

    def update(self, prop: Property) -> Property:
        old = self.tx.writable(self.t.properties, prop.id, "property", lambda p: p.user_id)
        new = attrs.evolve(
            prop, user_id=old.user_id, created_at=old.created_at, updated_at=self.tx.now()
        )
        self.t.properties[new.id] = new
        return new

    def delete(self, property_id: str) -> None:
        self.tx.writable(self.t.properties, property_id, "property", lambda p: p.user_id)
        del self.t.properties[property_id]
        for media in [m for m in self.t.media.values() if m.property_id == property_id]:
            del self.t.media[media.id]
        for video in [v for v in self.t.videos.values() if v.property_id == property_id]:
            _drop_video(self.tx, video.id)

    def list(self, filter: PropertyFilter, page: PageRequest) -> Page[Property]:
        rows = self.tx.visible(self.t.properties.values(), lambda p: p.user_id)
        rows = [p for p in rows if _property_matches(p, filter)]
        return paginate(_ordered(self.tx, rows, lambda p: p.created_at), page)

    def cities(self) -> builtins.list[str]:
        rows = self.tx.visible(self.t.properties.values(), lambda p: p.user_id)
        return sorted({p.address.city for p in rows if p.address.city})


def _property_matches(prop: Property, f: PropertyFilter) -> bool:
    if f.category is not None and prop.category is not f.category:
        return False
    if f.city and prop.address.city.casefold() != f.city.strip().casefold():
        return False
    needle = f.search.strip().casefold()
    haystack = " ".join((prop.title, prop.description, prop.address.one_line())).casefold()
    return needle in haystack


def _drop_video(tx: Transaction, video_id: str) -> None:
    del tx.tables.videos[video_id]
    tx.tables.pipeline.pop(video_id, None)
    for job in [j for j in tx.tables.jobs.values() if j.video_id == video_id]:
        del tx.tables.jobs[job.id]
    for ad in [a for a in tx.tables.ads.values() if a.video_id == video_id]:
        del tx.tables.ads[ad.id]


class InMemoryMedia(Repo):
    def get(self, media_id: str) -> PropertyMedia:
        return self.tx.find(self.t.media, media_id, "photo", lambda m: m.user_id)

    def for_property(self, property_id: str) -> tuple[PropertyMedia, ...]:
        rows = self.tx.visible(self.t.media.values(), lambda m: m.user_id)
        return tuple(sorted((m for m in rows if m.property_id == property_id), key=_media_key))

    def add(self, media: PropertyMedia) -> PropertyMedia:
        self.tx.check_insert(media.user_id, "photo", media.id)
        owner = self.t.properties.get(media.property_id)
        if owner is None or owner.user_id != media.user_id:
            raise NotFound("property", media.property_id)
        if any(
            m.property_id == media.property_id and m.order == media.order
            for m in self.t.media.values()
        ):
            raise Duplicate("photo", f"{media.property_id} place {media.order}")
        new = attrs.evolve(media, created_at=self.tx.now())
        self.t.media[new.id] = new
        self.tx.stamp(new.id)
        return new

    def add_all(self, media: Sequence[PropertyMedia]) -> tuple[PropertyMedia, ...]:
        return tuple(self.add(m) for m in media)  # the unit of work undoes all if one raises

    def set_orders(self, media: Sequence[PropertyMedia]) -> None:
        for item in media:
            old = self.tx.writable(self.t.media, item.id, "photo", lambda m: m.user_id)
            self.t.media[item.id] = attrs.evolve(old, order=item.order)
        for property_id in {item.property_id for item in media}:
            places = [m.order for m in self.t.media.values() if m.property_id == property_id]
            if len(places) != len(set(places)):
                raise Duplicate("photo", f"{property_id} place")

    def delete(self, media_id: str, reorder: Sequence[PropertyMedia] = ()) -> None:
        self.tx.writable(self.t.media, media_id, "photo", lambda m: m.user_id)
        del self.t.media[media_id]
        self.set_orders(reorder)  # the unit of work undoes both if this raises


def _media_key(m: PropertyMedia) -> tuple[int, str]:
    return (m.order, m.id)


class InMemoryVideos(Repo):
    def get(self, video_id: str) -> Video:
        video: Video = self.tx.find(self.t.videos, video_id, "video", lambda v: v.user_id)
        return video

    def add(self, video: Video, submission_key: str | None = None) -> Video:
        self.tx.check_insert(video.user_id, "video", video.id)
        owner = self.t.properties.get(video.property_id)
        if owner is None or owner.user_id != video.user_id:
            raise NotFound("property", video.property_id)
        self.tx.submit("videos", video.user_id, submission_key, video.id)
        now = self.tx.now()
        new = attrs.evolve(video, created_at=now, updated_at=now)
        self.t.videos[new.id] = new
        self.tx.stamp(new.id)
        return new

    def by_submission(self, submission_key: str) -> Video | None:
        found = self.tx.submitted("videos", submission_key)
        return self.t.videos.get(found) if found else None

    def update(self, video: Video) -> Video:
        old = self.tx.writable(self.t.videos, video.id, "video", lambda v: v.user_id)
        if video.engine_video_id and any(
            v.engine_video_id == video.engine_video_id and v.id != video.id
            for v in self.t.videos.values()
        ):
            raise Duplicate("video", video.engine_video_id)
        new = attrs.evolve(
            video, user_id=old.user_id, created_at=old.created_at, updated_at=self.tx.now()
        )
        self.t.videos[new.id] = new
        return new

    def delete(self, video_id: str) -> None:
        self.tx.writable(self.t.videos, video_id, "video", lambda v: v.user_id)
        _drop_video(self.tx, video_id)

    def list(self, filter: VideoFilter, page: PageRequest) -> Page[Video]:
        rows = self.tx.visible(self.t.videos.values(), lambda v: v.user_id)
        rows = [v for v in rows if _video_matches(v, filter)]
        return paginate(_ordered(self.tx, rows, lambda v: v.created_at), page)

    def by_engine_id(self, engine_video_id: str) -> Video | None:
        rows = self.tx.visible(self.t.videos.values(), lambda v: v.user_id)
        return next((v for v in rows if v.engine_video_id == engine_video_id), None)

    def lock(self, video_id: str) -> Video:
        """The unit of work is serialised already: this is `get` plus the write check."""
        video: Video = self.tx.writable(self.t.videos, video_id, "video", lambda v: v.user_id)
        return video

    def lease(
        self, loop: Loop, owner: str, now: datetime, until: datetime, limit: int
    ) -> builtins.list[Video]:
        marks, wanted = self.t.pipeline, _WANTED[loop]
        due = []
        for video in self.t.videos.values():
            mark = marks.get(video.id, PipelineMark())
            if wanted(video, mark, now) and mark.free(now):
                due.append((mark.due_at is not None, mark.due_at or now, video.id, video))
        taken = [d[3] for d in sorted(due, key=lambda d: d[:3])[:limit]]
        for video in taken:
            marks[video.id] = attrs.evolve(marks.get(video.id, PipelineMark()), owner=owner,
                                           until=until)  # fmt: skip
        return sorted(taken, key=lambda v: v.id)

    def release(self, video_id: str, owner: str, due_at: datetime, checked_at: datetime) -> None:
        mark = self.t.pipeline.get(video_id)
        if mark is not None and mark.owner == owner:
            self.t.pipeline[video_id] = attrs.evolve(
                mark, owner=None, until=None, due_at=due_at, checked_at=checked_at
            )

    def release_many(
        self, dues: Sequence[tuple[str, datetime]], owner: str, checked_at: datetime
    ) -> None:
        for video_id, due_at in dues:
            self.release(video_id, owner, due_at, checked_at)

    def schedule_retry(self, video_id: str, at: datetime | None) -> None:
        marks = self.t.pipeline
        marks[video_id] = attrs.evolve(marks.get(video_id, PipelineMark()), retry_at=at)


_WANTED: dict[str, Callable[[Video, PipelineMark, datetime], bool]] = {
    "sync": lambda v, m, now: v.status.in_flight,
    "archive": lambda v, m, now: v.status is VideoStatus.COMPLETED and v.archived_at is None,
    "retry": lambda v, m, now: (
        v.status in (VideoStatus.DRAFT, VideoStatus.FAILED)
        and m.retry_at is not None
        and m.retry_at <= now
    ),
}


def _video_matches(video: Video, f: VideoFilter) -> bool:
    if f.status is not None and video.status is not f.status:
        return False
    if f.purpose is not None and video.purpose is not f.purpose:
        return False
    if f.property_id is not None and video.property_id != f.property_id:
        return False
    text = f.search.strip().casefold()
    return text in video.title.casefold() or text in video.script_content.casefold()


class InMemoryRenderJobs(Repo):
    def get(self, job_id: str) -> RenderJob:
        job: RenderJob = self.tx.find(self.t.jobs, job_id, "render job", lambda j: j.user_id)
        return job

    def add(self, job: RenderJob) -> RenderJob:
        self.tx.check_insert(job.user_id, "render job", job.id)
        video = self.t.videos.get(job.video_id)
        if video is None or video.user_id != job.user_id:
            raise NotFound("video", job.video_id)
        if job.id in self.t.jobs:
            raise Duplicate("render job", job.id)
        self._one_unfinished(job)
        self.t.jobs[job.id] = job
        self.tx.stamp(job.id)
        return job

    def update(self, job: RenderJob) -> RenderJob:
        old = self.tx.writable(self.t.jobs, job.id, "render job", lambda j: j.user_id)
        new = attrs.evolve(job, user_id=old.user_id, video_id=old.video_id)
        self._one_unfinished(new)
        self.t.jobs[new.id] = new
        return new

    def _one_unfinished(self, job: RenderJob) -> None:
        """The partial unique index video_render_jobs_one_unfinished_idx, restated."""
        if job.status.terminal:
            return
        for other in self.t.jobs.values():
            if other.id != job.id and other.video_id == job.video_id and not other.status.terminal:
                raise Duplicate("render job", job.id)

    def for_video(self, video_id: str) -> list[RenderJob]:
        rows = self.tx.visible(self.t.jobs.values(), lambda j: j.user_id)
        mine = [j for j in rows if j.video_id == video_id]
        return sorted(mine, key=lambda j: (j.started_at, self.t.seq.get(j.id, 0)))

    def unsettled(self, started_before: datetime) -> list[RenderJob]:
        rows = self.tx.visible(self.t.jobs.values(), lambda j: j.user_id)
        lost = [j for j in rows if not j.settled and j.started_at < started_before]
        return sorted(lost, key=lambda j: j.started_at)


class InMemoryWebhookDeliveries(Repo):
    def claim(self, delivery_id: str, at: datetime) -> bool:
        if not self.tx.actor.system:
            raise Forbidden("record", "webhook delivery", delivery_id)
        if delivery_id in self.t.deliveries:
            return False
        self.t.deliveries[delivery_id] = at
        return True


class InMemoryUnitOfWork(InMemoryTransactionMixin):
    """One serialised transaction over the in-memory tables (a UnitOfWork)."""

    def __init__(self, db: InMemoryDatabase, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    def _bind(self, tx: Transaction) -> None:
        self.profiles = InMemoryProfiles(tx)
        self.properties = InMemoryProperties(tx)
        self.media = InMemoryMedia(tx)
        self.videos = InMemoryVideos(tx)
        self.render_jobs = InMemoryRenderJobs(tx)
        self.webhook_deliveries = InMemoryWebhookDeliveries(tx)
        self.ads = InMemoryAds(tx)
        self.analytics = InMemoryAnalytics(tx)
        self.api_tokens = InMemoryApiTokens(tx)
        self.webhooks = InMemoryWebhooks(tx)
