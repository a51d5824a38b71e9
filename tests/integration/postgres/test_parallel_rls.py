"""
The functions every policy calls are parallel safe, so row-level security keeps
parallel plans for big aggregates, and the rows each role sees stay the same
when the aggregate really runs in parallel workers.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from revideo.adapters.postgres.database import begin_as
from revideo.domain.profile import Actor, Role
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration

POLICY_FUNCTIONS = ("public.is_admin()", "auth.uid()", "auth.jwt()", "auth.role()")
SEED = """
INSERT INTO public.properties (id, user_id, title, category)
  VALUES (gen_random_uuid(), %(u)s, 'Loft', 'residential') RETURNING id
"""


def test_policy_functions_are_parallel_safe(pg_server: PgServer) -> None:
    with psycopg.connect(pg_server.admin) as conn:
        for name in POLICY_FUNCTIONS:
            (mark,) = conn.execute("SELECT proparallel FROM pg_proc WHERE oid = %s::regprocedure",
                                   [name]).fetchone()  # type: ignore[misc]  # fmt: skip
            assert mark == "s", name


def ad_rows(db: Any, user_id: str, count: int) -> None:
    with psycopg.connect(db) as conn:
        prop = conn.execute(SEED, {"u": user_id}).fetchone()[0]  # type: ignore[index]
        video = conn.execute(
            "INSERT INTO public.videos (user_id, property_id, title) VALUES (%s, %s, 'T')"
            " RETURNING id",
            [user_id, prop],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "INSERT INTO public.ad_performance (video_id, user_id, platform, date_recorded,"
            " spend_amount, leads) SELECT %s, %s, 'meta', date '2026-01-01' + n, 1.50, 1"
            " FROM generate_series(1, %s) n",
            [video, user_id, count],
        )


def parallel_initplans(conn: Any, setting: str) -> bool:
    """Whether the server puts a query using an InitPlan (as every policy does) under
    a Gather at all; PostgreSQL 15 does not, RLS or not."""
    with conn.transaction(force_rollback=True):
        begin_as(conn, Actor.service())  # no RLS: only the planner's own limits
        conn.execute(f"SET LOCAL {setting} = on")
        plan = conn.execute(
            "EXPLAIN SELECT count(*) FROM public.ad_performance WHERE (SELECT true)"
        ).fetchall()
    return any("Gather" in r[0] for r in plan)


def test_rows_seen_are_the_same_in_parallel_workers(pg_database: Any, pg_server: PgServer) -> None:
    alice = pg_database.add_user("alice@example.test")
    bob = pg_database.add_user("bob@example.test")
    admin = pg_database.add_user("admin@example.test", role=Role.ADMIN)
    ad_rows(pg_server.admin, alice.id, 30)
    ad_rows(pg_server.admin, bob.id, 12)
    expected = {
        Actor.user(alice.id): (30, "45.00"),
        Actor.user(bob.id): (12, "18.00"),
        Actor.user(admin.id, Role.ADMIN): (42, "63.00"),
        Actor.anonymous(): (0, None),
    }
    with psycopg.connect(pg_server.app) as conn:
        forced = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
        setting = "debug_parallel_query" if forced[0] >= 160000 else "force_parallel_mode"  # type: ignore[index]
        if not parallel_initplans(conn, setting):
            pytest.skip("this server never runs a query with an InitPlan in parallel workers")
        for who, (rows, spend) in expected.items():
            with conn.transaction(force_rollback=True):
                begin_as(conn, who)
                conn.execute(f"SET LOCAL {setting} = on")
                plan = "\n".join(
                    r[0] for r in conn.execute(
                        "EXPLAIN SELECT count(*), sum(spend_amount) FROM public.ad_performance"
                    ).fetchall()
                )  # fmt: skip
                found = conn.execute(
                    "SELECT count(*), sum(spend_amount)::text FROM public.ad_performance"
                ).fetchone()
                assert "Gather" in plan, plan
                assert found == (rows, spend), who
