"""The stills of a video: intro (presenter) card, photos, title still, closing card, bands."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from revideo.adapters.local_engine.catalog import Presenter
from revideo.adapters.local_engine.drawing import (
    WHITE,
    draw_lines,
    font,
    font_size,
    gradient,
    hex_rgb,
    presenter_image,
    wrapped,
)
from revideo.ports.video_engine import ClosingCard

if TYPE_CHECKING:
    from PIL import Image

MOTION_MARGIN = 1.2  # photos are drawn this much larger than the frame, for pan and zoom


def unit(width: int, height: int) -> float:
    """One layout unit: 1/40 of the shorter side."""
    return min(width, height) / 40


def band_height(width: int, height: int) -> int:
    return round(unit(width, height) * (9 if height > width else 8))


def intro_card(style: Presenter, title: str, size: tuple[int, int]) -> Image.Image:
    """The opening card: the presenter, their name and the listing title."""
    from PIL import ImageDraw

    w, h = size
    u = unit(w, h)
    img = gradient(size, hex_rgb(style.background), _darker(hex_rgb(style.background)))
    d = ImageDraw.Draw(img)
    portrait = presenter_image(style, round(u * 16))
    img.paste(portrait, (round((w - portrait.width) / 2), round(h * 0.12)), portrait)
    y = h * 0.12 + portrait.height + u * 1.5
    y = draw_lines(
        d, [f"{style.name} presents"], font(round(u * 1.6)), w / 2, y, hex_rgb(style.accent)
    )
    lines = wrapped(d, title, font(round(u * 2.6), bold=True), w * 0.85)[:3]
    draw_lines(d, lines, font(round(u * 2.6), bold=True), w / 2, y + u)
    return img


def closing_card(
    style: Presenter, title: str, closing: ClosingCard, size: tuple[int, int]
) -> Image.Image:
    """The last card: price, key facts and address."""
    from PIL import ImageDraw

    w, h = size
    u = unit(w, h)
    img = gradient(size, _darker(hex_rgb(style.background)), hex_rgb(style.background))
    d = ImageDraw.Draw(img)
    y = h * 0.2
    for text, f, colour in (
        (title, font(round(u * 2.0), bold=True), WHITE),
        (closing.price, font(round(u * 3.6), bold=True), hex_rgb(style.accent)),
        (closing.facts, font(round(u * 1.8)), WHITE),
        (closing.address, font(round(u * 1.6)), (220, 220, 220)),
    ):
        if text.strip():
            y = draw_lines(d, wrapped(d, text, f, w * 0.86)[:3], f, w / 2, y, colour) + u
    return img


def title_still(title: str, address: str, background: str, size: tuple[int, int]) -> Image.Image:
    """Stands in for the photos when there are none: the title on the requested colour."""
    from PIL import ImageDraw

    w, h = round(size[0] * MOTION_MARGIN), round(size[1] * MOTION_MARGIN)
    u = unit(*size)
    base = hex_rgb(background)
    img = gradient((w, h), base, _darker(base, 0.75))
    d = ImageDraw.Draw(img)
    ink = (30, 30, 30) if sum(base) > 380 else WHITE
    f = font(round(u * 3), bold=True)
    y = draw_lines(d, wrapped(d, title, f, size[0] * 0.8)[:3], f, w / 2, h * 0.36, ink)
    if address:
        small = font(round(u * 1.7))
        draw_lines(d, wrapped(d, address, small, size[0] * 0.8)[:2], small, w / 2, y + u, ink)
    return img


def photo_still(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Decode a photo (raises OSError/ValueError if it is not one) and crop it to cover."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as raw:
        raw.load()
        photo = ImageOps.exif_transpose(raw).convert("RGB")
    target = (round(size[0] * MOTION_MARGIN), round(size[1] * MOTION_MARGIN))
    return ImageOps.fit(photo, target, Image.Resampling.BILINEAR)


def band(text: str | None, style: Presenter | None, size: tuple[int, int]) -> Image.Image:
    """One lower-third: an optional caption box and an optional presenter badge."""
    from PIL import Image, ImageDraw

    w, h = size
    bh = band_height(w, h)
    u = unit(w, h)
    img = Image.new("RGBA", (w, bh), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    left = u
    if style is not None:
        badge = presenter_image(style, round(bh * 0.7))
        img.paste(badge, (round(u), round((bh - badge.height) / 2)), badge)
        left = u * 2 + badge.width
    if text:
        f = font(round(u * (1.5 if h > w else 1.35)), bold=True)
        step = font_size(f) * 1.25
        lines = text.split("\n")
        box_h = step * len(lines) + u
        top = (bh - box_h) / 2
        d.rounded_rectangle((left, top, w - u, top + box_h), radius=u * 0.6, fill=(0, 0, 0, 170))
        draw_lines(d, lines, f, (left + w - u) / 2, top + u * 0.5)
    return img


def caption_width(size: tuple[int, int], with_badge: bool) -> float:
    """How wide a caption line may be inside its band."""
    w, h = size
    u = unit(w, h)
    badge = band_height(w, h) * 0.7 + u if with_badge else 0.0
    return w - badge - u * 4


def thumbnail(still: Image.Image, title: str, size: tuple[int, int]) -> Image.Image:
    """The poster frame: the first photo (or title still) with the title across the bottom."""
    from PIL import Image, ImageDraw, ImageOps

    img = ImageOps.fit(still, size, Image.Resampling.BILINEAR).convert("RGBA")
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    u = unit(*size)
    f = font(round(u * 2.2), bold=True)
    lines = wrapped(d, title, f, size[0] * 0.9)[:2]
    top = size[1] - (len(lines) * font_size(f) * 1.25 + u * 2)
    d.rectangle((0, top, size[0], size[1]), fill=(0, 0, 0, 150))
    draw_lines(d, lines, f, size[0] / 2, top + u)
    return Image.alpha_composite(img, overlay).convert("RGB")


def _darker(rgb: tuple[int, int, int], factor: float = 0.55) -> tuple[int, int, int]:
    r, g, b = (round(c * factor) for c in rgb)
    return r, g, b
