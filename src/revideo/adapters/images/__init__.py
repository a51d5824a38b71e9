"""Photos decoded and re-encoded with Pillow (the ImageCleaner port)."""

from __future__ import annotations

import io
import warnings
from typing import Any

from revideo.domain.errors import ValidationError
from revideo.domain.media import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    photo_limit_message,
    scaled_size,
)
from revideo.ports.images import CleanImage

_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PillowImageCleaner:
    """Decode fully, refuse bombs before decoding, scale down, encode afresh."""

    def clean(self, data: bytes) -> CleanImage:
        from PIL import Image, ImageOps

        if not data:
            raise ValidationError("photos", "the file is empty")
        if len(data) > MAX_PHOTO_BYTES:
            raise ValidationError("photos", f"must be at most {MAX_PHOTO_BYTES // 2**20} MB")
        with warnings.catch_warnings():
            # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that; our own
            # cap (checked on the header, before any pixel is decoded) is lower still.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image: Any = Image.open(io.BytesIO(data), formats=list(_TYPES))
                kind = _TYPES[str(image.format)]
                refused = photo_limit_message(*image.size)
                if refused:
                    raise ValidationError("photos", refused)
                image.load()  # every byte decoded: a truncated or forged file fails here
                image = ImageOps.exif_transpose(image) or image  # keep the way it was shot
            except ValidationError:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                limit = MAX_PHOTO_PIXELS // 1_000_000
                raise ValidationError("photos", f"the limit is {limit} megapixels") from None
            except Exception:  # Pillow's errors for damaged files are many: OSError, ValueError…
                raise ValidationError("photos", "is not a whole JPEG, PNG or WebP image") from None
        return _encode(image, kind)


def _encode(image: Any, kind: str) -> CleanImage:
    from PIL import Image

    size = scaled_size(*image.size)
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    if kind == "image/jpeg":
        image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
    elif kind == "image/webp":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, "WEBP", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=False)
    return CleanImage(out.getvalue(), kind, image.size[0], image.size[1])
