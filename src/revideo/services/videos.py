"""Videos: drafts, edits, and starting renders crash-safely (design.md §4)."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from revideo.domain.ad_matching import normalise
from revideo.domain.errors import (
    EngineError,
    EngineOutcomeUnknown,
    EngineUnavailable,
    InvalidTransition,
    StorageError,
)
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import (
    AspectRatio,
    Video,
    VideoMeta,
    VideoPurpose,
    VideoStatus,
    parse_enum,
)
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET, MediaStore
from revideo.ports.repositories import UnitOfWork, VideoFilter
from revideo.ports.script_writer import ScriptDraft, ScriptWriter
from revideo.ports.video_engine import ClosingCard, Photo, RenderRequest, VideoEngine
from revideo.services._base import Context, require_owner, signed_in

# Reasons the pipeline writes on render jobs; the prefixes tell automatic
# retries what happened (see RenderPolicy.retry_worthy).
LOST = "the engine never received this render"
BUSY = "the engine was busy"
STUCK = "the render was still unfinished after"
PERMANENT = (
    "too long",
    "40119",
    "credit",
    "quota",
    "avatar",
    "voice",
    "blocked",
    "invalid",
    "not supported",
    "not_found",
    "no longer knows",
)


@attrs.frozen
class RenderPolicy:
    """Knobs of the render pipeline."""

    resolution: str = "720p"
    captions: bool = True
    test_mode: bool = False
    callback_url: str | None = None
    credits_per_minute: Decimal = Decimal("1")
    max_auto_attempts: int = 3
    stuck_after: timedelta = timedelta(hours=2)
    unknown_grace: timedelta = timedelta(minutes=2)
    poll_every: timedelta = timedelta(seconds=30)
    poll_concurrency: int = 8
    lease_ttl: timedelta = timedelta(minutes=5)
    busy_backoff: timedelta = timedelta(seconds=30)
    retry_delay: timedelta = timedelta(minutes=1)
    archive_retry: timedelta = timedelta(minutes=5)
    permanent_failures: tuple[str, ...] = PERMANENT

    def retry_worthy(self, job: RenderJob) -> bool:
        """Whether a new attempt could succeed where this failed one did not."""
        error = (job.error_message or "").lower()
        if job.status is not VideoStatus.FAILED:
            return False
        if error.startswith((LOST, BUSY)):
            return True  # the engine never took it: sending it again costs nothing twice
        if job.heygen_job_id is None or error.startswith(STUCK):
            return False  # refused at the door, or maybe still rendering (paid) somewhere
        return not any(p in error for p in self.permanent_failures)

    def auto_retry_due(self, jobs: builtins.list[RenderJob], now: datetime) -> datetime | None:
        """When to start the next attempt by itself after the last of `jobs`, if at all."""
        if not jobs or len(jobs) >= self.max_auto_attempts or not self.retry_worthy(jobs[-1]):
            return None
        return now + self.retry_delay

    def charge(self, job: RenderJob, seconds: float | None) -> RenderJob:
        """The job with its cost for `seconds` of video; unchanged when the length is unknown."""
        if not seconds:
            return job  # a webhook tells no duration: the archive step charges it
        minutes = Decimal(str(seconds)) / 60
        return job.charge((minutes * self.credits_per_minute).quantize(Decimal("0.01")))


@attrs.frozen
class VideoInput:
    """What a user supplies for a new video (validated by Video on build)."""

    property_id: str
    title: str
    script_content: str = ""
    avatar_id: str = ""
    voice_id: str = ""
    purpose: VideoPurpose | str = VideoPurpose.SALE
    aspect_ratio: AspectRatio | str = AspectRatio.LANDSCAPE


@attrs.frozen
class VideoService:
    ctx: Context
    engine: VideoEngine
    store: MediaStore
    writer: ScriptWriter
    policy: RenderPolicy = attrs.field(factory=RenderPolicy)

    # ---- drafts -----------------------------------------------------------
    def default_title(self, actor: Actor, property_id: str) -> str:
        """`<property> — video tour`, numbered when the actor has a video titled so already
        (compared as ad names are matched), so an ad named after it finds one video."""
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(property_id)
            base = f"{prop.title} — video tour"[:190]
            taken = {
                normalise(v.title)
                for v in every(lambda page: uow.videos.list(VideoFilter(search=prop.title), page))
                if v.user_id == actor.user_id
            }
        title, n = base, 1
        while normalise(title) in taken:
            n += 1
            title = f"{base} ({n})"
        return title

    def create_draft(self, actor: Actor, data: VideoInput) -> Video:
        owner = signed_in(actor)
        video = Video(
            id=self.ctx.ids(),
            user_id=owner,
            property_id=data.property_id,
            title=data.title,
            script_content=data.script_content,
            avatar_id=data.avatar_id,
            voice_id=data.voice_id,
            purpose=parse_enum("purpose", VideoPurpose, data.purpose),
            meta=VideoMeta(aspect_ratio=parse_enum("aspect_ratio", AspectRatio, data.aspect_ratio)),
        )
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(data.property_id)
            require_owner(actor, prop.user_id, "property", prop.id)
            return uow.videos.add(video)

    def get(self, actor: Actor, video_id: str) -> Video:
        with self.ctx.uow(actor) as uow:
            return uow.videos.get(video_id)

    def list(
        self, actor: Actor, filter: VideoFilter = VideoFilter(), page: PageRequest = PageRequest()
    ) -> Page[Video]:
        with self.ctx.uow(actor) as uow:
            return uow.videos.list(filter, page)

    def jobs(self, actor: Actor, video_id: str) -> builtins.list[RenderJob]:
        """The render attempts of a video, oldest first (its status timeline)."""
        with self.ctx.uow(actor) as uow:
            uow.videos.get(video_id)
            return uow.render_jobs.for_video(video_id)

    def edit(self, actor: Actor, video_id: str, **changes: object) -> Video:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.get(video_id)
            require_owner(actor, video.user_id, "video", video_id)
            return uow.videos.update(video.edit(**changes))

    def delete(self, actor: Actor, video_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.get(video_id)
            require_owner(actor, video.user_id, "video", video_id)
            video.check_deletable()
            uow.videos.delete(video_id)
        if video.archived_at is not None:
            for name in (f"{video.id}.mp4", f"{video.id}.jpg"):
                with contextlib.suppress(StorageError):
                    self.store.delete(actor, VIDEOS_BUCKET, f"{video.user_id}/{name}")

    def write_script(
        self,
        actor: Actor,
        property_id: str,
        purpose: VideoPurpose | str = VideoPurpose.SALE,
        *,
        tone: str = "warm",
        language: str = "en",
    ) -> ScriptDraft:
        """A script for the property from the configured writer, within the engine's limit."""
        prop = self._property(actor, property_id)
        return self.writer.write(
            prop,
            parse_enum("purpose", VideoPurpose, purpose),
            tone=tone,
            language=language,
            max_chars=self.engine.max_script_chars,
        )

    def _property(self, actor: Actor, property_id: str) -> Property:
        with self.ctx.uow(actor) as uow:
            return uow.properties.get(property_id)

    # ---- renders ----------------------------------------------------------
    def submit(self, actor: Actor, video_id: str) -> Video:
        """Start the first render of a draft, or a new attempt of a failed video.

        The render job is committed before the engine is called and its id is
        the idempotency handle, so a crash or a lost answer is settled later by
        `Pipeline.reconcile` without paying twice.
        """
        return RenderStarter(self.ctx, self.engine, self.policy).start(actor, video_id)

    def retry(self, actor: Actor, video_id: str) -> Video:
        """Start a new attempt of a failed video (InvalidTransition in any other status)."""
        starter = RenderStarter(self.ctx, self.engine, self.policy)
        return starter.start(actor, video_id, command="retry")


