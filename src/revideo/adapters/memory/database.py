"""
Working in-memory stand-in for the database: the same repositories as the
PostgreSQL adapter, with row-level security restated in Python. A unit of work
is a serialised transaction over a copy of the tables, swapped in on commit.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from revideo.domain.ad_imports import AdImport
from revideo.domain.ads import AdRecord
from revideo.domain.api_tokens import ApiToken
from revideo.domain.errors import Duplicate, Forbidden, NotFound
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor, Profile, Role
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video
from revideo.domain.webhooks import WebhookEndpoint, WebhookMessage
from revideo.ports.clock import Clock, utcnow

if TYPE_CHECKING:
    from revideo.adapters.local_auth.store import CredentialStore
    from revideo.adapters.memory.repositories import InMemoryUnitOfWork
    from revideo.ports.identity import Identity
    from revideo.ports.mailer import Mailer

Row = TypeVar("Row")


@attrs.frozen
class PipelineMark:
    """The pipeline's note on one video (public.video_pipeline): its lease and due times."""

    owner: str | None = None
    until: datetime | None = None
    due_at: datetime | None = None
    checked_at: datetime | None = None
    retry_at: datetime | None = None

    def free(self, now: datetime) -> bool:
        """No live lease holds the video and it is due."""
        lease_over = self.until is None or self.until <= now
        return lease_over and (self.due_at is None or self.due_at <= now)


@attrs.define
class Tables:
    """All rows, keyed by id; `seq` remembers insertion order for stable sorting."""

    profiles: dict[str, Profile] = attrs.Factory(dict)
    properties: dict[str, Property] = attrs.Factory(dict)
    media: dict[str, PropertyMedia] = attrs.Factory(dict)
    videos: dict[str, Video] = attrs.Factory(dict)
    jobs: dict[str, RenderJob] = attrs.Factory(dict)
    ads: dict[str, AdRecord] = attrs.Factory(dict)
    ad_imports: dict[str, AdImport] = attrs.Factory(dict)
    # figures kept aside, by (import id, platform, source key, day)
    ad_versions: dict[tuple[str, str, str, date], AdRecord] = attrs.Factory(dict)
    pipeline: dict[str, PipelineMark] = attrs.Factory(dict)  # video id -> lease and due times
    deliveries: dict[str, datetime] = attrs.Factory(dict)
    api_tokens: dict[str, ApiToken] = attrs.Factory(dict)
    webhook_endpoints: dict[str, WebhookEndpoint] = attrs.Factory(dict)
    webhook_messages: dict[str, WebhookMessage] = attrs.Factory(dict)
    seq: dict[str, int] = attrs.Factory(dict)
    submissions: dict[tuple[str, str, str], str] = attrs.Factory(dict)
    """(table, owner, submission key) -> id of the row created with it."""

    def copy(self) -> Tables:
        return Tables(**{f.name: dict(getattr(self, f.name)) for f in attrs.fields(Tables)})


