"""What reading an export yields (rows, row errors, the error for a whole file), and mapped rows."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import attrs

from revideo.domain.ads import AdPlatform
from revideo.domain.errors import ValidationError


@attrs.frozen
class ExportRow:
    """One data line of an export. A metric the file left blank (or `--`) is None.

    `day` is the `Day` cell when the file has one; for an aggregated export it is the end of
    the reporting range, and `period_start` holds its start (the figures are not spread over
    the days: that would invent numbers). `leads` is a Decimal because Google reports
    fractional conversions; see `to_ad_input` for the rounding. `line` is the 1-based line of
    the file the row ends on (its only line unless a quoted cell spans lines).
    """

    line: int
    platform: AdPlatform
    day: date
    campaign: str = ""
    ad_set: str = ""
    ad: str = ""
    spend: Decimal | None = None
    impressions: int | None = None
    clicks: int | None = None
    leads: Decimal | None = None
    currency: str | None = None
    period_start: date | None = None
    ad_id: str = ""
    campaign_id: str = ""


@attrs.frozen
class RowError:
    """A data line that could not be read: its line number, the column and the reason."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@attrs.frozen
class MappedAd:
    """One export row mapped to a video: what a repository's merge stages and sums.

    Figures are as read, blank ones as 0, spend and leads not yet rounded: rows sharing a
    natural key (platform, video, day) are summed first and rounded after (see `to_ad_input`).
    `line` names the row in errors; `currency` is the row's, if the file gives one.
    """

    line: int
    video_id: str
    platform: AdPlatform
    day: date
    spend: Decimal = Decimal(0)
    impressions: int = 0
    clicks: int = 0
    leads: Decimal = Decimal(0)
    currency: str | None = None
    source: AdSource | None = None

    @property
    def ad_source(self) -> AdSource:
        return self.source or AdSource()


@attrs.frozen
class AdSource:
    """The source ad of a report row, as the report names it (any part may be blank).

    `key` identifies it among one user's ads on one platform: the report's ad id when it
    gives one, else the campaign (id, else name), ad set and ad names as written.
    """

    ad_id: str = ""
    ad_name: str = ""
    ad_set_name: str = ""
    campaign_id: str = ""
    campaign_name: str = ""

    @classmethod
    def of(cls, row: ExportRow) -> AdSource:
        return cls(row.ad_id, row.ad, row.ad_set, row.campaign_id, row.campaign)

    @property
    def key(self) -> str:
        if self.ad_id:
            text = f"ad\x1f{self.ad_id}"
        else:
            campaign = f"id:{self.campaign_id}" if self.campaign_id else self.campaign_name
            text = f"names\x1f{campaign}\x1f{self.ad_set_name}\x1f{self.ad_name}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def label(self) -> str:
        return self.ad_name or self.ad_set_name or self.campaign_name or self.ad_id


class UnreadableExport(ValidationError):
    """The file as a whole cannot be read (no header, wrong encoding, broken quoting).

    `field` is `file` or the missing column; `line` is set when the problem has a place.
    """

    def __init__(self, field: str, message: str, line: int | None = None) -> None:
        super().__init__(field, f"line {line}: {message}" if line else message)
        self.line = line
