"""
Repositories behind a unit of work.

A unit of work is opened for one Actor and is one transaction: it commits when
the `with` block ends normally and rolls back when it raises. Each read sees
what was committed when it ran, plus the unit's own writes (READ COMMITTED), so
an adapter may run the reads that come before the first write on their own,
without a transaction to open and close. What an actor
may see is decided by the adapter the way row-level security decides it
(design.md §3): a user sees their own rows, an admin reads all rows, the
system (service_role) reads and writes all rows, anonymous sees nothing.

Every method may raise:
- NotFound: the row does not exist or is not visible to the actor;
- Forbidden: the row is visible but the actor may not change it;
- Duplicate: a unique key is taken;
- ValidationError: the database refused a value (its `field` names it).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Literal, Protocol

import attrs

from revideo.domain.ad_imports import AdImport, ImportHeader, ImportResult, ImportTally, UndoResult
from revideo.domain.ad_rows import MappedAd
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor, Profile, Role
from revideo.domain.property import Property, PropertyCategory
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video, VideoPurpose, VideoStatus
from revideo.ports.api_tokens import ApiTokenRepository
from revideo.ports.webhooks import WebhookRepository

Loop = Literal["sync", "archive", "retry"]
BreakdownBy = Literal["video", "property", "platform", "day", "user"]
"""How AnalyticsQueries.breakdown groups ad rows."""
"""The system loops that lease videos (see VideoRepository.lease)."""


@attrs.frozen
class PropertyFilter:
    """Narrow a property list: free text in title/description/address, category, city."""

    search: str = ""
    category: PropertyCategory | None = None
    city: str = ""


@attrs.frozen
class VideoFilter:
    """Narrow a video list: status, property, purpose, free text in the title or script."""

    status: VideoStatus | None = None
    property_id: str | None = None
    purpose: VideoPurpose | None = None
    search: str = ""


@attrs.frozen
class AdFilter:
    """Cut ad figures by day range (inclusive), platform, property, video and user."""

    date_from: date | None = None
    date_to: date | None = None
    platform: AdPlatform | None = None
    property_id: str | None = None
    video_id: str | None = None
    user_id: str | None = None
    import_id: str | None = None  # rows an import holds (ad lists only; analytics ignore it)


@attrs.frozen
class DailyPoint:
    day: date
    totals: AdTotals


class ProfileRepository(Protocol):
    def get(self, user_id: str) -> Profile: ...
    def list(self, page: PageRequest) -> Page[Profile]: ...
    def update(self, profile: Profile) -> Profile:
        """Save name and avatar; the role is kept (see set_role)."""
        ...

    def set_role(self, user_id: str, role: Role) -> Profile:
        """Change a role; Forbidden unless the actor is an admin or the system."""
        ...

    def end_sessions(self, user_id: str) -> Profile:
        """Raise the user's session epoch, ending every session signed in before.

        The user themself or the system; Forbidden for anyone else. A new
        password raises it too (the database does that on its own).
        """
        ...


class PropertyRepository(Protocol):
    def get(self, property_id: str) -> Property: ...
    def add(
        self,
        prop: Property,
        submission_key: str | None = None,
        media: Sequence[PropertyMedia] = (),
    ) -> Property:
        """Insert the property and its first photos' rows, all in one transaction (on
        Supabase too: one SQL function); Duplicate if this owner used `submission_key`
        (a UUID) before."""
        ...

    def by_submission(self, submission_key: str) -> Property | None:
        """The visible property created with this submission key, if any."""
        ...

    def lock(self, property_id: str) -> Property:
        """Like get, and hold the row until the unit of work ends where the store can
        (SELECT ... FOR UPDATE); appends to its gallery then queue up behind each other."""
        ...

    def update(self, prop: Property) -> Property: ...
    def delete(self, property_id: str) -> None:
        """Delete the property; its media rows and videos go with it."""
        ...

    def list(self, filter: PropertyFilter, page: PageRequest) -> Page[Property]:
        """Newest first."""
        ...

    def cities(self) -> builtins.list[str]:
        """Distinct non-empty cities of the visible properties, sorted."""
        ...


class MediaRepository(Protocol):
    def get(self, media_id: str) -> PropertyMedia: ...
    def for_property(self, property_id: str) -> tuple[PropertyMedia, ...]:
        """The photos of a property in gallery order."""
        ...

    def add(self, media: PropertyMedia) -> PropertyMedia: ...
    def add_all(self, media: Sequence[PropertyMedia]) -> tuple[PropertyMedia, ...]:
        """Insert several photos' rows, all or none (on Supabase too: one SQL function)."""
        ...

    def set_orders(self, media: Sequence[PropertyMedia]) -> None:
        """Save the `order` of each given photo, all at once: a place is unique per
        property (Duplicate), checked after every photo has its new place."""
        ...

    def delete(self, media_id: str, reorder: Sequence[PropertyMedia] = ()) -> None:
        """Delete the photo's row and save the `order` of each photo in `reorder` (the rest
        of its gallery closing up), all at once (on Supabase too: one SQL function)."""
        ...


