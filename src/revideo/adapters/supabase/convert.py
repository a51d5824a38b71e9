"""
JSON rows from PostgREST <-> domain values, with one private cattrs converter.

PostgREST sends timestamps and dates as ISO text and numbers as JSON
numbers; money columns (numeric(10,2), numeric(12,4)) fit a float's 15
exact digits, so `Decimal(repr(float))` gives back the stored value, and the
analytics functions send their sums as text. Going out, top-level Decimals
are sent as text (PostgREST parses them into numeric exactly) and Decimals
inside jsonb as numbers, which is how the psycopg adapter stores them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import cattrs

from revideo.adapters.postgres.convert import flat_meta, name_engine_ids
from revideo.domain.ads import AdRecord
from revideo.domain.analytics import AdTotals
from revideo.domain.media import PropertyMedia
from revideo.domain.profile import Profile
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video

Row = dict[str, Any]


def _datetime(value: Any, _: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _date(value: Any, _: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def decimal(value: Any, _: Any = None) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=False)
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(Decimal, decimal)
    for kind in (datetime, date, Decimal):
        converter.register_unstructure_hook(kind, lambda value: value)
    name_engine_ids(converter)
    return converter


CONVERTER = _make_converter()


def wire(value: Any, *, nested: bool = False) -> Any:
    """A value ready for supabase-py's JSON encoder (see the module docstring)."""
    if isinstance(value, Decimal):
        return float(value) if nested else format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): wire(v, nested=True) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v, nested=True) for v in value]
    return value


def params(value: Any, columns: tuple[str, ...]) -> Row:
    """The named columns of a domain value, as a JSON row."""
    flat = CONVERTER.unstructure(value)
    return {c: wire(flat[c]) for c in columns}


def profile(row: Row) -> Profile:
    return CONVERTER.structure(row, Profile)


def property_(row: Row) -> Property:
    return CONVERTER.structure(row, Property)


def media(row: Row) -> PropertyMedia:
    return CONVERTER.structure(row, PropertyMedia)


def video(row: Row) -> Video:
    return CONVERTER.structure(flat_meta(row), Video)


def video_params(v: Video, columns: tuple[str, ...]) -> Row:
    row = params(v, tuple(c for c in columns if c != "meta"))
    if "meta" in columns:
        row["meta"] = {
            "duration": v.meta.duration,
            "dimension": {"width": v.meta.width, "height": v.meta.height},
            "aspect_ratio": v.meta.aspect_ratio.value,
        }
    return row


def render_job(row: Row) -> RenderJob:
    return CONVERTER.structure(row, RenderJob)


def ad(row: Row) -> AdRecord:
    return CONVERTER.structure(row, AdRecord)


def totals(data: Row) -> AdTotals:
    return AdTotals(
        spend=Decimal(data["spend"]),
        impressions=int(data["impressions"]),
        clicks=int(data["clicks"]),
        leads=int(data["leads"]),
    )
