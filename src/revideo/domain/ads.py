"""Ad performance: what a video earned as an ad on one platform and day.

A record typed in by hand has no `import_id`: one per video, platform and day, editable. An
imported record holds one source ad's figures (the report's ad and campaign ids and names) for
one day, from the report `import_id` names; a newer report replaces them (see ad_imports).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from revideo.domain import _checks
from revideo.domain.errors import ValidationError

MAX_SPEND = Decimal("99999999.99")  # numeric(10,2)
MAX_COUNT = 2**63 - 1  # bigint


class AdPlatform(enum.Enum):
    META = "meta"
    GOOGLE = "google"
    YOUTUBE = "youtube"
    MANUAL = "manual"


def _platform(v: Any) -> AdPlatform:
    if isinstance(v, AdPlatform):
        return v
    try:
        return AdPlatform(str(v).strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in AdPlatform)
        raise ValidationError("platform", f"must be one of {names}") from None


def _day(v: Any) -> date:
    if isinstance(v, datetime):
        raise ValidationError("date_recorded", "must be a date, not a time")
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise ValidationError("date_recorded", "must be a date like 2026-11-25") from None


def _spend(v: Any) -> Decimal:
    return _checks.decimal("spend_amount", v, places=2, maximum=MAX_SPEND)


def _impressions(v: Any) -> int:
    return _checks.count("impressions", v, maximum=MAX_COUNT)


def _clicks(v: Any) -> int:
    return _checks.count("clicks", v, maximum=MAX_COUNT)


def _leads(v: Any) -> int:
    return _checks.count("leads", v, maximum=MAX_COUNT)


@attrs.frozen
class AdInput:
    """A user's figures for one video on one platform and day (validated on build)."""

    video_id: str
    platform: AdPlatform = attrs.field(converter=_platform)
    date_recorded: date = attrs.field(converter=_day)
    spend_amount: Decimal = attrs.field(default=Decimal("0.00"), converter=_spend)
    impressions: int = attrs.field(default=0, converter=_impressions)
    clicks: int = attrs.field(default=0, converter=_clicks)
    leads: int = attrs.field(default=0, converter=_leads)


@attrs.frozen
class AdRecord:
    """A stored ad-performance row."""

    id: str
    video_id: str
    user_id: str
    platform: AdPlatform = attrs.field(converter=_platform)
    date_recorded: date = attrs.field(converter=_day)
    spend_amount: Decimal = attrs.field(default=Decimal("0.00"), converter=_spend)
    impressions: int = attrs.field(default=0, converter=_impressions)
    clicks: int = attrs.field(default=0, converter=_clicks)
    leads: int = attrs.field(default=0, converter=_leads)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    import_id: str | None = None
    source_key: str = ""
    ad_id: str = ""
    ad_name: str = ""
    ad_set_name: str = ""
    campaign_id: str = ""
    campaign_name: str = ""

    @property
    def imported(self) -> bool:
        return self.import_id is not None

    @property
    def source_label(self) -> str:
        """The source ad as the report named it (ad, else ad set, else campaign), or ''."""
        return self.ad_name or self.ad_set_name or self.campaign_name or self.ad_id

    @classmethod
    def from_input(cls, record_id: str, user_id: str, data: AdInput) -> AdRecord:
        return cls(
            id=record_id,
            user_id=user_id,
            video_id=data.video_id,
            platform=data.platform,
            date_recorded=data.date_recorded,
            spend_amount=data.spend_amount,
            impressions=data.impressions,
            clicks=data.clicks,
            leads=data.leads,
        )
