"""The API's request and response bodies (pydantic): shapes at the edge, rules in the domain.

Requests refuse unknown fields; strings refuse NUL (PostgreSQL cannot store it).
Responses are read from the domain's attrs values (`from_attributes`), so each answer is
checked against the same schema the document publishes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from revideo.domain.ads import AdPlatform
from revideo.domain.api_tokens import TokenScope
from revideo.domain.property import PropertyCategory
from revideo.domain.video import AspectRatio, VideoPurpose, VideoStatus

NO_NUL = r"^[^\x00]*$"


def text(max_length: int, min_length: int = 0) -> object:
    return Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)


Id = Annotated[str, Field(max_length=64, pattern=NO_NUL)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Problem(BaseModel):
    """An error (RFC 9457): `field` names the input at fault, when one is."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None


# ---- properties -----------------------------------------------------------
class AddressIn(In):
    street: Annotated[str, text(200)] = ""
    city: Annotated[str, text(100)] = ""
    state: Annotated[str, text(100)] = ""
    zip: Annotated[str, text(20)] = ""


class SpecsIn(In):
    price: Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"))] | None = None
    area: Annotated[Decimal, Field(ge=0, le=Decimal("99999999.99"))] | None = None
    beds: Annotated[int, Field(ge=0, le=1000)] | None = None
    baths: Annotated[Decimal, Field(ge=0, le=1000)] | None = None
    amenities: Annotated[list[Annotated[str, text(80)]], Field(max_length=50)] = []


class PropertyIn(In):
    title: Annotated[str, text(200, 1)]
    category: PropertyCategory
    description: Annotated[str, text(5000)] = ""
    address: AddressIn = AddressIn()
    specs: SpecsIn = SpecsIn()


class Address(Out):
    street: str
    city: str
    state: str
    zip: str


class Specs(Out):
    price: Decimal | None
    area: Decimal | None
    beds: int | None
    baths: Decimal | None
    amenities: list[str]


class PropertyOut(Out):
    """A property."""

    id: str
    user_id: str
    title: str
    category: PropertyCategory
    description: str
    address: Address
    specs: Specs
    created_at: datetime | None
    updated_at: datetime | None


class PropertyPage(Out):
    """A page of properties, newest first."""

    items: list[PropertyOut]
    total: int
    page: int
    per_page: int


class Paging(In):
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 20


class PropertyQuery(Paging):
    search: Annotated[str, text(200)] = ""
    category: PropertyCategory | None = None
    city: Annotated[str, text(100)] = ""


class Photo(Out):
    """A photo of a property."""

    id: str
    property_id: str
    public_url: str
    mime_type: str
    order: int
    file_name: str


class PhotoList(Out):
    """A property's photos in gallery order."""

    items: list[Photo]


class PhotoUrls(In):
    urls: Annotated[list[Annotated[str, text(2000, 1)]], Field(min_length=1, max_length=30)]


class PhotoOrder(In):
    ids: Annotated[list[Id], Field(min_length=1, max_length=30)]


class PhotoUpload(In):
    photos: list[bytes]


# ---- videos and scripts -----------------------------------------------------
class VideoIn(In):
    property_id: Id
    title: Annotated[str, text(200)] = ""
    script_content: Annotated[str, text(20_000)] = ""
    avatar_id: Annotated[str, text(200)] = ""
    voice_id: Annotated[str, text(200)] = ""
    purpose: VideoPurpose = VideoPurpose.SALE
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    generate: bool = True


class VideoMeta(Out):
    duration: float | None
    width: int | None
    height: int | None
    aspect_ratio: AspectRatio


class VideoOut(Out):
    """A video and where its render stands."""

    id: str
    user_id: str
    property_id: str
    title: str
    script_content: str
    avatar_id: str
    voice_id: str
    purpose: VideoPurpose
    status: VideoStatus
    video_url: str | None
    thumbnail_url: str | None
    error_message: str | None
    meta: VideoMeta
    attempt_count: int
    archived_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None


