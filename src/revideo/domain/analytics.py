"""
Analytics formulas (design.md §5). Pure; the SQL aggregates must agree exactly.

Every ratio is the exact quotient rounded half-up to 4 decimal places, and is
None (shown as "—") when its divisor is zero: never 0, never an error. In SQL
that is `round(num::numeric / nullif(div, 0), 4)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs

from revideo.domain.ads import AdRecord
from revideo.domain.video import VideoStatus

SCALE = Decimal("0.0001")


def ratio(numerator: Decimal | int, divisor: Decimal | int) -> Decimal | None:
    """numerator / divisor rounded half-up to 4 places; None when divisor is 0."""
    if divisor == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 80
        return (Decimal(numerator) / Decimal(divisor)).quantize(SCALE, rounding=ROUND_HALF_UP)


def cpl(spend: Decimal, leads: int) -> Decimal | None:
    """Cost per lead."""
    return ratio(spend, leads)


def ctr(clicks: int, impressions: int) -> Decimal | None:
    """Click-through rate, as a fraction (0.0123 = 1.23 %)."""
    return ratio(clicks, impressions)


def cpc(spend: Decimal, clicks: int) -> Decimal | None:
    """Cost per click."""
    return ratio(spend, clicks)


def cpm(spend: Decimal, impressions: int) -> Decimal | None:
    """Cost per thousand impressions."""
    return ratio(spend * 1000, impressions)


def lead_rate(leads: int, clicks: int) -> Decimal | None:
    """Leads per click, as a fraction."""
    return ratio(leads, clicks)


def success_rate(completed: int, total: int) -> Decimal | None:
    """Completed videos over all videos, as the reference defines it."""
    return ratio(completed, total)


def render_success(completed: int, failed: int) -> Decimal | None:
    """Completed over finished (completed + failed) renders."""
    return ratio(completed, completed + failed)


@attrs.frozen
class AdTotals:
    """Sums of ad rows and the ratios built on them."""

    spend: Decimal = Decimal("0.00")
    impressions: int = 0
    clicks: int = 0
    leads: int = 0

    @property
    def cpl(self) -> Decimal | None:
        return cpl(self.spend, self.leads)

    @property
    def ctr(self) -> Decimal | None:
        return ctr(self.clicks, self.impressions)

    @property
    def cpc(self) -> Decimal | None:
        return cpc(self.spend, self.clicks)

    @property
    def cpm(self) -> Decimal | None:
        return cpm(self.spend, self.impressions)

    @property
    def lead_rate(self) -> Decimal | None:
        return lead_rate(self.leads, self.clicks)


def totals(records: Iterable[AdRecord]) -> AdTotals:
    """Add up ad rows."""
    spend, impressions, clicks, leads = Decimal("0.00"), 0, 0, 0
    for r in records:
        spend += r.spend_amount
        impressions += r.impressions
        clicks += r.clicks
        leads += r.leads
    return AdTotals(spend=spend, impressions=impressions, clicks=clicks, leads=leads)


@attrs.frozen
class Summary:
    """The dashboard's figures: ad totals, videos by status, render cost."""

    ads: AdTotals = attrs.field(factory=AdTotals)
    videos_by_status: Mapping[VideoStatus, int] = attrs.field(factory=dict)
    usage_cost: Decimal = Decimal("0")

    def count(self, status: VideoStatus) -> int:
        return self.videos_by_status.get(status, 0)

    @property
    def total_videos(self) -> int:
        return sum(self.videos_by_status.values())

    @property
    def success_rate(self) -> Decimal | None:
        return success_rate(self.count(VideoStatus.COMPLETED), self.total_videos)

    @property
    def render_success(self) -> Decimal | None:
        return render_success(self.count(VideoStatus.COMPLETED), self.count(VideoStatus.FAILED))
