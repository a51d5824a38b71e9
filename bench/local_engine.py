"""Benchmark the offline engine: a ~30 s 1280×720 video from six generated photos.

Prints render seconds ÷ video seconds (goal ≤ 0.3 on 2 cores) and peak memory of
this process and of its children (FFmpeg). Run: /work/venv/bin/python bench/local_engine.py
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from revideo.adapters.local_engine import LocalEngine
from revideo.ports.video_engine import ClosingCard, Photo, RenderRequest

SCRIPT = (
    "Welcome to 12 Oak Street, a bright family home on a quiet, leafy street. "
    "The open plan kitchen flows into a sunny living room with tall windows and oak floors. "
    "Upstairs there are three generous bedrooms, including a main suite with its own bathroom. "
    "The second bathroom was renovated last year with a walk-in shower. "
    "Outside, a private garden with a stone terrace is perfect for summer evenings. "
    "Schools, shops and the train station are all a short walk away. "
    "Book your private viewing today."
)
PALETTES = [
    ((214, 200, 180), (120, 90, 60)),
    ((190, 210, 230), (90, 100, 110)),
    ((235, 225, 205), (150, 110, 80)),
    ((200, 220, 200), (70, 90, 60)),
    ((225, 215, 225), (110, 80, 90)),
    ((205, 195, 185), (60, 60, 70)),
]


def room_photo(seed: int) -> bytes:
    """A photo-like 1600×1067 JPEG: lit wall, window, floor boards, furniture, grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    wall, floor = PALETTES[seed % len(PALETTES)]
    img = Image.new("RGB", (1600, 1067), wall)
    d = ImageDraw.Draw(img)
    for y in range(0, 700, 4):  # light fall-off down the wall
        shade = tuple(max(0, c - y // 20) for c in wall)
        d.rectangle((0, y, 1600, y + 4), fill=shade)
    d.polygon([(0, 1067), (1600, 1067), (1300, 700), (300, 700)], fill=floor)
    for x in range(-800, 2400, 120):  # floor boards in perspective
        d.line((800 + (x - 800) * 0.4, 700, x, 1067), fill=tuple(c - 25 for c in floor), width=3)
    wx = rng.randint(150, 900)
    d.rectangle((wx, 150, wx + 420, 560), fill=(235, 245, 255), outline=(250, 250, 250), width=14)
    d.line((wx + 210, 150, wx + 210, 560), fill=(250, 250, 250), width=10)
    for _ in range(4):  # furniture
        x, w = rng.randint(0, 1300), rng.randint(150, 380)
        colour = tuple(rng.randint(40, 200) for _ in range(3))
        d.rounded_rectangle((x, 620, x + w, 860), radius=25, fill=colour)
    grain = Image.effect_noise((1600, 1067), 18).convert("RGB")
    img = Image.blend(img, grain, 0.06).filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def peak_mb(who: int) -> float:
    """Peak resident memory in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resolution", default="720p")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    photos = {f"photo{i}.jpg": room_photo(i) for i in range(6)}
    request = RenderRequest(
        handle="bench",
        title="12 Oak Street",
        script=SCRIPT,
        avatar_id="amelia_classic",
        voice_id="en-us",
        resolution=args.resolution,
        photos=tuple(Photo(url=name) for name in photos),
        closing=ClosingCard("$450,000", "3 beds · 2 baths · 1,850 sq ft", "12 Oak Street"),
    )
    ratios = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            engine = LocalEngine(Path(tmp), read_photo=lambda p: photos[p.url])
            started = time.perf_counter()
            report = engine.wait(engine.create(request), timeout=600)
            elapsed = time.perf_counter() - started
            engine.close()
        if report.duration is None:
            raise SystemExit(f"render failed: {report.error}")
        ratios.append(elapsed / report.duration)
        print(
            f"run {run + 1}: {report.width}x{report.height}, video {report.duration:.2f} s, "
            f"render {elapsed:.2f} s, ratio {ratios[-1]:.3f}"
        )
    print(f"best ratio render/video: {min(ratios):.3f} (goal <= 0.3 on 2 cores)")
    print(
        f"peak memory: python {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"ffmpeg {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


if __name__ == "__main__":
    main()