class VideoPage(Out):
    """A page of videos, newest first."""

    items: list[VideoOut]
    total: int
    page: int
    per_page: int


class VideoQuery(Paging):
    status: VideoStatus | None = None
    property_id: UUID | None = None
    purpose: VideoPurpose | None = None
    search: Annotated[str, text(200)] = ""


class ScriptIn(In):
    property_id: Id
    purpose: VideoPurpose = VideoPurpose.SALE
    tone: Annotated[str, text(40)] = "warm"
    language: Annotated[str, text(10)] = "en"


class ScriptOut(Out):
    """A script written for a property."""

    text: str
    source: str
    estimated_seconds: float
    notice: str | None


# ---- ads and analytics -------------------------------------------------------
class AdIn(In):
    video_id: Id
    platform: AdPlatform
    date_recorded: date
    spend_amount: Annotated[Decimal, Field(ge=0, le=Decimal("99999999.99"))] = Decimal("0")
    impressions: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    clicks: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    leads: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0


class AdOut(Out):
    """Ad figures for one video, platform and day."""

    id: str
    video_id: str
    platform: AdPlatform
    date_recorded: date
    spend_amount: Decimal
    impressions: int
    clicks: int
    leads: int
    import_id: str | None
    created_at: datetime | None


class AdPage(Out):
    """A page of ad figures, newest day first."""

    items: list[AdOut]
    total: int
    page: int
    per_page: int


class AdQuery(Paging):
    date_from: date | None = None
    date_to: date | None = None
    platform: AdPlatform | None = None
    property_id: UUID | None = None
    video_id: UUID | None = None


class ImportUpload(In):
    file: bytes
    platform: AdPlatform | None = None


class ImportOut(Out):
    """What an import of a report file did."""

    import_id: str | None
    platform: AdPlatform
    rows_read: int
    added: int
    updated: int
    unchanged: int
    older: int
    flagged: int
    unmapped_count: int


class Totals(Out):
    spend: Decimal
    impressions: int
    clicks: int
    leads: int


class SummaryOut(Out):
    """Ad totals, their ratios, videos by status and render cost."""

    ads: Totals
    cpl: Decimal | None
    ctr: Decimal | None
    cpc: Decimal | None
    cpm: Decimal | None
    videos_by_status: dict[str, int]
    usage_cost: Decimal
    success_rate: Decimal | None


class AnalyticsQuery(In):
    date_from: date | None = None
    date_to: date | None = None
    platform: AdPlatform | None = None
    property_id: UUID | None = None
    video_id: UUID | None = None


class TokenOut(Out):
    """The token the request came with."""

    id: str
    name: str
    scope: TokenScope
    expires_at: datetime | None


class WebhookIn(In):
    url: Annotated[str, text(2000, 1)]
    events: Annotated[list[Annotated[str, text(40)]], Field(min_length=1, max_length=10)]


class WebhookOut(Out):
    """An endpoint; `secret` (whsec_...) verifies the signatures of what it receives."""

    id: str
    url: str
    events: list[str]
    secret: str
    enabled: bool
    disabled_reason: str | None
    created_at: datetime | None


class WebhookList(Out):
    """Your webhook endpoints."""

    items: list[WebhookOut]


class BreakdownQuery(AnalyticsQuery):
    by: Literal["video", "property", "platform", "day"] = "video"
    limit: Annotated[int, Field(ge=1, le=1000)] | None = None


class Ratios(Out):
    cpl: Decimal | None
    ctr: Decimal | None
    cpc: Decimal | None
    cpm: Decimal | None
    lead_rate: Decimal | None


class BreakdownRow(Out):
    key: str
    label: str
    totals: Totals
    ratios: Ratios


class Breakdown(Out):
    """Ad totals and ratios per video, property, platform or day, biggest spend first."""

    items: list[BreakdownRow]
