"""
The staging area's contract (revideo.ports.staging and revideo.services.staging),
run unchanged on the in-memory, files and Supabase (loopback stand-in) media
stores: put, read back, list, delete, expiry on an injected clock (never by
sleeping), and another user's key refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.memory.store import InMemoryMediaStore
from revideo.domain.errors import Forbidden, NotFound, ValidationError
from revideo.domain.profile import Actor
from revideo.ports.clock import utcnow
from revideo.services.staging import StagingService
from tests.fixtures.postgres import pg_server  # noqa: F401  (fixtures)
from tests.supabase.fixtures import standin, supabase_backend  # noqa: F401  (fixtures)
from tests.support import Clock

SYSTEM = Actor.service()


@attrs.frozen
class Area:
    store: Any
    new_user: Callable[[], Actor]
    clock: Clock

    def staging(self, **options: Any) -> StagingService:
        return StagingService(self.store, self.clock, **options)


@pytest.fixture(params=["memory", "files", pytest.param("supabase", marks=pytest.mark.integration)])
def area(request: pytest.FixtureRequest, tmp_path: Path) -> Area:
    clock = Clock(utcnow())  # the Supabase stand-in needs no real time: keys carry the stamp
    if request.param == "memory":
        return Area(InMemoryMediaStore(), lambda: Actor.user(str(uuid.uuid4())), clock)
    if request.param == "files":
        store = FilesMediaStore(tmp_path / "media")
        return Area(store, lambda: Actor.user(str(uuid.uuid4())), clock)
    backend = request.getfixturevalue("supabase_backend")

    def new_user() -> Actor:
        profile = backend.add_user(f"u{uuid.uuid4().hex[:10]}@example.test")
        return Actor.user(profile.id)

    return Area(backend.media_store(), new_user, clock)


def read(staging: StagingService, actor: Actor, token: str, suffix: str) -> bytes:
    return b"".join(staging.read(actor, token, suffix))


def test_put_read_list_and_delete(area: Area) -> None:
    staging, alice = area.staging(), area.new_user()
    token = staging.new_token()
    assert staging.put(alice, token, "report", [b"day,spend\n", b"2026-11-01,10\n"]) == 24
    staging.put(alice, token, "meta", b'{"platform": "meta"}')
    assert read(staging, alice, token, "report") == b"day,spend\n2026-11-01,10\n"
    assert sorted((s.suffix, s.size) for s in staging.mine(alice)) == [("meta", 20), ("report", 24)]
    staging.put(alice, token, "meta", b"{}")  # overwritten in place
    assert read(staging, alice, token, "meta") == b"{}"
    staging.drop(alice, token, "report", "meta")
    staging.drop(alice, token, "report")  # gone already: not an error
    assert staging.mine(alice) == []
    with pytest.raises(NotFound):
        read(staging, alice, token, "report")


def test_a_draft_is_replaced_and_the_newest_is_found(area: Area) -> None:
    staging, alice = area.staging(), area.new_user()
    assert staging.latest(alice, "draft-wizard") is None
    staging.replace(alice, "draft-wizard", b"one")
    area.clock.advance(seconds=1)
    second = staging.replace(alice, "draft-wizard", b"two")
    assert staging.latest(alice, "draft-wizard") == (second, b"two")
    assert [s.token for s in staging.mine(alice)] == [second]  # the older one went


def test_another_users_key_is_refused(area: Area) -> None:
    staging, alice, bob = area.staging(), area.new_user(), area.new_user()
    token = staging.new_token()
    staging.put(alice, token, "photo", b"alice's photo")
    theirs = f"{alice.user_id}/{token}.photo"
    store = area.store
    for attempt in (
        lambda: b"".join(store.staged(bob, theirs)),
        lambda: store.stage(bob, theirs, b"overwritten"),
        lambda: store.unstage(bob, [theirs]),
        lambda: store.staged_in(bob, str(alice.user_id)),
        lambda: store.staging_folders(bob),
    ):
        with pytest.raises(Forbidden):
            attempt()
    with pytest.raises(NotFound):  # a token names a file in the caller's own folder only
        read(staging, bob, token, "photo")
    for hostile in (f"../{alice.user_id}/{token}", f"{alice.user_id}/{token}", "x" * 30, ""):
        with pytest.raises(NotFound):
            read(staging, bob, hostile, "photo")
    assert bob.user_id not in (None, "") and staging.mine(bob) == []
    assert read(staging, alice, token, "photo") == b"alice's photo"
    with pytest.raises((NotFound, ValidationError)):  # staged objects are never public
        b"".join(store.open("staging", theirs))


def test_expired_objects_are_refused_and_swept_by_the_clock(area: Area) -> None:
    staging = area.staging(keep=timedelta(hours=24), sweep_every=timedelta(minutes=10))
    alice, bob = area.new_user(), area.new_user()
    old, kept = staging.new_token(), None
    staging.put(alice, old, "report", b"a")
    staging.put(bob, old, "report", b"b")
    area.clock.advance(hours=20)
    kept = staging.new_token()
    staging.put(bob, kept, "report", b"c")
    area.clock.advance(hours=3, minutes=59)
    assert read(staging, alice, old, "report") == b"a"  # 23:59 old: still there
    assert staging.sweep() == 0
    area.clock.advance(minutes=1)  # 24 h: expired
    with pytest.raises(NotFound):
        read(staging, alice, old, "report")
    assert staging.mine(alice) == []  # refused and removed when read
    assert staging.sweep_if_due() == 0  # swept 1 min ago: not due before 10 min
    area.clock.advance(minutes=10)
    assert staging.sweep_if_due() == 1  # bob's old one; his newer one stays
    assert [s.token for s in staging.mine(bob)] == [kept]
    assert area.store.staged_in(SYSTEM, str(bob.user_id))[0].path.endswith(f"{kept}.report")


def test_staging_again_removes_the_users_expired_objects(area: Area) -> None:
    staging, alice = area.staging(keep=timedelta(hours=1)), area.new_user()
    first = staging.new_token()
    staging.put(alice, first, "photo", b"old")
    area.clock.advance(hours=2)
    staging.replace(alice, "draft-wizard", b"{}")  # any next staging tidies the folder
    assert [s.suffix for s in staging.mine(alice)] == ["draft-wizard"]
    assert all(not o.path.endswith(".photo") for o in area.store.staged_in(alice, alice.user_id))


def test_make_room_keeps_the_newest_within_count_and_size(area: Area) -> None:
    staging, alice = area.staging(), area.new_user()
    tokens = []
    for _ in range(4):
        tokens.append(staging.new_token())
        staging.put(alice, tokens[-1], "report", b"x" * 10)
        staging.put(alice, tokens[-1], "meta", b"{}")
        area.clock.advance(seconds=1)
    staging.make_room(alice, "report", count=2, size=100, companions=("meta",))
    assert sorted({s.token for s in staging.mine(alice)}) == tokens[2:]
    staging.make_room(alice, "report", count=5, size=15, companions=("meta",))
    assert sorted({s.token for s in staging.mine(alice)}) == tokens[3:]
