"""Ad rows imported before figures were kept per source ad give way to a new import.

A database is migrated up to just before 20261206050000, given rows the way the old import
stored them (one per video, platform and day, no submission key) and one typed with the
'manual' platform, then migrated to the end. Importing the same report again must not count
its figures twice; undoing that import brings the old row back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from revideo.adapters.postgres import PostgresDatabase
from revideo.adapters.postgres import migrate as runner
from revideo.domain import analytics
from revideo.domain.ad_imports import ImportHeader, ImportTally
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration
PER_SOURCE = "20261206050000"
DAY = date(2026, 3, 2)
OLD_ROWS = [  # platform, day, spend, impressions, clicks, leads
    ("meta", DAY, "10.00", 1000, 20, 2),
    ("meta", DAY + timedelta(1), "4.00", 400, 4, 0),
    ("manual", DAY, "5.00", 100, 3, 1),
]


@pytest.fixture
def old_database(pg_server: PgServer) -> Iterator[tuple[str, str]]:
    """A database with the migrations before PER_SOURCE: (admin DSN, app DSN)."""
    name = f"legacy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server.admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    admin = make_conninfo(pg_server.admin, dbname=name)
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            for text in runner.bootstrap_sql():
                conn.execute(text)
            conn.execute("CREATE SCHEMA supabase_migrations")
            conn.execute(
                "CREATE TABLE supabase_migrations.schema_migrations"
                " (version text PRIMARY KEY, statements text[], name text)"
            )
            for m in runner.migrations():
                if m.version < PER_SOURCE:
                    conn.execute(m.sql)
                    conn.execute(
                        "INSERT INTO supabase_migrations.schema_migrations VALUES (%s, %s, %s)",
                        [m.version, [m.sql], m.name],
                    )
        yield admin, make_conninfo(pg_server.app, dbname=name)
    finally:
        with psycopg.connect(pg_server.admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _old_rows(admin: str) -> tuple[str, str]:
    """A user, property, video and OLD_ROWS, written as before PER_SOURCE."""
    with psycopg.connect(admin, autocommit=True) as conn:
        user = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO auth.users (id, email, aud, role)"
            " VALUES (%s, 'old@example.test', 'authenticated', 'authenticated')",
            [user],
        )
        prop = conn.execute(
            "INSERT INTO public.properties (user_id, title, category)"
            " VALUES (%s, 'Old house', 'residential') RETURNING id",
            [user],
        ).fetchone()
        assert prop is not None
        video = conn.execute(
            "INSERT INTO public.videos (user_id, property_id, title)"
            " VALUES (%s, %s, 'Old tour') RETURNING id::text",
            [user, prop[0]],
        ).fetchone()
        assert video is not None
        for platform, day, spend, imp, clicks, leads in OLD_ROWS:
            conn.execute(
                "INSERT INTO public.ad_performance (video_id, user_id, platform, date_recorded,"
                " spend_amount, impressions, clicks, leads)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [video[0], user, platform, day, spend, imp, clicks, leads],
            )
    return user, video[0]


def _record(video: str, user: str, platform: str, day: date, *figures: Any) -> AdRecord:
    spend, imp, clicks, leads = figures
    return AdRecord(str(uuid.uuid4()), video, user, platform, day, Decimal(spend), imp, clicks,
                    leads)  # fmt: skip


def test_an_old_import_gives_way_to_the_same_report_and_comes_back_on_undo(
    old_database: tuple[str, str],
) -> None:
    admin, app = old_database
    user, video = _old_rows(admin)
    runner.migrate(admin, seed=False)
    old = [_record(video, user, *row) for row in OLD_ROWS]
    db = PostgresDatabase.connect(app, min_size=1, max_size=2)
    me = Actor.user(user)
    try:

        def figures() -> tuple[analytics.AdTotals, analytics.AdTotals]:
            """Through the rollups (no cut) and through the ad rows (cut by video)."""
            with db.unit_of_work(me) as uow:
                rolled = uow.analytics.summary(AdFilter()).ads
                raw = uow.analytics.summary(AdFilter(video_id=video)).ads
            return rolled, raw

        assert figures() == (analytics.totals(old),) * 2
        with db.unit_of_work(me) as uow:
            history = uow.ads.imports(PageRequest())
        assert [(i.platform, i.added) for i in history.items] == [(AdPlatform.META, 2)]

        # the same report again, now per ad: two ads of the video on DAY
        ads = [
            MappedAd(2, video, AdPlatform.META, DAY, Decimal("6.00"), 600, 12, Decimal(1), None,
                     AdSource(ad_name="Ad A")),
            MappedAd(3, video, AdPlatform.META, DAY, Decimal("4.00"), 400, 8, Decimal(1), None,
                     AdSource(ad_name="Ad B")),
        ]  # fmt: skip
        header = ImportHeader(str(uuid.uuid4()), user, AdPlatform.META, "r.csv", "cd" * 32)
        with db.unit_of_work(me) as uow:
            uow.ads.apply_import(header, ads, ImportTally)
        new = [_record(video, user, "meta", DAY, "6.00", 600, 12, 1),
               _record(video, user, "meta", DAY, "4.00", 400, 8, 1)]  # fmt: skip
        assert figures() == (analytics.totals([*new, old[1], old[2]]),) * 2

        with db.unit_of_work(me) as uow:
            uow.ads.undo_import(header.id)
        assert figures() == (analytics.totals(old),) * 2
    finally:
        db.close()
