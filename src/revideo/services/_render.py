"""
Starting a render crash-safely (design.md §4): the policy, the engine's balance and
price, and the starter used by users and by automatic retries alike.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from revideo.domain.credits import CreditRate
from revideo.domain.errors import (
    Duplicate,
    EngineError,
    EngineOutcomeUnknown,
    EngineRejected,
    InvalidTransition,
)
from revideo.domain.failure import FailureKind, kind_of
from revideo.domain.numbers import credits
from revideo.domain.profile import Actor
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import Video, VideoPurpose, VideoStatus
from revideo.ports.media_store import PHOTOS_BUCKET
from revideo.ports.repositories import UnitOfWork
from revideo.ports.video_engine import ClosingCard, Photo, RenderRequest, VideoEngine
from revideo.services._base import Context, require_owner


@attrs.frozen
class RenderPolicy:
    """Knobs of the render pipeline."""

    resolution: str = "720p"
    captions: bool = True
    test_mode: bool = False
    callback_url: str | None = None
    # REVIDEO_CREDITS_PER_MINUTE: replaces the engine's own price table when set.
    credits_per_minute: Decimal | None = None
    max_auto_attempts: int = 3
    stuck_after: timedelta = timedelta(hours=2)
    unknown_grace: timedelta = timedelta(minutes=2)
    # How long after the first send a lost create may still be re-sent: HeyGen
    # replays an Idempotency-Key's answer for 24 h (heygen-v3.md §7); we stop short.
    replay_window: timedelta = timedelta(hours=23)
    poll_every: timedelta = timedelta(seconds=30)
    poll_concurrency: int = 8
    lease_ttl: timedelta = timedelta(minutes=5)
    busy_backoff: timedelta = timedelta(seconds=30)
    retry_delay: timedelta = timedelta(minutes=1)
    archive_retry: timedelta = timedelta(minutes=5)

    def retry_worthy(self, job: RenderJob) -> bool:
        """Whether a new attempt could succeed where this failed one did not (by its kind)."""
        kind = job.failure_kind
        return job.status is VideoStatus.FAILED and kind is not None and kind.retry_worthy

    def auto_retry_due(self, jobs: builtins.list[RenderJob], now: datetime) -> datetime | None:
        """When to start the next attempt by itself after the last of `jobs`, if at all."""
        if not jobs or len(jobs) >= self.max_auto_attempts or not self.retry_worthy(jobs[-1]):
            return None
        return now + self.retry_delay

    def rate(self, engine: VideoEngine) -> CreditRate | None:
        """The price in force: the setting when given, else the engine's table."""
        if self.credits_per_minute is not None:
            return CreditRate(self.credits_per_minute, 1, "REVIDEO_CREDITS_PER_MINUTE")
        return engine.credit_rate

    def charge(self, job: RenderJob, seconds: float | None, rate: CreditRate | None) -> RenderJob:
        """The job with its cost for `seconds` of video; unchanged if length or price is unknown."""
        if not seconds or rate is None:
            return job  # a webhook tells no duration: the archive step charges it
        return job.charge(rate.cost(seconds))


OnOpen = Callable[[UnitOfWork, Video], None]


@attrs.frozen
class Balance:
    """The engine's credits left and what a render costs (None where unknown)."""

    credits: Decimal | None
    rate: CreditRate | None

    def estimate(self, video: Video) -> Decimal | None:
        """About what rendering `video`'s script costs."""
        if self.rate is None or not video.script_content:
            return None
        return self.rate.cost(max(estimate_seconds(video.script_content), 1.0))


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
        `on_open` runs inside the transaction that writes the job, just before. A render the
        engine's balance cannot pay for is refused before anything is written.
        """
        balance = self.balance()
        job, request = self._open_job(actor, video_id, on_open, command, balance)
        try:
            engine_id = self.engine.create(request)
        except EngineOutcomeUnknown:
            raise  # Pipeline.reconcile settles it
        except EngineError as exc:
            self._refused(actor, job, kind_of(exc), _refusal(exc))
            raise
        with self.ctx.uow(actor) as uow:
            return record_accepted(uow, job, engine_id, self._spent(balance.credits))

    def balance(self) -> Balance:
        """Credits left (None when the engine cannot say right now) and the price."""
        return Balance(self._quota(), self.policy.rate(self.engine))

    def _open_job(
        self,
        actor: Actor,
        video_id: str,
        on_open: OnOpen | None,
        command: str | None,
        balance: Balance,
    ) -> tuple[RenderJob, RenderRequest]:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.lock(video_id)  # two starts at once: the second waits, then sees
            require_owner(actor, video.user_id, "video", video_id)
            command = command or ("retry" if video.status is VideoStatus.FAILED else "submit")
            video.check(command)
            video.ready_to_render()
            if any(not j.settled for j in uow.render_jobs.for_video(video_id)):
                raise InvalidTransition(video_id, "starting", command)
            _check_affordable(video, balance)
            job = RenderJob(
                id=self.ctx.ids(),
                video_id=video.id,
                user_id=video.user_id,
                attempt_count=video.attempt_count + 1,
                started_at=self.ctx.clock(),
            )
            if on_open is not None:  # its writes go with the job's: one write
                on_open(uow, video)
            try:
                uow.render_jobs.add(job)
            except Duplicate:  # another start got there first (one unfinished job per video)
                raise InvalidTransition(video_id, "starting", command) from None
            return job, self.request(uow, video, job)

    def request(self, uow: UnitOfWork, video: Video, job: RenderJob) -> RenderRequest:
        """What the engine is asked to render for `job` (the same on every re-send)."""
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

    def _refused(self, actor: Actor, job: RenderJob, kind: FailureKind, reason: str) -> None:
        with self.ctx.uow(actor) as uow:
            uow.render_jobs.update(job.fail(kind, reason, self.ctx.clock()))
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


def _refusal(exc: EngineError) -> str:
    if kind_of(exc) is FailureKind.BUSY:
        return f"the engine was busy: {exc}; generate it again later"
    return str(exc)


def _check_affordable(video: Video, balance: Balance) -> None:
    """Refuse, with the numbers, a render the engine's balance cannot pay for."""
    rate, left = balance.rate, balance.credits
    if rate is None or left is None or not video.script_content:
        return
    seconds = max(estimate_seconds(video.script_content), 1.0)
    needed = rate.cost(seconds)
    if needed <= left:
        return
    raise EngineRejected(
        "no_credit",
        f"this render needs about {credits(needed)} ({seconds:.0f} s of speech at "
        f"{credits(rate.per_minute)} a minute, {rate.source}); the account has "
        f"{credits(left)} left",
    )


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
