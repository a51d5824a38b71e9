"""
What an uploaded photo becomes before it is stored: decoded in full under a pixel cap,
scaled down when merely large, and encoded afresh (so no metadata such as EXIF/GPS, and no
bytes after the image, survive).

Errors: ValidationError('photos', message) when the bytes are not a whole JPEG, PNG or WebP
image, or hold more pixels than the cap (a decompression bomb).
"""

from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class CleanImage:
    """A re-encoded image: its bytes, its real type and its size in pixels."""

    data: bytes
    content_type: str
    width: int
    height: int


class ImageCleaner(Protocol):
    def clean(self, data: bytes) -> CleanImage:
        """Decode `data` fully and encode it afresh, within the domain's pixel limits."""
        ...
