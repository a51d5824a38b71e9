"""Pillow drawings: presenter, intro and closing cards, title still, lower-third bands.

Captions and cards are burned into pixels here, so FFmpeg needs no font or text filter.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from revideo.adapters.local_engine.catalog import Presenter
from revideo.adapters.local_engine.timeline import wrap

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

    Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
WHITE = (255, 255, 255)


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans when the system has it (wide Unicode coverage), else Pillow's own font."""
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def font_size(f: Font) -> int:
    """The pixel size of a font (Pillow's bitmap fallback has none: assume 11)."""
    return int(getattr(f, "size", 11))


def hex_rgb(value: str, fallback: tuple[int, int, int] = (245, 245, 245)) -> tuple[int, int, int]:
    """Parse `#rrggbb` (or any colour Pillow knows); fall back instead of failing."""
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(value)
    except (ValueError, AttributeError):
        return fallback
    return rgb[0], rgb[1], rgb[2]


def text_width(draw: ImageDraw.ImageDraw, text: str, f: Font) -> float:
    return float(draw.textlength(text, font=f))


def wrapped(draw: ImageDraw.ImageDraw, text: str, f: Font, width: float) -> list[str]:
    return wrap(text, lambda s: text_width(draw, s, f) <= width)


def draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    f: Font,
    center_x: float,
    top: float,
    fill: tuple[int, ...] = WHITE,
) -> float:
    """Draw centred lines from `top`; return the y below the last one."""
    step = font_size(f) * 1.25
    for i, line in enumerate(lines):
        draw.text((center_x, top + i * step), line, font=f, fill=fill, anchor="ma")
    return top + len(lines) * step


def gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    """A vertical two-colour gradient (drawn small, then scaled: fast)."""
    from PIL import Image

    strip = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        strip.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return strip.resize(size, Image.Resampling.BILINEAR)


def presenter_image(style: Presenter, size: int) -> Image.Image:
    """A round presenter portrait: accent disc, shoulders, head and hair."""
    from PIL import Image, ImageDraw

    big = size * 2
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((0, 0, big - 1, big - 1), fill=hex_rgb(style.accent))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    body = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    b = ImageDraw.Draw(body)
    u = big / 20
    b.ellipse((3 * u, 13 * u, 17 * u, 27 * u), fill=hex_rgb(style.suit))
    b.rectangle((8.6 * u, 10.5 * u, 11.4 * u, 14 * u), fill=hex_rgb(style.skin))
    long_hair = style.gender == "female"
    if long_hair:
        b.rounded_rectangle(
            (5.6 * u, 4.4 * u, 14.4 * u, 14.5 * u), radius=3 * u, fill=hex_rgb(style.hair)
        )
    b.ellipse((6.5 * u, 4.5 * u, 13.5 * u, 12.5 * u), fill=hex_rgb(style.skin))
    b.chord((6.2 * u, 3.8 * u, 13.8 * u, 10 * u), 180, 360, fill=hex_rgb(style.hair))
    img.paste(body, (0, 0), Image.composite(body, Image.new("RGBA", body.size), mask))
    out = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    out.paste(img, (0, 0), mask)
    return out.resize((size, size), Image.Resampling.LANCZOS)
