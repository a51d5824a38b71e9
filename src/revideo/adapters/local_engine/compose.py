"""One FFmpeg call turns the stills, the lower-third bands and the narration into an MP4.

Photos get a slow pan/zoom (zoompan, one input frame each), clips are joined with
cross-fades (xfade), the bands are one concat stream overlaid once, and x264 encodes
with a fast preset.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import attrs

from revideo.adapters.local_engine.children import die_with_parent
from revideo.adapters.local_engine.timeline import Plan

FPS = 25
_CANCEL_CHECK = 0.25  # seconds between looks at a render's cancel event
_MOVES = (  # (zoom from, zoom to, x from, x to, y from, y to), as fractions of the slack
    (1.0, 1.12, 0.5, 0.5, 0.5, 0.5),
    (1.12, 1.0, 0.2, 0.8, 0.5, 0.5),
    (1.02, 1.14, 0.8, 0.3, 0.3, 0.6),
    (1.14, 1.02, 0.5, 0.5, 0.8, 0.2),
)


class FfmpegFailed(Exception):
    """FFmpeg exited with an error; the message holds the end of its log."""


@attrs.frozen
class Inputs:
    """The files one render feeds FFmpeg."""

    intro: Path
    photos: tuple[Path, ...]
    closing: Path
    bands: Path  # an ffconcat list
    band_height: int
    narration: Path


def ken_burns(index: int, frames: int, size: tuple[int, int]) -> str:
    """A zoompan filter for photo `index`: zoom and drift, different for each photo."""
    z0, z1, x0, x1, y0, y1 = _MOVES[index % len(_MOVES)]
    last = max(1, frames - 1)
    t = f"(on/{last})"
    zoom = f"{z0}+({z1 - z0})*{t}"
    x = f"(iw-iw/zoom)*({x0}+({x1 - x0})*{t})"
    y = f"(ih-ih/zoom)*({y0}+({y1 - y0})*{t})"
    w, h = size
    return f"zoompan=z='{zoom}':x='{x}':y='{y}':d={frames}:s={w}x{h}:fps={FPS}"


def command(ffmpeg: str, plan: Plan, inputs: Inputs, size: tuple[int, int], out: Path) -> list[str]:
    """The FFmpeg argv for one render."""
    args = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    filters: list[str] = []
    photo_iter = iter(inputs.photos)
    for i, seg in enumerate(plan.segments):
        frames = round(seg.length * FPS)
        if seg.kind == "photo":
            args += ["-i", str(next(photo_iter))]
            motion = ken_burns(seg.index, frames, size)
            filters.append(f"[{i}:v]format=yuv420p,{motion},setsar=1[s{i}]")
        else:
            # decode the card once and repeat the frame (an -loop input re-decodes each frame)
            args += ["-i", str(inputs.intro if seg.kind == "intro" else inputs.closing)]
            repeat = f"loop=loop={frames - 1}:size=1:start=0,setpts=N/{FPS}/TB,fps={FPS}"
            filters.append(f"[{i}:v]format=yuv420p,{repeat},setsar=1[s{i}]")
    n = len(plan.segments)
    args += ["-f", "concat", "-safe", "0", "-i", str(inputs.bands), "-i", str(inputs.narration)]
    chain = "s0"
    for i, seg in enumerate(plan.segments[1:], start=1):
        filters.append(
            f"[{chain}][s{i}]xfade=transition=fade:duration={plan.fade:.3f}:offset={seg.start:.3f}[x{i}]"
        )
        chain = f"x{i}"
    filters.append(f"[{chain}][{n}:v]overlay=x=0:y={size[1] - inputs.band_height}:format=auto[v]")
    args += ["-filter_complex", ";".join(filters), "-map", "[v]", "-map", f"{n + 1}:a"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-pix_fmt", "yuv420p"]
    args += ["-r", str(FPS), "-c:a", "aac", "-b:a", "96k", "-ar", "44100", "-ac", "1"]
    args += ["-t", f"{plan.total:.3f}", "-movflags", "+faststart", "-f", "mp4", str(out)]
    return args


def bands_list(entries: list[tuple[Path, float]]) -> str:
    """An ffconcat list of band images and their durations (the last one listed twice)."""
    lines = ["ffconcat version 1.0"]
    for path, seconds in entries:
        lines += [f"file '{_quote(path)}'", f"duration {seconds:.3f}"]
    if entries:
        lines.append(f"file '{_quote(entries[-1][0])}'")
    return "\n".join(lines) + "\n"


class Cancelled(Exception):
    """The render was called off (the engine is shutting down); FFmpeg was stopped."""


def run(argv: list[str], timeout: float, cancel: threading.Event | None = None) -> None:
    """Run FFmpeg; raise FfmpegFailed with its log tail on any failure.

    Setting `cancel` stops FFmpeg within a fraction of a second (Cancelled).
    """
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, preexec_fn=die_with_parent())  # fmt: skip
    except OSError as e:
        raise FfmpegFailed(f"ffmpeg could not start: {e}") from e
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                _, err = proc.communicate(timeout=_CANCEL_CHECK)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("the render was called off") from None
                if time.monotonic() > deadline:
                    raise FfmpegFailed(f"ffmpeg timed out after {timeout:.0f} s") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-6:]
        raise FfmpegFailed(f"ffmpeg exited with {proc.returncode}: " + " | ".join(tail))


def _quote(path: Path) -> str:
    return str(path).replace("'", "'\\''")
