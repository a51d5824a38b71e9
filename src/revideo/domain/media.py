"""Photos of a property, kept in a gap-free order 0..n-1."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from revideo.domain import _checks
from revideo.domain.errors import Forbidden, NotFound, ValidationError
from revideo.domain.keys import check_key, display_name
from revideo.domain.profile import Actor

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_PHOTOS = 30


def _mime(v: Any) -> str:
    mime = _checks.text("mime_type", v, max_len=100, required=True).lower()
    if mime not in IMAGE_TYPES:
        raise ValidationError("mime_type", "must be a JPEG, PNG or WebP image")
    return mime


@attrs.frozen
class PropertyMedia:
    """One stored photo of a property; `order` is its place in the gallery."""

    id: str
    property_id: str
    user_id: str
    storage_path: str
    public_url: str
    mime_type: str = attrs.field(converter=_mime)
    order: int = 0
    created_at: datetime | None = None
    file_name: str = attrs.field(default="", converter=display_name)  # as typed; see keys


def renumber(media: Sequence[PropertyMedia]) -> tuple[PropertyMedia, ...]:
    """Return the media with orders 0..n-1, keeping their relative order."""
    ranked = sorted(media, key=lambda m: m.order)
    return tuple(attrs.evolve(m, order=i) for i, m in enumerate(ranked))


def append(media: Sequence[PropertyMedia], new: PropertyMedia) -> tuple[PropertyMedia, ...]:
    """Add `new` at the end of the gallery."""
    if len(media) >= MAX_PHOTOS:
        raise ValidationError("photos", f"a property holds at most {MAX_PHOTOS} photos")
    ordered = renumber(media)
    return (*ordered, attrs.evolve(new, order=len(ordered)))


def remove(media: Sequence[PropertyMedia], media_id: str) -> tuple[PropertyMedia, ...]:
    """Drop one photo and close the gap it leaves."""
    if all(m.id != media_id for m in media):
        raise NotFound("photo", media_id)
    return renumber([m for m in media if m.id != media_id])


def reorder(media: Sequence[PropertyMedia], ids: Sequence[str]) -> tuple[PropertyMedia, ...]:
    """Put the photos in the order of `ids`, which must name each photo once."""
    by_id = {m.id: m for m in media}
    if sorted(ids) != sorted(by_id):
        raise ValidationError("order", "must list every photo of the property exactly once")
    return tuple(attrs.evolve(by_id[i], order=n) for n, i in enumerate(ids))


def check_folder(actor: Actor, bucket: str, path: str, action: str = "write") -> None:
    """A user may write stored objects only under `<own id>/`; the system anywhere;
    and only under a key every store accepts alike (else ValidationError('path'),
    see revideo.domain.keys).

    Every media store applies it, as Supabase Storage's policies do (design.md §3):
    `storage.foldername(name)[1] = auth.uid()`, so an object outside any folder is
    no one's.
    """
    if not actor.system:
        folder, _, name = path.partition("/")
        if actor.user_id is None or folder != actor.user_id or not name:
            raise Forbidden(action, bucket, path)
    check_key(path)


def check_listing(actor: Actor, bucket: str, folder: str) -> None:
    """A user may list only their own folder (`<own id>`); the system any."""
    if not actor.system and (actor.user_id is None or folder != actor.user_id):
        raise Forbidden("list", bucket, folder)
    check_key(folder)


MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
"""Photos with more pixels are refused before they are decoded (a decompression bomb):
40 MP is beyond any phone or camera an agent uses, and decodes in about 160 MB."""
MAX_PHOTO_SIDE = 4096
"""Longer sides are scaled down to this on the way in (the videos are at most 1920 wide)."""


def photo_limit_message(width: int, height: int) -> str | None:
    """Why a photo of this size is refused, or None when it may be decoded."""
    if width <= 0 or height <= 0:
        return "has no pixels"
    if width * height > MAX_PHOTO_PIXELS:
        return (
            f"is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {MAX_PHOTO_PIXELS // 1_000_000} megapixels"
        )
    return None


def scaled_size(width: int, height: int) -> tuple[int, int]:
    """The size a photo is stored at: its own, or its longer side brought to MAX_PHOTO_SIDE."""
    longest = max(width, height)
    if longest <= MAX_PHOTO_SIDE:
        return width, height
    ratio = MAX_PHOTO_SIDE / longest
    return max(1, round(width * ratio)), max(1, round(height * ratio))
