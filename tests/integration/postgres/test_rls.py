"""
Row-level security from the outside, in raw SQL, through the adapter's own
connection path (the `authenticator` login, role and claims set per
transaction, never a superuser): for every table, the owner, another user,
an admin, anonymous and service_role each try select/insert/update/delete.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from revideo.adapters.postgres.database import begin_as
from revideo.domain.profile import Actor, Role
from tests.contract.conftest import World
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration

WHO = ("owner", "other", "admin", "anon", "service")
# who may do what to alice's rows (design.md §3)
ALLOWED = {
    "select": {"owner", "admin", "service"},
    "insert": {"owner", "service"},
    "update": {"owner", "service"},
    "delete": {"owner", "service"},
}
OWNED = ("properties", "property_media", "videos", "video_render_jobs", "ad_performance")


@pytest.fixture
def conn(pg_server: PgServer) -> Iterator[Any]:
    with psycopg.connect(pg_server.app) as c:
        yield c


def actor(world: World, who: str) -> Actor:
    return {
        "owner": Actor.user(world.alice.id),
        "other": Actor.user(world.bob.id),
        "admin": Actor.user(world.admin.id, Role.ADMIN),
        "anon": Actor.anonymous(),
        "service": Actor.service(),
    }[who]


def attempt(conn: Any, who: Actor, statement: str, params: list[Any]) -> int | None:
    """Run one statement as `who` in its own rolled-back transaction.

    Returns the rows affected or returned, or None when the database refused.
    """
    try:
        with conn.transaction(force_rollback=True):
            begin_as(conn, who)
            cur = conn.execute(statement, params)
            return len(cur.fetchall()) if cur.description else cur.rowcount
    except psycopg.errors.InsufficientPrivilege:
        return None


def insert_sql(table: str, world: World, rows: Any) -> tuple[str, list[Any]]:
    """An INSERT of a new row owned by alice, next to her existing rows."""
    a = world.alice.id
    new = str(uuid.uuid4())
    return {
        "properties": (
            "INSERT INTO properties (id, user_id, title) VALUES (%s, %s, 'x')",
            [new, a],
        ),
        "property_media": (
            "INSERT INTO property_media (id, property_id, user_id, storage_path, public_url,"
            " mime_type, \"order\") VALUES (%s, %s, %s, 'p', 'u', 'image/png', %s)",
            [new, rows.prop.id, a, uuid.UUID(new).int % 1_000_000 + 1],  # a free place
        ),
        "videos": (
            "INSERT INTO videos (id, user_id, property_id, title) VALUES (%s, %s, %s, 'v')",
            [new, a, rows.prop.id],
        ),
        "video_render_jobs": (
            # a settled attempt: the video has its one unfinished attempt already
            "INSERT INTO video_render_jobs (id, video_id, user_id, status, failure_kind)"
            " VALUES (%s, %s, %s, 'failed', 'render_failed')",
            [new, rows.video.id, a],
        ),
        "ad_performance": (
            "INSERT INTO ad_performance (id, video_id, user_id, platform, date_recorded)"
            " VALUES (%s, %s, %s, 'google', '2026-01-01')",
            [new, rows.video.id, a],
        ),
    }[table]


def row_id(table: str, rows: Any) -> str:
    field = dict(zip(OWNED, ("prop", "photo", "video", "job", "ad"), strict=True))[table]
    return str(getattr(rows, field).id)


@pytest.mark.parametrize("table", OWNED)
def test_owned_tables(world: World, conn: Any, table: str) -> None:
    rows = world.owned(world.alice)
    key = row_id(table, rows)
    outcomes = {}
    for who in WHO:
        as_who = actor(world, who)
        outcomes[who, "select"] = attempt(
            conn, as_who, f"SELECT * FROM {table} WHERE id = %s", [key]
        )
        outcomes[who, "insert"] = attempt(conn, as_who, *insert_sql(table, world, rows))
        outcomes[who, "update"] = attempt(
            conn, as_who, f"UPDATE {table} SET created_at = created_at WHERE id = %s", [key]
        )
        outcomes[who, "delete"] = attempt(conn, as_who, f"DELETE FROM {table} WHERE id = %s", [key])
    for (who, op), outcome in outcomes.items():
        if who in ALLOWED[op]:
            assert outcome == 1, (who, op)
        else:  # refused outright, or the row is invisible to the statement
            assert outcome in (None, 0), (who, op)
    assert outcomes["other", "insert"] is None and outcomes["other", "select"] == 0


def test_profiles(world: World, conn: Any) -> None:
    key = world.alice.id
    sel = "SELECT * FROM profiles WHERE id = %s"
    upd = "UPDATE profiles SET full_name = 'changed' WHERE id = %s"
    promote = "UPDATE profiles SET role = 'admin' WHERE id = %s"
    expected = {
        "owner": (1, 1, None),
        "other": (0, 0, 0),
        "admin": (1, 0, 0),
        "anon": (0, 0, 0),
        "service": (1, 1, 1),
    }
    for who, (can_see, can_edit, can_promote) in expected.items():
        as_who = actor(world, who)
        assert attempt(conn, as_who, sel, [key]) == can_see, who
        assert attempt(conn, as_who, upd, [key]) == can_edit, who
        assert attempt(conn, as_who, promote, [key]) == can_promote, who
    inserted = "INSERT INTO profiles (id, email) VALUES (%s, 'x@example.test')"
    for who in ("owner", "admin", "anon"):
        assert attempt(conn, actor(world, who), inserted, [world.alice.id]) is None


def test_auth_users_are_out_of_reach_of_api_users(world: World, conn: Any) -> None:
    for who in ("owner", "admin", "anon"):
        assert attempt(conn, actor(world, who), "SELECT * FROM auth.users", []) is None


@pytest.mark.parametrize("bucket", ["property-images", "generated-videos"])
def test_storage_objects(world: World, conn: Any, bucket: str) -> None:
    alice, bob = world.alice.id, world.bob.id
    put = "INSERT INTO storage.objects (bucket_id, name, owner_id) VALUES (%s, %s, %s)"
    assert attempt(conn, actor(world, "owner"), put, [bucket, f"{alice}/a.jpg", alice]) == 1
    assert attempt(conn, actor(world, "owner"), put, [bucket, f"{bob}/evil.jpg", alice]) is None
    assert attempt(conn, actor(world, "anon"), put, [bucket, f"{alice}/b.jpg", None]) is None
    assert attempt(conn, actor(world, "service"), put, [bucket, "archive/v.mp4", None]) == 1
    with conn.transaction():
        begin_as(conn, actor(world, "owner"))
        conn.execute(put, [bucket, f"{alice}/kept.jpg", alice])
    name = [bucket, f"{alice}/kept.jpg"]
    read = "SELECT * FROM storage.objects WHERE bucket_id = %s AND name = %s"
    for who in WHO:  # public buckets: everyone reads
        assert attempt(conn, actor(world, who), read, name) == 1, who
    drop = "DELETE FROM storage.objects WHERE bucket_id = %s AND name = %s"
    rename = "UPDATE storage.objects SET name = name || '.x' WHERE bucket_id = %s AND name = %s"
    for who in ("other", "admin", "anon"):
        assert not attempt(conn, actor(world, who), drop, name), who
        assert not attempt(conn, actor(world, who), rename, name), who
    assert attempt(conn, actor(world, "owner"), rename, name) == 1
    assert attempt(conn, actor(world, "owner"), drop, name) == 1


def test_nothing_leaks_to_the_next_user_of_a_connection(world: World, conn: Any) -> None:
    login = conn.execute("SELECT current_user").fetchone()[0]
    conn.rollback()
    with conn.transaction():
        begin_as(conn, actor(world, "service"))
        assert conn.execute("SELECT current_user").fetchone() == ("service_role",)
    row = conn.execute(
        "SELECT current_user, current_setting('request.jwt.claims', true)"
    ).fetchone()
    conn.rollback()
    assert row[0] == login and not row[1]
