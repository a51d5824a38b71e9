"""PostgresAds.merge (sums, rounding and checks in SQL) equals the domain's merge_mapped.

Random mapped rows with half-way figures (10.005, 0.5 leads), a second currency for a key,
sums beyond numeric(10,2) or bigint, and keys already stored: the stored rows, the counts and
the errors (line, column, reason) must be exactly what the domain computes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain.ad_matching import merge_mapped
from revideo.domain.ad_rows import MappedAd
from revideo.domain.ads import MAX_COUNT, AdPlatform, AdRecord
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import a_property, a_video, new_id

pytestmark = pytest.mark.integration

START = date(2026, 1, 1)
spend = st.one_of(
    st.decimals(min_value=0, max_value=20, places=3),
    st.sampled_from([Decimal("10.005"), Decimal("10.015"), Decimal("0.125"), Decimal("6e7")]),
)
leads = st.one_of(
    st.decimals(min_value=0, max_value=4, places=2),
    st.sampled_from([Decimal("0.5"), Decimal("5e18")]),
)
counts = st.one_of(st.integers(0, 1000), st.just(MAX_COUNT // 2 + 1))
rows = st.lists(
    st.tuples(
        st.integers(0, 1),  # video
        st.sampled_from([AdPlatform.META, AdPlatform.GOOGLE]),
        st.integers(0, 2),  # day
        spend, counts, counts, leads,
        st.sampled_from([None, "USD", "USD", "EUR", "E\\U\tR"]),  # odd text: COPY escapes
    ),
    max_size=25,
)  # fmt: skip
stored_before = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=3)


class _Undo(Exception):
    """Raised to roll the example's transaction back."""


@pytest.fixture
def alice(pg_database: Any) -> tuple[Any, Actor]:
    return pg_database, Actor.user(pg_database.add_user("alice@example.test").id)


def _stored(uow: Any) -> dict[tuple[str, str, date], tuple[Any, ...]]:
    page = uow.ads.list(AdFilter(), PageRequest(1, 200))
    return {
        (r.video_id, r.platform.value, r.date_recorded): (
            r.spend_amount, r.impressions, r.clicks, r.leads,
        )
        for r in page.items
    }  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows, before=stored_before)
def test_sql_merge_equals_the_domain(
    alice: tuple[Any, Actor], data: list[Any], before: Any
) -> None:
    db, actor = alice
    owner = actor.user_id or ""
    with pytest.raises(_Undo), db.unit_of_work(actor) as uow:
        prop = uow.properties.add(a_property(owner))
        videos = [uow.videos.add(a_video(owner, prop.id)).id for _ in range(2)]
        old = {}
        for v, d in set(before):
            day = START + timedelta(days=d)
            record = AdRecord(new_id(), videos[v], owner, "meta", day, spend_amount="1.00")
            uow.ads.add(record)
            old[(record.video_id, "meta", record.date_recorded)] = (Decimal("1.00"), 0, 0, 0)
        mapped = [
            MappedAd(i + 2, videos[v], p, START + timedelta(days=d), s, imp, c, le, cur)
            for i, (v, p, d, s, imp, c, le, cur) in enumerate(data)
        ]
        counts = uow.ads.merge(iter(mapped), owner)
        inputs, errors = merge_mapped(mapped)
        new = {
            (a.video_id, a.platform.value, a.date_recorded): (
                a.spend_amount, a.impressions, a.clicks, a.leads,
            )
            for a in inputs
        }  # fmt: skip
        assert list(counts.errors) == errors and counts.error_count == len(errors)
        assert counts.added == len(new.keys() - old.keys())
        assert counts.present == len(new.keys() & old.keys())
        assert _stored(uow) == {**new, **old}
        raise _Undo