class InMemoryDatabase:
    """The whole in-memory backend; `unit_of_work` is a UnitOfWorkFactory."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self.tables = Tables()
        self.clock = clock
        self.lock = threading.RLock()
        self._counter = itertools.count()

    def next_seq(self) -> int:
        return next(self._counter)

    def add_user(
        self,
        email: str,
        *,
        role: Role = Role.USER,
        full_name: str = "",
        user_id: str | None = None,
    ) -> Profile:
        """Create a user as the auth service would (the profile comes with it)."""
        profile = Profile(
            id=user_id or str(uuid.uuid4()),
            email=email,
            full_name=full_name,
            role=role,
            created_at=self.clock(),
        )
        with self.lock:
            if any(p.email.lower() == email.lower() for p in self.tables.profiles.values()):
                raise Duplicate("user", email)
            self.tables.profiles[profile.id] = profile
        return profile

    def remove_user(self, user_id: str) -> None:
        """Delete a user as the auth service would: everything they own goes with them."""
        with self.lock:
            t = self.tables
            t.profiles.pop(user_id, None)
            for name in (
                "ads", "jobs", "videos", "media", "properties", "api_tokens",
                "webhook_messages", "webhook_endpoints",
            ):  # fmt: skip
                table = getattr(t, name)
                for key in [k for k, row in table.items() if row.user_id == user_id]:
                    del table[key]

    def unit_of_work(self, actor: Actor) -> InMemoryUnitOfWork:
        from revideo.adapters.memory.repositories import InMemoryUnitOfWork

        return InMemoryUnitOfWork(self, actor)

    def credentials(self) -> CredentialStore:
        """The credential table of this database (revideo's own auth keeps its users)."""
        from revideo.adapters.local_auth.store import memory_credentials

        return memory_credentials(self)

    def identity(self, mailer: Mailer, *, secret: str | None = None) -> Identity:
        from revideo.adapters.local_auth import identity_for

        return identity_for(self, mailer, secret=secret, clock=self.clock)

    def media_store(self) -> None:
        """None: photos and videos go to the files store."""
        return None

    def close(self) -> None:
        """Nothing to release."""


class Transaction:
    """Shared plumbing of the in-memory repositories: visibility and timestamps."""

    def __init__(self, db: InMemoryDatabase, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.tables = db.tables.copy()

    def now(self) -> datetime:
        return self.db.clock()

    def visible(self, rows: Iterable[Row], owner: Callable[[Row], str]) -> list[Row]:
        return [r for r in rows if self.actor.can_read(owner(r))]

    def find(self, table: dict[str, Row], key: str, kind: str, owner: Callable[[Row], str]) -> Row:
        row = table.get(key)
        if row is None or not self.actor.can_read(owner(row)):
            raise NotFound(kind, key)
        return row

    def writable(
        self, table: dict[str, Row], key: str, kind: str, owner: Callable[[Row], str]
    ) -> Row:
        row = self.find(table, key, kind, owner)
        if not self.actor.can_write(owner(row)):
            raise Forbidden("change", kind, key)
        return row

    def check_insert(self, owner_id: str, kind: str, key: str) -> None:
        if not self.actor.can_write(owner_id):
            raise Forbidden("create", kind, key)

    def submit(self, table: str, owner: str, submission_key: str | None, key: str) -> None:
        """Record the one-time key a row was created with (Duplicate if it was used)."""
        if submission_key is None:
            return
        slot = (table, owner, _uuid_text("submission_key", submission_key))
        taken = self.tables.submissions.get(slot)
        if taken is not None and taken in getattr(self.tables, table):  # freed by a delete
            raise Duplicate(table, submission_key)
        self.tables.submissions[slot] = key

    def submitted(self, table: str, submission_key: str) -> str | None:
        """The id of the actor's row created with this key (None for a malformed key)."""
        try:
            slot = (table, self.actor.user_id or "", _uuid_text("", submission_key))
        except ValueError:
            return None
        found = self.tables.submissions.get(slot)
        return found if found in getattr(self.tables, table) else None

    def stamp(self, key: str) -> None:
        self.tables.seq.setdefault(key, self.db.next_seq())


def _uuid_text(field: str, value: str) -> str:
    """A UUID in its canonical form, as the uuid column would store it."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        if not field:
            raise
        from revideo.domain.errors import ValidationError

        raise ValidationError(field, "must be a UUID") from None


def paginate(rows: Sequence[Row], page: PageRequest) -> Page[Row]:
    return Page(
        items=list(rows[page.offset : page.offset + page.size]), total=len(rows), request=page
    )


class Repo:
    """A repository over the unit of work's transaction (`t`: its tables)."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    @property
    def t(self) -> Tables:
        return self.tx.tables


class InMemoryTransactionMixin:
    """Context-manager behaviour shared by the unit of work."""

    db: InMemoryDatabase
    tx: Transaction

    def __enter__(self) -> Any:
        self.db.lock.acquire()
        self.tx = Transaction(self.db, self.actor)  # type: ignore[attr-defined]
        self._bind(self.tx)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.db.tables = self.tx.tables
        finally:
            self.db.lock.release()

    def _bind(self, tx: Transaction) -> None:
        raise NotImplementedError