class VideoRepository(Protocol):
    def get(self, video_id: str) -> Video: ...
    def add(self, video: Video, submission_key: str | None = None) -> Video:
        """Insert; Duplicate if this owner used `submission_key` (a UUID) before."""
        ...

    def by_submission(self, submission_key: str) -> Video | None:
        """The visible video created with this submission key, if any."""
        ...

    def update(self, video: Video) -> Video: ...
    def delete(self, video_id: str) -> None: ...
    def list(self, filter: VideoFilter, page: PageRequest) -> Page[Video]:
        """Newest first."""
        ...

    def by_engine_id(self, engine_video_id: str) -> Video | None: ...
    def lock(self, video_id: str) -> Video:
        """Like get, and hold the row until the unit of work ends (SELECT ... FOR UPDATE)."""
        ...

    # ---- the pipeline's leases (system actor only) ----------------------
    def lease(
        self, loop: Loop, owner: str, now: datetime, until: datetime, limit: int
    ) -> builtins.list[Video]:
        """Take up to `limit` videos due for `loop` that no live lease holds.

        'sync': pending or processing; 'archive': completed and not archived;
        'retry': draft or failed with an automatic retry due. A video is due
        when its `due_at` (see release) has passed. The lease is `owner`'s
        until `until`: concurrent callers never get the same video while it
        lives (FOR UPDATE SKIP LOCKED), and a crashed owner's lease runs out.
        """
        ...

    def release(self, video_id: str, owner: str, due_at: datetime, checked_at: datetime) -> None:
        """End `owner`'s lease (if it still holds it); the video is next due at `due_at`."""
        ...

    def release_many(
        self, dues: Sequence[tuple[str, datetime]], owner: str, checked_at: datetime
    ) -> None:
        """`release` for many videos at once: (video id, next due time) pairs."""
        ...

    def schedule_retry(self, video_id: str, at: datetime | None) -> None:
        """Make an automatic new render attempt due at `at` (None cancels it)."""
        ...


class RenderJobRepository(Protocol):
    def get(self, job_id: str) -> RenderJob: ...
    def add(self, job: RenderJob) -> RenderJob: ...
    def update(self, job: RenderJob) -> RenderJob: ...
    def for_video(self, video_id: str) -> builtins.list[RenderJob]:
        """Attempts of a video, oldest first."""
        ...

    def unsettled(self, started_before: datetime) -> builtins.list[RenderJob]:
        """Jobs whose create call has no known outcome, started before a time."""
        ...


class WebhookDeliveryRepository(Protocol):
    """Webhook deliveries already taken, by their id (system only)."""

    def claim(self, delivery_id: str, at: datetime) -> bool:
        """Record a delivery; False when it was recorded before (a replay)."""
        ...


