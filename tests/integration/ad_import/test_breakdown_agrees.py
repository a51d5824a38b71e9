"""The SQL breakdown (ratio4 per group) equals the domain formulas on random data.

Extends tests/integration/postgres/test_constraints.py (summary, daily, by platform) to every
breakdown, including groups whose clicks, impressions or leads are zero.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain import analytics
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.profile import Actor, Role
from revideo.ports.repositories import AdFilter, BreakdownRow, Ratios
from tests.contract.conftest import a_property, a_video, new_id

pytestmark = pytest.mark.integration

small = st.one_of(st.just(0), st.integers(min_value=0, max_value=50))
big = st.one_of(st.just(0), st.integers(min_value=0, max_value=10**12))
money = st.one_of(
    st.just(Decimal("0.00")), st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
)
rows = st.lists(
    st.tuples(
        st.integers(0, 3),  # which video (two per property, two properties)
        st.sampled_from(list(AdPlatform)),
        st.integers(0, 4),  # day
        money, big, small, small,
    ),
    max_size=14,
    unique_by=lambda t: (t[0], t[1], t[2]),
)  # fmt: skip


def expected(records: list[AdRecord], key: Callable[[AdRecord], str]) -> dict[str, Any]:
    groups: dict[str, list[AdRecord]] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    out = {}
    for k, rs in groups.items():
        t = analytics.totals(rs)
        out[k] = (t, Ratios(t.cpl, t.ctr, t.cpc, t.cpm, t.lead_rate))
    return out


def as_dict(found: list[BreakdownRow]) -> dict[str, Any]:
    return {r.key: (r.totals, r.ratios) for r in found}


@pytest.fixture
def owners(pg_database: Any) -> dict[str, Any]:
    alice = pg_database.add_user("alice@example.test")
    admin = pg_database.add_user("admin@example.test", role=Role.ADMIN)
    return {
        "db": pg_database,
        "alice": Actor.user(alice.id),
        "admin": Actor.user(admin.id, Role.ADMIN),
    }


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_every_breakdown_in_sql_equals_the_domain(owners: dict[str, Any], data: list[Any]) -> None:
    db, alice, admin = owners["db"], owners["alice"], owners["admin"]
    with db.unit_of_work(alice) as uow:
        props = [uow.properties.add(a_property(alice.user_id)) for _ in range(2)]
        videos = [uow.videos.add(a_video(alice.user_id, props[i // 2].id)) for i in range(4)]
    start = date(2026, 1, 1)
    records = [
        AdRecord(id=new_id(), video_id=videos[v].id, user_id=alice.user_id or "", platform=p,
                 date_recorded=start + timedelta(days=d), spend_amount=s, impressions=i,
                 clicks=c, leads=le)
        for v, p, d, s, i, c, le in data
    ]  # fmt: skip
    prop_of = {v.id: v.property_id for v in videos}
    keys: dict[str, Callable[[AdRecord], str]] = {
        "video": lambda r: r.video_id,
        "property": lambda r: prop_of[r.video_id],
        "platform": lambda r: r.platform.value,
        "day": lambda r: r.date_recorded.isoformat(),
    }
    try:
        with db.unit_of_work(alice) as uow:
            for record in records:
                uow.ads.add(record)
            for by, key in keys.items():
                found = uow.analytics.breakdown(AdFilter(), by)
                assert as_dict(found) == expected(records, key), by
                spends = [r.totals.spend for r in found]
                assert spends == sorted(spends, reverse=True)
        with db.unit_of_work(admin) as uow:
            users = uow.analytics.breakdown(AdFilter(user_id=alice.user_id), "user")
        assert as_dict(users) == expected(records, lambda r: r.user_id)
        assert all(u.label == "alice@example.test" for u in users)
    finally:
        with db.unit_of_work(alice) as uow:
            for prop in props:
                uow.properties.delete(prop.id)