OnOpen = Callable[[UnitOfWork, Video], None]


@attrs.frozen
class RenderStarter:
    """Starts one render attempt crash-safely (used by users and by automatic retries)."""

    ctx: Context
    engine: VideoEngine
    policy: RenderPolicy

    def start(
        self,
        actor: Actor,
        video_id: str,
        on_open: OnOpen | None = None,
        command: str | None = None,
    ) -> Video:
        """Write the job, call the engine with the job id as handle, record its answer.

        `command` is 'submit' or 'retry' (default: whichever the status allows);
        `on_open` runs inside the transaction that writes the job.
        """
        job, request = self._open_job(actor, video_id, on_open, command)
        quota_before = self._quota()
        try:
            engine_id = self.engine.create(request)
        except EngineOutcomeUnknown:
            raise
        except EngineUnavailable as exc:
            self._refused(actor, job, f"{BUSY}: {exc}; generate it again later")
            raise
        except EngineError as exc:
            self._refused(actor, job, str(exc))
            raise
        with self.ctx.uow(actor) as uow:
            return record_accepted(uow, job, engine_id, self._spent(quota_before))

    def _open_job(
        self, actor: Actor, video_id: str, on_open: OnOpen | None, command: str | None
    ) -> tuple[RenderJob, RenderRequest]:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.lock(video_id)  # two starts at once: the second waits, then sees
            require_owner(actor, video.user_id, "video", video_id)
            command = command or ("retry" if video.status is VideoStatus.FAILED else "submit")
            video.check(command)
            video.ready_to_render()
            if any(not j.settled for j in uow.render_jobs.for_video(video_id)):
                raise InvalidTransition(video_id, "starting", command)
            job = RenderJob(
                id=self.ctx.ids(),
                video_id=video.id,
                user_id=video.user_id,
                attempt_count=video.attempt_count + 1,
                started_at=self.ctx.clock(),
            )
            uow.render_jobs.add(job)
            if on_open is not None:
                on_open(uow, video)
            return job, self._request(uow, video, job)

    def _request(self, uow: UnitOfWork, video: Video, job: RenderJob) -> RenderRequest:
        prop = uow.properties.get(video.property_id)
        photos = tuple(
            Photo(url=m.public_url, bucket=PHOTOS_BUCKET, path=m.storage_path)
            for m in uow.media.for_property(prop.id)
        )
        return RenderRequest(
            handle=job.id,
            title=video.title,
            script=video.script_content,
            avatar_id=video.avatar_id,
            voice_id=video.voice_id,
            aspect_ratio=video.meta.aspect_ratio,
            resolution=self.policy.resolution,
            photos=photos,
            captions=self.policy.captions,
            test=self.policy.test_mode,
            callback_url=self.policy.callback_url,
            closing=closing_card(prop, video.purpose),
        )

    def _refused(self, actor: Actor, job: RenderJob, reason: str) -> None:
        with self.ctx.uow(actor) as uow:
            uow.render_jobs.update(job.fail(reason, self.ctx.clock()))
            video = uow.videos.get(job.video_id)
            uow.videos.update(video.reject(reason))

    def _quota(self) -> Decimal | None:
        try:
            return self.engine.remaining_quota()
        except EngineError:
            return None

    def _spent(self, before: Decimal | None) -> Decimal | None:
        after = self._quota() if before is not None else None
        if before is None or after is None or after >= before:
            return None
        return before - after


