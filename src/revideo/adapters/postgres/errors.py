"""
Map psycopg errors to revideo.domain.errors, so none escapes the adapter.

SQLSTATEs follow PostgREST's own mapping: 42501 (RLS or privilege) is
Forbidden, 23505 Duplicate, 23503 a missing referenced row (NotFound), check,
not-null and data errors are a ValidationError naming the column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from revideo.domain.errors import (
    Duplicate,
    Forbidden,
    NotFound,
    RevideoError,
    Unavailable,
    ValidationError,
)

SETTING = "REVIDEO_DATABASE_URL"

# foreign-key constraint -> what is missing when it fails
REFERENCES: Mapping[str, str] = {
    "property_media_property_id_fkey": "property",
    "property_media_property_owner_fkey": "property",
    "videos_property_id_fkey": "property",
    "videos_property_owner_fkey": "property",
    "video_render_jobs_video_id_fkey": "video",
    "video_render_jobs_video_owner_fkey": "video",
    "ad_performance_video_id_fkey": "video",
    "ad_performance_video_owner_fkey": "video",
}

_TABLES = (
    "ad_performance",
    "video_render_jobs",
    "property_media",
    "properties",
    "profiles",
    "videos",
)


def field_of(constraint: str | None, column: str | None = None) -> str:
    """The input a failed constraint is about ('videos_title_check' -> 'title')."""
    if column:
        return column
    name = constraint or "value"
    for table in _TABLES:
        if name.startswith(table + "_"):
            name = name[len(table) + 1 :]
            break
    for suffix in ("_check", "_nonnegative", "_key", "_fkey"):
        name = name.removesuffix(suffix)
    return name.split("_id_owner")[0] or "value"


def translate(
    exc: Exception,
    *,
    kind: str = "record",
    key: str = "",
    action: str = "change",
    refs: Mapping[str, str] | None = None,
) -> RevideoError:
    """The domain error for one psycopg error, for the record being worked on.

    `refs` maps a referenced kind ('property', 'video') to its key, for the
    NotFound raised when a foreign key has nothing to point at.
    """
    diag = getattr(exc, "diag", None)
    state = getattr(exc, "sqlstate", None) or ""
    constraint = getattr(diag, "constraint_name", None)
    column = getattr(diag, "column_name", None)
    message = (getattr(diag, "message_primary", None) or str(exc)).strip()
    if state == "42501":
        return Forbidden(action, kind, key)
    if state == "23505":
        return Duplicate(kind, key)
    if state == "23503":
        missing = REFERENCES.get(constraint or "", kind)
        return NotFound(missing, (refs or {}).get(missing, key))
    if state in ("23514", "23502") or state.startswith("22"):
        return ValidationError(field_of(constraint, column), message)
    if not state and "NUL" in message:  # refused by psycopg before it is sent
        return ValidationError(field_of(constraint, column), "must not contain NUL characters")
    if not state or state.startswith("08"):
        return Unavailable(SETTING, f"cannot reach the database: {message}")
    return RevideoError(f"database error {state}: {message}")


@contextmanager
def database_errors(
    kind: str = "record",
    key: str = "",
    *,
    action: str = "change",
    refs: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Run a block, turning any psycopg error into the matching domain error."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise translate(exc, kind=kind, key=key, action=action, refs=refs) from exc


def is_uuid(value: Any) -> bool:
    """True if `value` is a UUID in text form (ids that are not can match no row)."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