class AdRepository(Protocol):
    def get(self, record_id: str) -> AdRecord: ...
    def add(self, record: AdRecord, submission_key: str | None = None) -> AdRecord:
        """A hand-typed record; Duplicate if one exists for its (video, platform, day), or if
        this owner used `submission_key` (a UUID) before."""
        ...

    def by_submission(self, submission_key: str) -> AdRecord | None:
        """The visible record created with this submission key, if any."""
        ...

    def update(self, record: AdRecord) -> AdRecord: ...
    def delete(self, record_id: str) -> None: ...
    def list(self, filter: AdFilter, page: PageRequest) -> Page[AdRecord]:
        """Newest day first."""
        ...

    def apply_import(
        self, header: ImportHeader, rows: Iterable[MappedAd], tally: Callable[[], ImportTally]
    ) -> ImportResult:
        """Record the import `header` and keep, per source ad and day, the newest figures.

        `rows` are summed per (platform, source ad, day) and rounded half-even (spend to
        cents, leads to whole numbers). A row whose currency differs from the first one given
        for its key, or that sends its ad and day to another video, is left out, and so is a
        key whose sums are out of range: they come back as errors naming the line. For each
        key: new -> added; stored figures from a report with a later last day -> this
        import's figures are kept aside (older); otherwise this import's figures replace the
        stored ones (updated, or unchanged when equal), which are kept aside for undo.
        `tally` is called once the rows are consumed; its counts are stored with the import.
        PostgreSQL streams: memory does not grow with the number of rows.
        """
        ...

    def undo_import(self, import_id: str) -> UndoResult:
        """Give each row the import holds the figures of the newest import left for its
        source ad and day (or remove it), drop what it kept aside, mark it undone.
        NotFound if invisible, Forbidden if not the actor's, ValidationError if undone."""
        ...

    def imports(self, page: PageRequest) -> Page[AdImport]:
        """The visible imports, newest first."""
        ...

    def get_import(self, import_id: str) -> AdImport: ...
    def live_import(self, file_hash: str) -> AdImport | None:
        """The actor's import of the file with this hash that is not undone, if any."""
        ...


@attrs.frozen
class Ratios:
    """A group's ratios as the store computed them: 4 places half-up, None on a zero divisor."""

    cpl: Decimal | None = None
    ctr: Decimal | None = None
    cpc: Decimal | None = None
    cpm: Decimal | None = None
    lead_rate: Decimal | None = None


@attrs.frozen
class BreakdownRow:
    """One group of a breakdown: its key (an id, platform or ISO day), a label, sums, ratios."""

    key: str
    label: str
    totals: AdTotals
    ratios: Ratios


class AnalyticsQueries(Protocol):
    def summary(self, filter: AdFilter) -> Summary:
        """Ad totals, videos by status and render cost over the visible rows."""
        ...

    def daily(self, filter: AdFilter) -> builtins.list[DailyPoint]:
        """Ad totals per day, oldest first, days without rows left out."""
        ...

    def by_platform(self, filter: AdFilter) -> dict[AdPlatform, AdTotals]: ...
    def breakdown(
        self, filter: AdFilter, by: BreakdownBy, limit: int | None = None
    ) -> builtins.list[BreakdownRow]:
        """Ad totals and ratios per video, property, platform, day or user, computed by the
        store; biggest spend first, then by label; the first `limit` groups when given.
        Groups without rows are left out."""
        ...


class UnitOfWork(Protocol):
    """One transaction for one actor; see the module docstring."""

    @property
    def actor(self) -> Actor: ...
    @property
    def profiles(self) -> ProfileRepository: ...
    @property
    def properties(self) -> PropertyRepository: ...
    @property
    def media(self) -> MediaRepository: ...
    @property
    def videos(self) -> VideoRepository: ...
    @property
    def render_jobs(self) -> RenderJobRepository: ...
    @property
    def webhook_deliveries(self) -> WebhookDeliveryRepository: ...
    @property
    def ads(self) -> AdRepository: ...
    @property
    def analytics(self) -> AnalyticsQueries: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


UnitOfWorkFactory = Callable[[Actor], UnitOfWork]
