"""
Rows <-> domain values, with one private cattrs converter (this boundary only).

psycopg already returns uuid, datetime, date and Decimal; JSON numbers are
read as Decimal (see `json_loads`) and written exactly (see `exact_json`), so
money never passes through a float.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from revideo.domain.ads import AdRecord
from revideo.domain.media import PropertyMedia
from revideo.domain.profile import Profile
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video

Row = dict[str, Any]


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=False)
    for kind in (datetime, date, Decimal):
        converter.register_structure_hook(kind, lambda value, _: value)
        converter.register_unstructure_hook(kind, lambda value: value)
    # psycopg already hands these over typed (uuids as text, see database.py):
    # pass them through instead of cattrs' generic Optional handling per field.
    for typed in (str, datetime, Decimal):
        converter.register_structure_hook(typed | None, lambda value, _: value)
    name_engine_ids(converter)
    return converter


def name_engine_ids(converter: cattrs.Converter) -> None:
    """Map the domain's `engine_video_id` to the reference's column names
    (videos.heygen_video_id, video_render_jobs.heygen_job_id), both ways."""
    for kind, column in ((Video, "heygen_video_id"), (RenderJob, "heygen_job_id")):
        renamed = override(rename=column)
        converter.register_structure_hook(
            kind, make_dict_structure_fn(kind, converter, engine_video_id=renamed)
        )
        converter.register_unstructure_hook(
            kind, make_dict_unstructure_fn(kind, converter, engine_video_id=renamed)
        )


CONVERTER = _make_converter()


def json_loads(text: str | bytes) -> Any:
    """Parse JSON with exact decimals."""
    return json.loads(text, parse_float=Decimal)


def exact_json(value: Any) -> str:
    """JSON text in which a Decimal is written as the exact number it is."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return format(value, "f")
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}:{exact_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(exact_json(v) for v in value) + "]"
    return json.dumps(value)


def jsonb(value: Any) -> Any:
    """A psycopg Jsonb parameter written with `exact_json`."""
    from psycopg.types.json import Jsonb

    return Jsonb(value, dumps=exact_json)


def profile(row: Row) -> Profile:
    return CONVERTER.structure(row, Profile)


def property_(row: Row) -> Property:
    return CONVERTER.structure(row, Property)


def property_params(prop: Property) -> Row:
    return {
        "id": prop.id,
        "user_id": prop.user_id,
        "title": prop.title,
        "description": prop.description,
        "category": prop.category.value,
        "address": jsonb(CONVERTER.unstructure(prop.address)),
        "specs": jsonb(CONVERTER.unstructure(prop.specs)),
    }


def media(row: Row) -> PropertyMedia:
    return CONVERTER.structure(row, PropertyMedia)


def flat_meta(row: Row) -> Row:
    """The video row with its `meta` jsonb ({duration, dimension{width, height},
    aspect_ratio}) flattened into the fields of VideoMeta."""
    meta = row.get("meta") or {}
    dimension = meta.get("dimension") or {}
    flat = {
        "duration": meta.get("duration"),
        "width": dimension.get("width"),
        "height": dimension.get("height"),
    }
    if meta.get("aspect_ratio"):
        flat["aspect_ratio"] = meta["aspect_ratio"]
    return {**row, "meta": flat}


def video(row: Row) -> Video:
    return CONVERTER.structure(flat_meta(row), Video)


def video_params(v: Video) -> Row:
    unstructured = CONVERTER.unstructure(v)
    meta = {
        "duration": v.meta.duration,
        "dimension": {"width": v.meta.width, "height": v.meta.height},
        "aspect_ratio": v.meta.aspect_ratio.value,
    }
    return {**unstructured, "meta": jsonb(meta)}


def render_job(row: Row) -> RenderJob:
    return CONVERTER.structure(row, RenderJob)


def render_job_params(job: RenderJob) -> Row:
    return CONVERTER.unstructure(job)  # type: ignore[no-any-return]


def ad(row: Row) -> AdRecord:
    return CONVERTER.structure(row, AdRecord)


def ad_params(record: AdRecord) -> Row:
    return CONVERTER.unstructure(record)  # type: ignore[no-any-return]