def record_accepted(
    uow: UnitOfWork, job: RenderJob, engine_id: str, cost: Decimal | None = None
) -> Video:
    """The engine took the render: settle the job and move the video to pending.

    The video row is locked first, so two workers settling the same job queue
    up and the second finds it settled (InvalidTransition from the video).
    """
    video = uow.videos.lock(job.video_id)
    job = job.sent(engine_id)
    uow.render_jobs.update(job.charge(cost) if cost is not None else job)
    video = (
        video.retry(engine_id) if video.status is VideoStatus.FAILED else video.submit(engine_id)
    )
    return uow.videos.update(video)


def closing_card(prop: Property, purpose: VideoPurpose) -> ClosingCard:
    """The price, the key facts and the address, written for a closing card."""
    specs = prop.specs
    price = ""
    if specs.price is not None:
        price = f"${specs.price:,.0f}" + (" / month" if purpose is VideoPurpose.RENT else "")
    facts = []
    if specs.beds:
        facts.append(f"{specs.beds} bed" + ("s" if specs.beds != 1 else ""))
    if specs.baths:
        facts.append(f"{specs.baths.normalize():f} bath" + ("s" if specs.baths != 1 else ""))
    if specs.area is not None:
        facts.append(f"{specs.area:,.0f} sq ft")
    return ClosingCard(price=price, facts=" · ".join(facts), address=prop.address.one_line())
