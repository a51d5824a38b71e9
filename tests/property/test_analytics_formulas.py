"""The analytics formulas of design.md §5 against exact fractions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import hypothesis.strategies as st
from hypothesis import given

from revideo.domain import analytics
from revideo.domain.ads import AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.video import VideoStatus

money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=10**9)


def exact(num: Fraction, div: int | Fraction) -> Decimal | None:
    if div == 0:
        return None
    q = num / Fraction(div)
    scaled = q * 10000
    whole = scaled.numerator // scaled.denominator
    if (scaled - whole) >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-4).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@given(spend=money, impressions=counts, clicks=counts, leads=counts)
def test_ratios_match_exact_arithmetic(
    spend: Decimal, impressions: int, clicks: int, leads: int
) -> None:
    t = AdTotals(spend=spend, impressions=impressions, clicks=clicks, leads=leads)
    s = Fraction(spend)
    assert t.cpl == exact(s, leads)
    assert t.cpc == exact(s, clicks)
    assert t.cpm == exact(s * 1000, impressions)
    assert t.ctr == exact(Fraction(clicks), impressions)
    assert t.lead_rate == exact(Fraction(leads), clicks)


@given(spend=money)
def test_no_leads_means_undefined_cost_per_lead(spend: Decimal) -> None:
    assert analytics.cpl(spend, 0) is None
    assert AdTotals(spend=spend).cpm is None


rows = st.lists(
    st.builds(
        AdRecord,
        id=st.uuids().map(str),
        video_id=st.just("v"),
        user_id=st.just("u"),
        platform=st.sampled_from(["meta", "google", "youtube", "manual"]),
        date_recorded=st.dates(),
        spend_amount=money,
        impressions=counts,
        clicks=counts,
        leads=counts,
    ),
    max_size=30,
)


@given(rows)
def test_totals_add_up_every_row(records: list[AdRecord]) -> None:
    t = analytics.totals(records)
    assert t.spend == sum((r.spend_amount for r in records), Decimal(0))
    assert t.leads == sum(r.leads for r in records)
    assert t.cpl == (None if t.leads == 0 else exact(Fraction(t.spend), t.leads))


@given(st.dictionaries(st.sampled_from(list(VideoStatus)), st.integers(0, 1000)))
def test_success_rates(by_status: dict[VideoStatus, int]) -> None:
    s = Summary(videos_by_status=by_status)
    done = by_status.get(VideoStatus.COMPLETED, 0)
    failed = by_status.get(VideoStatus.FAILED, 0)
    assert s.success_rate == exact(Fraction(done), sum(by_status.values()))
    assert s.render_success == exact(Fraction(done), done + failed)
