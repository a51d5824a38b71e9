"""
The database keeps its rules even when Python's checks are bypassed, and
the adapter reports each broken rule as the domain error naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.adapters.postgres.database import begin_as
from revideo.adapters.postgres.errors import database_errors
from revideo.domain import analytics
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.errors import Forbidden, NotFound, ValidationError
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import World, a_property, a_video, new_id
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration


@pytest.fixture
def conn(pg_server: PgServer) -> Iterator[Any]:
    with psycopg.connect(pg_server.app) as c:
        yield c


def as_alice(conn: Any, world: World, statement: str, params: list[Any]) -> None:
    """Raw SQL as alice through the adapter's path, errors mapped as the adapter maps them."""
    with database_errors("row", "raw"), conn.transaction(force_rollback=True):
        begin_as(conn, Actor.user(world.alice.id))
        conn.execute(statement, params)


AD = "INSERT INTO ad_performance (video_id, user_id, {col}) VALUES (%s, %s, %s)"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("spend_amount", Decimal("-0.01")),
        ("impressions", -1),
        ("clicks", -5),
        ("leads", -1),
        ("spend_amount", Decimal("100000000.00")),  # beyond numeric(10,2)
    ],
)
def test_ad_figures_must_be_non_negative_and_fit(
    world: World, conn: Any, column: str, value: Any
) -> None:
    video = world.owned(world.alice).video
    with pytest.raises(ValidationError) as caught:
        as_alice(conn, world, AD.format(col=column), [video.id, world.alice.id, value])
    if value != Decimal("100000000.00"):
        assert caught.value.field == column


@pytest.mark.parametrize(
    ("statement", "field"),
    [
        ("UPDATE properties SET specs = '{\"price\": -1}' WHERE id = %s", "specs"),
        ("UPDATE properties SET title = '  ' WHERE id = %s", "title"),
        ("UPDATE properties SET category = 'castle' WHERE id = %s", "value"),
        ("UPDATE properties SET address = '[1]' WHERE id = %s", "address"),
    ],
)
def test_property_rules(world: World, conn: Any, statement: str, field: str) -> None:
    prop = world.owned(world.alice).prop
    with pytest.raises(ValidationError) as caught:
        as_alice(conn, world, statement, [prop.id])
    assert caught.value.field == field


def test_other_rules(world: World, conn: Any) -> None:
    rows = world.owned(world.alice)
    bad = [
        ("UPDATE video_render_jobs SET cost_credits = -1 WHERE id = %s", rows.job.id),
        ("UPDATE videos SET attempt_count = -1 WHERE id = %s", rows.video.id),
        ('UPDATE property_media SET "order" = -1 WHERE id = %s', rows.photo.id),
    ]
    for statement, key in bad:
        with pytest.raises(ValidationError):
            as_alice(conn, world, statement, [key])


def test_a_user_cannot_promote_themself_or_move_rows_to_others(world: World, conn: Any) -> None:
    rows = world.owned(world.alice)
    with pytest.raises(Forbidden):
        as_alice(conn, world, "UPDATE profiles SET role = 'admin' WHERE id = %s", [world.alice.id])
    with pytest.raises(Forbidden):
        as_alice(
            conn,
            world,
            "UPDATE videos SET user_id = %s WHERE id = %s",
            [world.bob.id, rows.video.id],
        )
    theirs = world.owned(world.bob)
    with pytest.raises(NotFound) as caught:  # a photo of alice's on bob's property
        as_alice(
            conn,
            world,
            "INSERT INTO property_media (property_id, user_id, storage_path, public_url, mime_type)"
            " VALUES (%s, %s, 'p', 'u', 'image/png')",
            [theirs.prop.id, world.alice.id],
        )
    assert caught.value.kind == "property"


def test_unreachable_database_is_a_config_error() -> None:
    from revideo.adapters.postgres import PostgresDatabase
    from revideo.domain.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        PostgresDatabase.connect("postgresql://nobody@/nodb?host=/nonexistent&connect_timeout=1")
    assert caught.value.setting == "REVIDEO_DATABASE_URL"


# ---- SQL and domain agree on analytics -----------------------------------------

counts = st.integers(min_value=0, max_value=10**12)
money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@pytest.fixture
def admin_conn(pg_server: PgServer) -> Iterator[Any]:
    with psycopg.connect(pg_server.admin, autocommit=True) as c:
        yield c


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(num=st.one_of(counts, money), div=st.one_of(counts, money))
def test_sql_ratio_rounds_exactly_like_the_domain(admin_conn: Any, num: Any, div: Any) -> None:
    row = admin_conn.execute("SELECT public.ratio4(%s::numeric, %s::numeric)", [num, div])
    assert row.fetchone() == (analytics.ratio(num, div),)


ad_rows = st.lists(
    st.tuples(
        st.sampled_from(list(AdPlatform)),
        st.integers(min_value=0, max_value=6),
        money,
        counts,
        counts,
        st.integers(min_value=0, max_value=10**6),
    ),
    max_size=12,
    unique_by=lambda t: (t[0], t[1]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ad_rows)
def test_analytics_in_sql_equal_the_domain_formulas(world: World, rows: list[Any]) -> None:
    with world.uow(world.alice) as uow:
        prop = uow.properties.add(a_property(world.alice.id))
        video = uow.videos.add(a_video(world.alice.id, prop.id))
    start = date(2026, 1, 1)
    records = [
        AdRecord(
            id=new_id(),
            video_id=video.id,
            user_id=world.alice.id,
            platform=p,
            date_recorded=start + timedelta(days=d),
            spend_amount=s,
            impressions=i,
            clicks=c,
            leads=le,
        )
        for p, d, s, i, c, le in rows
    ]
    with world.uow(world.alice) as uow:
        for record in records:
            uow.ads.add(record)
        summary = uow.analytics.summary(AdFilter(video_id=video.id))
        daily = uow.analytics.daily(AdFilter(video_id=video.id))
        platforms = uow.analytics.by_platform(AdFilter(video_id=video.id))
        uow.properties.delete(prop.id)
    assert summary.ads == analytics.totals(records)
    assert (summary.ads.cpl, summary.ads.ctr, summary.ads.cpm) == (
        analytics.totals(records).cpl,
        analytics.totals(records).ctr,
        analytics.totals(records).cpm,
    )
    days = sorted({r.date_recorded for r in records})
    assert [(p.day, p.totals) for p in daily] == [
        (d, analytics.totals([r for r in records if r.date_recorded == d])) for d in days
    ]
    assert platforms == {
        p: analytics.totals([r for r in records if r.platform is p])
        for p in AdPlatform
        if any(r.platform is p for r in records)
    }
