"""Plausibility of ad figures (design.md §2).

Typed-in figures must be plausible: `check_manual` refuses clicks above impressions, leads
above clicks + impressions, absurd values and days in the future or before 2000, each with the
reason. Platform reports break the first two rules now and then (clicks counted on a view the
impression report left out, view-through leads), so an imported row is refused only when it is
impossible (`impossible_day`: negative and unparseable figures are the reader's errors) and
merely flagged when implausible (`flags`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from revideo.domain.ads import AdInput
from revideo.domain.errors import ValidationError

EARLIEST = date(2000, 1, 1)
# Beyond these, one video's figures on one platform and one day are typing mistakes.
MAX_DAILY_SPEND = Decimal("1000000.00")
MAX_DAILY_IMPRESSIONS = 1_000_000_000
MAX_DAILY_LEADS = 1_000_000


def implausible(impressions: int, clicks: int, leads: int) -> str:
    """Why these counts are implausible, or '' when they are not."""
    if clicks > impressions:
        return f"more clicks than impressions ({clicks} > {impressions})"
    if leads > clicks + impressions:
        return f"more leads than clicks and impressions together ({leads} > {clicks + impressions})"
    return ""


def impossible_day(day: date, today: date) -> str:
    """Why a day cannot carry figures yet, or ''."""
    return f"{day.isoformat()} is in the future" if day > today else ""


def check_manual(data: AdInput, today: date) -> None:
    """Refuse typed-in figures that cannot be right; ValidationError names the field."""
    day = data.date_recorded
    if day > today:
        raise ValidationError("date_recorded", f"{day.isoformat()} is in the future")
    if day < EARLIEST:
        raise ValidationError("date_recorded", "must not be before 2000")
    if data.spend_amount > MAX_DAILY_SPEND:
        raise ValidationError(
            "spend_amount",
            f"{data.spend_amount} in one day is not plausible (at most {MAX_DAILY_SPEND})",
        )
    if data.impressions > MAX_DAILY_IMPRESSIONS:
        raise ValidationError(
            "impressions", f"more than {MAX_DAILY_IMPRESSIONS:,} in one day is not plausible"
        )
    if data.leads > MAX_DAILY_LEADS:
        raise ValidationError("leads", f"more than {MAX_DAILY_LEADS:,} in one day is not plausible")
    if data.clicks > data.impressions:
        raise ValidationError(
            "clicks",
            f"must not be more than the impressions ({data.clicks} > {data.impressions})",
        )
    if data.leads > data.clicks + data.impressions:
        raise ValidationError(
            "leads",
            "must not be more than clicks and impressions together"
            f" ({data.leads} > {data.clicks + data.impressions})",
        )
