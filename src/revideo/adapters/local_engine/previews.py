"""Preview files for the avatar and voice lists, made on demand (nothing is stored)."""

from __future__ import annotations

import io
import wave

from revideo.adapters.local_engine import catalog
from revideo.adapters.local_engine.drawing import presenter_image
from revideo.adapters.local_engine.speech import Espeak
from revideo.domain.errors import EngineRejected

SAMPLE_TEXT = "Welcome home. Let me show you around this beautiful property."


def avatar_png(name: str) -> bytes:
    """A 256-pixel PNG portrait of the presenter named `<id>.png`."""
    style = catalog.presenter(name.removesuffix(".png"))
    if style is None or not name.endswith(".png"):
        raise EngineRejected("not_found", f"no avatar preview {name!r}")
    out = io.BytesIO()
    presenter_image(style, 256).save(out, "PNG")
    return out.getvalue()


def voice_wav(name: str, espeak: Espeak) -> bytes:
    """A short WAV sample of the voice named `<id>.wav`."""
    voice = catalog.resolve_voice(name.removesuffix(".wav"), espeak)
    if voice is None or not name.endswith(".wav"):
        raise EngineRejected("not_found", f"no voice preview {name!r}")
    pcm = espeak.synthesize(SAMPLE_TEXT, voice[0], voice[1])
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(espeak.sample_rate)
        w.writeframes(pcm)
    return out.getvalue()
