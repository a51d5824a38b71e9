"""Properties: what an agent markets, with its address and specs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from revideo.domain import _checks
from revideo.domain.errors import ValidationError

MAX_PRICE = Decimal("9999999999.99")
MAX_AREA = Decimal("99999999.99")
MAX_ROOMS = 1000
MAX_AMENITIES = 50


class PropertyCategory(enum.Enum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    RESALE = "resale"


def _category(value: Any) -> PropertyCategory:
    return _checks.parse_enum("category", PropertyCategory, value)


def _street(v: Any) -> str:
    return _checks.text("address.street", v, max_len=200)


def _city(v: Any) -> str:
    return _checks.text("address.city", v, max_len=100)


def _state(v: Any) -> str:
    return _checks.text("address.state", v, max_len=100)


def _zip(v: Any) -> str:
    return _checks.text("address.zip", v, max_len=20)


@attrs.frozen
class Address:
    """A postal address; every part may be empty."""

    street: str = attrs.field(default="", converter=_street)
    city: str = attrs.field(default="", converter=_city)
    state: str = attrs.field(default="", converter=_state)
    zip: str = attrs.field(default="", converter=_zip)

    def one_line(self) -> str:
        """The non-empty parts joined, e.g. '12 Oak St, Austin, TX 78701'."""
        region = " ".join(p for p in (self.state, self.zip) if p)
        return ", ".join(p for p in (self.street, self.city, region) if p)


def _price(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    return _checks.decimal("specs.price", v, places=2, maximum=MAX_PRICE)


def _area(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    area = _checks.decimal("specs.area", v, places=2, maximum=MAX_AREA)
    if area == 0:
        raise ValidationError("specs.area", "must be greater than 0")
    return area


def _beds(v: Any) -> int | None:
    if v is None or v == "":
        return None
    return _checks.count("specs.beds", v, maximum=MAX_ROOMS)


def _baths(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    baths = _checks.decimal("specs.baths", v, places=1, maximum=Decimal(MAX_ROOMS))
    if (baths * 2) % 1 != 0:
        raise ValidationError("specs.baths", "must be a whole or half number, e.g. 2 or 2.5")
    return baths


def _amenities(values: Iterable[Any] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split(",")
    seen: dict[str, str] = {}
    for raw in values:
        name = _checks.text("specs.amenities", raw, max_len=80)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    if len(seen) > MAX_AMENITIES:
        raise ValidationError("specs.amenities", f"at most {MAX_AMENITIES} amenities")
    return tuple(seen.values())


@attrs.frozen
class Specs:
    """Price, area (square feet), bedrooms, bathrooms (in halves) and amenities.

    Every number is optional; amenities are de-duplicated ignoring case, in order.
    """

    price: Decimal | None = attrs.field(default=None, converter=_price)
    area: Decimal | None = attrs.field(default=None, converter=_area)
    beds: int | None = attrs.field(default=None, converter=_beds)
    baths: Decimal | None = attrs.field(default=None, converter=_baths)
    amenities: tuple[str, ...] = attrs.field(default=(), converter=_amenities)


def _title(v: Any) -> str:
    return _checks.text("title", v, max_len=200, required=True)


def _description(v: Any) -> str:
    return _checks.text("description", v, max_len=5000)


@attrs.frozen
class Property:
    """A listing owned by one user."""

    id: str
    user_id: str
    title: str = attrs.field(converter=_title)
    category: PropertyCategory = attrs.field(converter=_category)
    address: Address = attrs.field(factory=Address)
    specs: Specs = attrs.field(factory=Specs)
    description: str = attrs.field(default="", converter=_description)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen
class PropertyInput:
    """What a user supplies to create or edit a property (validated on build)."""

    title: str = attrs.field(converter=_title)
    category: PropertyCategory = attrs.field(converter=_category)
    address: Address = attrs.field(factory=Address)
    specs: Specs = attrs.field(factory=Specs)
    description: str = attrs.field(default="", converter=_description)
