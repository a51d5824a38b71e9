"""Render one request into an MP4 and a JPEG: speech, timing, stills, then one FFmpeg call."""

from __future__ import annotations

import logging
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from revideo.adapters.local_engine import cards, compose, timeline
from revideo.adapters.local_engine.catalog import Presenter, presenter, resolve_voice
from revideo.adapters.local_engine.drawing import font, text_width
from revideo.adapters.local_engine.speech import ESPEAK, Espeak
from revideo.domain.errors import EngineRejected
from revideo.domain.scripts import split_sentences
from revideo.domain.video import AspectRatio
from revideo.ports.video_engine import Photo, RenderRequest

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger("revideo.adapters.local_engine")

_SIZES = {
    (AspectRatio.LANDSCAPE, "720p"): (1280, 720),
    (AspectRatio.LANDSCAPE, "1080p"): (1920, 1080),
    (AspectRatio.PORTRAIT, "720p"): (720, 1280),
    (AspectRatio.PORTRAIT, "1080p"): (1080, 1920),
    (AspectRatio.SQUARE, "720p"): (720, 720),
    (AspectRatio.SQUARE, "1080p"): (1080, 1080),
}
BASE_WPM = 165


@attrs.frozen
class Rendered:
    """What a finished render reports: seconds, pixels and photos left out."""

    duration: float
    width: int
    height: int
    skipped_photos: tuple[str, ...] = ()


def frame_size(ratio: AspectRatio, resolution: str) -> tuple[int, int]:
    """Pixels for an aspect ratio and resolution; EngineRejected if unsupported."""
    size = _SIZES.get((ratio, resolution.strip().lower()))
    if size is None:
        raise EngineRejected(
            "invalid_request", f"resolution must be 720p or 1080p, not {resolution!r}"
        )
    return size


def render(
    request: RenderRequest,
    scratch: Path,
    video_out: Path,
    thumb_out: Path,
    read_photo: Callable[[Photo], bytes],
    espeak: Espeak = ESPEAK,
    cancel: threading.Event | None = None,
) -> Rendered:
    """Render `request` into `video_out` and `thumb_out`, using `scratch` for stills.

    Setting `cancel` stops the render (compose.Cancelled) without a result.
    """
    size = frame_size(request.aspect_ratio, request.resolution)
    style = presenter(request.avatar_id)
    voice = resolve_voice(request.voice_id, espeak)
    if style is None or voice is None:
        raise EngineRejected("invalid_request", "unknown avatar or voice")
    sentences = split_sentences(request.script) or [request.title]
    wpm = round(BASE_WPM * request.voice_speed)
    speech = [espeak.synthesize(s, voice[0], voice[1], wpm) for s in sentences]
    durations = [len(pcm) / 2 / espeak.sample_rate for pcm in speech]
    stills, skipped = _photo_stills(request, size, read_photo)
    plan = timeline.plan(durations, len(stills), _cue_maker(request, sentences, size))
    _write_narration(scratch / "narration.wav", speech, plan, espeak.sample_rate)
    inputs = _draw_inputs(request, style, plan, stills, size, scratch)
    argv = compose.command(_ffmpeg(), plan, inputs, size, video_out)
    compose.run(argv, timeout=max(120.0, 10 * plan.total), cancel=cancel)
    cards.thumbnail(stills[0], request.title, _thumb_size(size)).save(thumb_out, "JPEG", quality=85)
    return Rendered(plan.total, size[0], size[1], skipped)


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _photo_stills(
    request: RenderRequest, size: tuple[int, int], read_photo: Callable[[Photo], bytes]
) -> tuple[list[Image.Image], tuple[str, ...]]:
    """Decode the photos in order; skip (and log) any that cannot be read or decoded."""
    stills, skipped = [], []
    for photo in request.photos:
        try:
            stills.append(cards.photo_still(read_photo(photo), size))
        except Exception as e:  # a bad photo must never fail the video
            log.warning("local engine: skipping photo %s: %s", photo.url or photo.path, e)
            skipped.append(photo.url or photo.path)
    if not stills:
        address = request.closing.address
        stills.append(cards.title_still(request.title, address, request.background_color, size))
    return stills, tuple(skipped)


def _cue_maker(
    request: RenderRequest, sentences: list[str], size: tuple[int, int]
) -> timeline.CueMaker:
    from PIL import Image, ImageDraw

    f = font(round(cards.unit(*size) * (1.5 if size[1] > size[0] else 1.35)), bold=True)
    draw = ImageDraw.Draw(Image.new("RGB", (8, 8)))
    width = cards.caption_width(size, with_badge=True)

    def cues(spans: list[tuple[float, float]]) -> list[timeline.Cue]:
        if not request.captions:
            return []
        timed = [(a, b, text) for (a, b), text in zip(spans, sentences, strict=True)]
        return timeline.caption_cues(timed, lambda s: text_width(draw, s, f) <= width)

    return cues


def _write_narration(path: Path, speech: list[bytes], plan: timeline.Plan, rate: int) -> None:
    """Lay each sentence at its planned start over silence as long as the video."""
    audio = bytearray(2 * round(plan.total * rate))
    for pcm, start in zip(speech, plan.sentence_starts, strict=True):
        at = 2 * round(start * rate)
        chunk = pcm[: max(0, len(audio) - at)]
        audio[at : at + len(chunk)] = chunk
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(audio))


def _draw_inputs(
    request: RenderRequest,
    style: Presenter,
    plan: timeline.Plan,
    stills: list[Image.Image],
    size: tuple[int, int],
    scratch: Path,
) -> compose.Inputs:
    """Save every still and band the FFmpeg call reads."""
    intro, closing = scratch / "intro.png", scratch / "closing.png"
    cards.intro_card(style, request.title, size).save(intro, compress_level=1)
    cards.closing_card(style, request.title, request.closing, size).save(closing, compress_level=1)
    photos = []
    for seg in plan.segments:
        if seg.kind == "photo":
            path = scratch / f"photo{seg.index}.jpg"
            stills[seg.index].save(path, "JPEG", quality=92)
            photos.append(path)
    entries: list[tuple[Path, float]] = []
    drawn: dict[tuple[str | None, bool], Path] = {}
    for band in plan.bands:
        key = (band.text, band.badge)
        if key not in drawn:
            drawn[key] = scratch / f"band{len(drawn)}.png"
            cards.band(band.text, style if band.badge else None, size).save(
                drawn[key], compress_level=1
            )
        entries.append((drawn[key], band.length))
    listing = scratch / "bands.ffconcat"
    listing.write_text(compose.bands_list(entries), encoding="utf-8")
    bh = cards.band_height(*size)
    return compose.Inputs(intro, tuple(photos), closing, listing, bh, scratch / "narration.wav")


def _thumb_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    scale = 640 / max(w, h)
    return round(w * scale), round(h * scale)
