"""revideo_apply_import (sums, rounding, checks and restatements in SQL) equals the in-memory
import, which follows the domain's merge_mapped.

Random mapped rows with half-way figures (10.005, 0.5 leads), a second currency or another
video for a key, sums beyond numeric(10,2) or bigint, applied as two imports in a row (the
second restating the first): the stored rows, the outcomes and the errors (line, column,
reason) must be exactly alike.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.domain.ad_imports import ImportHeader, ImportTally
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import MAX_COUNT, AdPlatform
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import a_property, a_video

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
        st.integers(0, 2),  # ad
        st.integers(0, 1),  # video
        st.sampled_from([AdPlatform.META, AdPlatform.GOOGLE]),
        st.integers(0, 2),  # day
        spend, counts, counts, leads,
        st.sampled_from([None, "USD", "USD", "EUR", "E\\U\tR"]),  # odd text: COPY escapes
    ),
    max_size=20,
)  # fmt: skip


def _run(db: Any, batches: list[list[Any]]) -> tuple[list[Any], dict[Any, Any]]:
    """Apply each batch as an import for a fresh user; what each did, and what is stored."""
    me = Actor.user(db.add_user(f"u{uuid.uuid4().hex[:8]}@example.test").id)
    owner = me.user_id or ""
    with db.unit_of_work(me) as uow:
        prop = uow.properties.add(a_property(owner))
        videos = [uow.videos.add(a_video(owner, prop.id)).id for _ in range(2)]
    done = []
    for n, batch in enumerate(batches):
        mapped = [
            MappedAd(i + 2, videos[v], p, START + timedelta(days=d), s, imp, c, le, cur,
                     AdSource(ad_name=f"ad {a}\té"))
            for i, (a, v, p, d, s, imp, c, le, cur) in enumerate(batch)
        ]  # fmt: skip
        header = ImportHeader(str(uuid.uuid4()), owner, AdPlatform.META, "f", f"{n:064x}")
        with db.unit_of_work(me) as uow:
            result = uow.ads.apply_import(header, iter(mapped), ImportTally)
        keep = lambda r: (r.line, r.outcome, r.figures, r.before, r.flag, videos.index(r.video_id))  # noqa: E731
        done.append(
            (result.added, result.updated, result.unchanged, result.older, result.flagged,
             result.totals, [keep(r) for r in result.rows], list(result.errors),
             result.error_count)
        )  # fmt: skip
    with db.unit_of_work(me) as uow:
        page = uow.ads.list(AdFilter(), PageRequest(1, 200))
    stored = {
        (r.ad_name, r.platform.value, r.date_recorded): (
            videos.index(r.video_id), r.spend_amount, r.impressions, r.clicks, r.leads
        )
        for r in page.items
    }  # fmt: skip
    return done, stored


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=rows, second=rows)
def test_sql_import_equals_the_in_memory_one(pg_database: Any, first: Any, second: Any) -> None:
    assert _run(pg_database, [first, second]) == _run(InMemoryDatabase(), [first, second])
