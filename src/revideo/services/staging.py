"""
Staging: what a user's next request needs, kept in the media store's private
staging area (revideo.ports.staging) rather than on one web host's disk, so
any host can answer that request (design.md §3, "Staging").

An object is `<user id>/<token>.<suffix>`: the folder is always the actor's
own (a token from a request never names a folder), the token is
`<UTC stamp of staging>-<random>` and the suffix says what it is (`report`,
`photo`, `draft-<wizard>`...). Expiry reads the stamp in the key against the
clock, alike on every store: an object older than `keep` is refused when read,
removed when its user stages again, and swept for everyone by the worker.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

import attrs

from revideo.domain.errors import NotFound
from revideo.domain.profile import Actor
from revideo.ports.clock import Clock, utcnow
from revideo.ports.staging import StagingArea

KEEP = timedelta(hours=24)
SYSTEM = Actor.service()
_STAMP = "%Y%m%dT%H%M%S%fZ"
_TOKEN = re.compile(r"(\d{8}T\d{12}Z)-[A-Za-z0-9_-]{16,64}")
_SUFFIX = re.compile(r"[a-z][a-z0-9_-]{0,40}")
_NAME = re.compile(rf"(?P<token>{_TOKEN.pattern})\.(?P<suffix>{_SUFFIX.pattern})")


@attrs.frozen
class Staged:
    """One of a user's live staged objects."""

    token: str
    suffix: str
    size: int


@attrs.define
class StagingService:
    area: StagingArea
    clock: Clock = utcnow
    keep: timedelta = KEEP
    sweep_every: timedelta = timedelta(minutes=10)
    _next_sweep: datetime | None = attrs.field(default=None, init=False, repr=False)
    _last: datetime | None = attrs.field(default=None, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def new_token(self) -> str:
        """A fresh token (never guessable), stamped with the clock's time; within one process
        stamps only go up (a microsecond on when the clock has not moved), so the newest of a
        user's objects is the one with the greatest token."""
        with self._lock:
            now = self.clock().astimezone(UTC)
            if self._last is not None and now <= self._last:
                now = self._last + timedelta(microseconds=1)
            self._last = now
        return f"{now.strftime(_STAMP)}-{secrets.token_urlsafe(18)}"

    def put(self, actor: Actor, token: str, suffix: str, data: bytes | Iterable[bytes]) -> int:
        """Stage `data` as the actor's `<token>.<suffix>`; its size."""
        return self.area.stage(actor, self._key(actor, token, suffix), data)

    def read(self, actor: Actor, token: str, suffix: str) -> Iterator[bytes]:
        """The actor's own staged object; NotFound when unknown, malformed or expired
        (an expired one is removed)."""
        key = self._key(actor, token, suffix)
        if self.expired(token):
            self.area.unstage(actor, [key])
            raise NotFound("staged file", token)
        return self.area.staged(actor, key)

    def drop(self, actor: Actor, token: str, *suffixes: str) -> None:
        """Remove the actor's `<token>.<suffix>` objects (missing ones are no error)."""
        self.area.unstage(actor, [self._key(actor, token, s) for s in suffixes])

    def mine(self, actor: Actor) -> list[Staged]:
        """The actor's live staged objects, oldest first; expired ones are removed now."""
        live, dead = self._split(self._folder(actor), actor)
        if dead:
            self.area.unstage(actor, dead)
        return live

    def make_room(
        self, actor: Actor, suffix: str, *, count: int, size: int, companions: tuple[str, ...] = ()
    ) -> None:
        """Remove the actor's oldest `suffix` objects (with their companions of the same
        token) until at most `count` are left, of at most `size` bytes in all."""
        kept = [s for s in self.mine(actor) if s.suffix == suffix]
        gone: list[Staged] = []
        while kept and (len(kept) > count or sum(s.size for s in kept) > size):
            gone.append(kept.pop(0))
        for old in gone:
            self.drop(actor, old.token, suffix, *companions)

    def latest(self, actor: Actor, suffix: str) -> tuple[str, bytes] | None:
        """The token and bytes of the actor's newest live `suffix` object, if any."""
        for found in reversed([s for s in self.mine(actor) if s.suffix == suffix]):
            try:
                return found.token, b"".join(
                    self.area.staged(actor, self._key(actor, found.token, suffix))
                )
            except NotFound:  # removed meanwhile (another request replaced it)
                continue
        return None

    def replace(self, actor: Actor, suffix: str, data: bytes) -> str:
        """Stage `data` as the actor's one `suffix` object: written under a new token,
        then every older one goes (a concurrent newer one stays). The new token."""
        token = self.new_token()
        self.put(actor, token, suffix, data)
        older = [s for s in self.mine(actor) if s.suffix == suffix and s.token < token]
        self.drop_all(actor, older)
        return token

    def drop_all(self, actor: Actor, objects: list[Staged]) -> None:
        if objects:
            self.area.unstage(actor, [self._key(actor, s.token, s.suffix) for s in objects])

    def expired(self, token: str) -> bool:
        """Whether a token was staged more than `keep` ago (a malformed one: yes)."""
        found = _TOKEN.fullmatch(token)
        if found is None:
            return True
        staged = datetime.strptime(found[1], _STAMP).replace(tzinfo=UTC)
        return staged <= self.clock() - self.keep

    def sweep(self) -> int:
        """Remove every user's expired staged objects (as the system); how many went."""
        removed = 0
        for folder in self.area.staging_folders(SYSTEM):
            _, dead = self._split(folder, SYSTEM)
            if dead:
                self.area.unstage(SYSTEM, dead)
                removed += len(dead)
        self._next_sweep = self.clock() + self.sweep_every
        return removed

    def sweep_if_due(self) -> int:
        """`sweep()` at most once per `sweep_every` (the worker calls it every round)."""
        if self._next_sweep is not None and self.clock() < self._next_sweep:
            return 0
        return self.sweep()

    # ---- helpers ----------------------------------------------------------
    def _split(self, folder: str, actor: Actor) -> tuple[list[Staged], list[str]]:
        """(live objects oldest first, keys of expired or foreign-named ones) in `folder`."""
        live, dead = [], []
        for obj in self.area.staged_in(actor, folder):
            found = _NAME.fullmatch(obj.path.rsplit("/", 1)[-1])
            if found is None or self.expired(found["token"]):
                dead.append(obj.path)
            else:
                live.append(Staged(found["token"], found["suffix"], obj.size))
        return sorted(live, key=lambda s: s.token), dead

    def _folder(self, actor: Actor) -> str:
        if actor.user_id is None:
            raise NotFound("staged file", "")
        return actor.user_id

    def _key(self, actor: Actor, token: str, suffix: str) -> str:
        if not (_TOKEN.fullmatch(token) and _SUFFIX.fullmatch(suffix)):
            raise NotFound("staged file", token[:80])
        return f"{self._folder(actor)}/{token}.{suffix}"
