"""The analytics rollups stay the sums of the ad rows through every kind of write.

Random hand-typed rows, edits, deletes, imports, undos and deleted videos (whose rows go by
cascade); afterwards ad_daily_rollup and ad_video_rollup must hold exactly the sums of
ad_performance, read by the superuser past RLS.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain.ad_imports import ImportHeader, ImportTally
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import Duplicate
from revideo.domain.profile import Actor
from tests.contract.conftest import a_property, a_video, an_ad
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration
DAY = date(2026, 5, 1)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 9999)),
        st.tuples(st.just("edit"), st.integers(0, 9), st.integers(0, 3), st.integers(0, 9999)),
        st.tuples(st.just("delete"), st.integers(0, 9), st.just(0), st.just(0)),
        st.tuples(st.just("import"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 9999)),
        st.tuples(st.just("undo"), st.integers(0, 9), st.just(0), st.just(0)),
        st.tuples(st.just("drop video"), st.integers(0, 2), st.just(0), st.just(0)),
    ),
    max_size=12,
)

ROLLED = """
SELECT (SELECT coalesce(json_agg(r ORDER BY r.user_id, r.day, r.platform), '[]') FROM (
          SELECT user_id, day, platform, spend, impressions, clicks, leads, row_count
          FROM ad_daily_rollup) r) AS daily,
       (SELECT coalesce(json_agg(r ORDER BY r.user_id, r.day, r.platform), '[]') FROM (
          SELECT user_id, date_recorded AS day, platform, sum(spend_amount) AS spend,
                 sum(impressions) AS impressions, sum(clicks) AS clicks, sum(leads) AS leads,
                 count(*) AS row_count
          FROM ad_performance GROUP BY 1, 2, 3) r) AS daily_raw,
       (SELECT coalesce(json_agg(r ORDER BY r.video_id), '[]') FROM (
          SELECT video_id, user_id, property_id, spend, impressions, clicks, leads, row_count
          FROM ad_video_rollup) r) AS videos,
       (SELECT coalesce(json_agg(r ORDER BY r.video_id), '[]') FROM (
          SELECT a.video_id, a.user_id, v.property_id, sum(a.spend_amount) AS spend,
                 sum(a.impressions) AS impressions, sum(a.clicks) AS clicks,
                 sum(a.leads) AS leads, count(*) AS row_count
          FROM ad_performance a JOIN videos v ON v.id = a.video_id
          GROUP BY 1, 2, 3) r) AS videos_raw,
       (SELECT coalesce(json_agg(r ORDER BY r.property_id), '[]') FROM (
          SELECT property_id, user_id, spend, impressions, clicks, leads, row_count
          FROM ad_property_rollup) r) AS properties,
       (SELECT coalesce(json_agg(r ORDER BY r.property_id), '[]') FROM (
          SELECT v.property_id, a.user_id, sum(a.spend_amount) AS spend,
                 sum(a.impressions) AS impressions, sum(a.clicks) AS clicks,
                 sum(a.leads) AS leads, count(*) AS row_count
          FROM ad_performance a JOIN videos v ON v.id = a.video_id
          GROUP BY 1, 2) r) AS properties_raw
"""


def _same(rolled: list[dict[str, Any]], raw: list[dict[str, Any]]) -> None:
    def norm(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {k: str(Decimal(str(v))) if k in ("spend",) else v for k, v in r.items()} for r in rows
        ]

    assert [
        {k: (Decimal(str(v)) if isinstance(v, int | float) else v) for k, v in r.items()}
        for r in norm(rolled)
    ] == [
        {k: (Decimal(str(v)) if isinstance(v, int | float) else v) for k, v in r.items()}
        for r in norm(raw)
    ]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_rollups_equal_the_raw_sums(pg_database: Any, pg_server: PgServer, plan: Any) -> None:
    db = pg_database
    who = db.add_user(f"r{uuid.uuid4().hex[:8]}@example.test")
    me = Actor.user(who.id)
    with db.unit_of_work(me) as uow:
        prop = uow.properties.add(a_property(who.id))
        videos = [uow.videos.add(a_video(who.id, prop.id)).id for _ in range(3)]
    typed: list[str] = []
    imports: list[str] = []
    for step, a, b, c in plan:
        with db.unit_of_work(me) as uow:
            if step == "add":
                with contextlib.suppress(Duplicate):
                    record = an_ad(who.id, videos[a], DAY + timedelta(b), leads=c % 7)
                    typed.append(uow.ads.add(record).id)
            elif step == "edit" and typed:
                old = uow.ads.get(typed[a % len(typed)])
                uow.ads.update(type(old)(**{**_fields(old), "spend_amount": Decimal(c) / 100}))
            elif step == "delete" and typed:
                uow.ads.delete(typed.pop(a % len(typed)))
            elif step == "import":
                row = MappedAd(
                    2, videos[a], AdPlatform.GOOGLE, DAY + timedelta(b), Decimal(c) / 10, c,
                    c % 50, Decimal(c % 3), None, AdSource(ad_name=f"ad {a}"),
                )  # fmt: skip
                header = ImportHeader(
                    str(uuid.uuid4()), who.id, AdPlatform.GOOGLE, "", uuid.uuid4().hex * 2
                )
                uow.ads.apply_import(header, [row], ImportTally)
                imports.append(header.id)
            elif step == "undo" and imports:
                uow.ads.undo_import(imports.pop(a % len(imports)))
            elif step == "drop video":
                uow.videos.delete(videos[a])
                videos[a] = uow.videos.add(a_video(who.id, prop.id)).id
                typed = [t for t in typed if _exists(uow, t)]
    with psycopg.connect(pg_server.admin) as conn:
        from psycopg.rows import dict_row

        row = conn.cursor(row_factory=dict_row).execute(ROLLED).fetchone()
    assert row is not None
    _same(row["daily"], row["daily_raw"])
    _same(row["videos"], row["videos_raw"])
    _same(row["properties"], row["properties_raw"])


def _fields(record: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(record, recurse=False)


def _exists(uow: Any, record_id: str) -> bool:
    from revideo.domain.errors import NotFound

    try:
        uow.ads.get(record_id)
    except NotFound:
        return False
    return True
