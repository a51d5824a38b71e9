"""Helpers that look at produced MP4s from the outside, with the wheel's own FFmpeg."""

from __future__ import annotations

import array
import io
import re
import subprocess
from pathlib import Path

import attrs
import imageio_ffmpeg
from PIL import Image

from revideo.adapters.local_engine import LocalEngine

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@attrs.frozen
class Probe:
    video_codec: str
    width: int
    height: int
    audio_codec: str
    video_seconds: float
    audio_seconds: float


def probe(path: Path) -> Probe:
    """Decode the whole file: stream codecs and sizes, and decoded video and audio lengths."""
    info = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    video = re.search(r"Stream #\S+.*Video: (\w+).*?, (\d{2,5})x(\d{2,5})", info.stderr)
    audio = re.search(r"Stream #\S+.*Audio: (\w+)", info.stderr)
    assert video and audio, info.stderr
    _frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    samples = audio_samples(path)
    return Probe(
        video.group(1),
        int(video.group(2)),
        int(video.group(3)),
        audio.group(1),
        seconds,
        len(samples) / 16000,
    )


def audio_samples(path: Path) -> array.array[int]:
    """The decoded audio as 16 kHz mono 16-bit samples."""
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "16000",
         "-f", "s16le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return array.array("h", raw)


def frames(path: Path, fps: float, size: tuple[int, int], crop: str = "") -> list[Image.Image]:
    """Decoded frames sampled at `fps`, optionally cropped (an FFmpeg crop spec), scaled."""
    chain = ",".join(f for f in (f"fps={fps}", crop, f"scale={size[0]}:{size[1]}") if f)
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-vf", chain, "-f", "rawvideo",
         "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    step = size[0] * size[1] * 3
    return [Image.frombytes("RGB", size, raw[i : i + step]) for i in range(0, len(raw), step)]


def photo_jpeg(colour: tuple[int, int, int], accent: tuple[int, int, int]) -> bytes:
    """A 1200×800 test photo: one colour, with an accent block in the lower right."""
    img = Image.new("RGB", (1200, 800), colour)
    img.paste(accent, (700, 450, 1200, 800))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


def local_file(engine: LocalEngine, url: str, tmp: Path) -> Path:
    """Copy a produced file out through fetch() and return where it landed."""
    target = tmp / url.rsplit("/", 1)[-1]
    with open(target, "wb") as f:
        for chunk in engine.fetch(url):
            f.write(chunk)
    return target
