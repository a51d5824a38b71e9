"""Speech from espeak-ng through ctypes (the library ships in the espeakng-loader wheel).

espeak-ng keeps global state, so one process-wide `Espeak` is shared and every call
holds its lock; the library is loaded on first use, never at import.
"""

from __future__ import annotations

import array
import ctypes
import threading
from pathlib import Path
from typing import Any

import attrs

from revideo.domain.errors import EngineUnavailable

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_GENDERS = {1: "male", 2: "female"}


class _EspeakVoice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@attrs.frozen
class SpeechVoice:
    """One espeak-ng voice: `identifier` is what SetVoiceByName accepts."""

    language: str
    name: str
    identifier: str
    gender: str = ""


class Espeak:
    """A thread-safe handle on the process-wide espeak-ng library."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lib: Any = None
        self.sample_rate = 0
        self.data_dir: Path | None = None
        self._voices: list[SpeechVoice] | None = None
        self._variants: list[str] | None = None

    def _load(self) -> Any:
        if self._lib is None:
            try:
                import espeakng_loader

                lib = ctypes.CDLL(espeakng_loader.get_library_path())
                data = Path(espeakng_loader.get_data_path())
                lib.espeak_Initialize.argtypes = [
                    ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                ]  # fmt: skip
                rate = lib.espeak_Initialize(
                    _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode(), 0
                )
            except (ImportError, OSError, AttributeError) as e:
                raise EngineUnavailable(f"espeak-ng could not be loaded: {e}") from e
            if rate <= 0:
                raise EngineUnavailable(f"espeak-ng failed to initialise (code {rate})")
            lib.espeak_Synth.argtypes = [
                ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
            ]  # fmt: skip
            lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
            lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_EspeakVoice))
            lib.espeak_ListVoices(None)  # SetVoiceByName only matches names once listed
            self._lib, self.sample_rate, self.data_dir = lib, rate, data
        return self._lib

    def synthesize(self, text: str, identifier: str, variant: str = "", wpm: int = 165) -> bytes:
        """Speak `text`; return 16-bit mono PCM at `sample_rate`."""
        pcm = array.array("h")

        def collect(wav: Any, count: int, _events: Any) -> int:
            if wav and count > 0:
                pcm.extend(wav[:count])
            return 0

        callback = _SynthCallback(collect)
        name = f"{identifier}+{variant}" if variant else identifier
        with self._lock:
            lib = self._load()
            lib.espeak_SetSynthCallback(callback)
            if lib.espeak_SetVoiceByName(name.encode()) != 0:
                raise EngineUnavailable(f"espeak-ng has no voice {name!r}")
            lib.espeak_SetParameter(_ESPEAK_RATE, max(80, min(450, wpm)), 0)
            data = text.encode("utf-8") + b"\0"
            code = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            lib.espeak_Synchronize()
        if code != 0:
            raise EngineUnavailable(f"espeak-ng could not speak (code {code})")
        return pcm.tobytes()

    def voices(self) -> list[SpeechVoice]:
        """Every language voice espeak-ng offers, sorted by language (listed once)."""
        with self._lock:
            if self._voices is None:
                self._voices = _list_voices(self._load())
            return self._voices

    def variants(self) -> list[str]:
        """Names of the voice variants (`f3`, `m2`, `klatt`, ...)."""
        with self._lock:
            if self._variants is None:
                self._load()
                assert self.data_dir is not None
                folder = self.data_dir / "voices" / "!v"
                found = folder.iterdir() if folder.is_dir() else iter(())
                self._variants = sorted(p.name for p in found if p.is_file())
            return self._variants


def _list_voices(lib: Any) -> list[SpeechVoice]:
    listing = lib.espeak_ListVoices(None)
    found: dict[str, SpeechVoice] = {}
    i = 0
    while listing[i]:
        v = listing[i].contents
        i += 1
        language = _first_language(v.languages)
        if language and language not in found:
            name = (v.name or b"").decode("utf-8", "replace")
            ident = (v.identifier or b"").decode("utf-8", "replace")
            found[language] = SpeechVoice(language, name, ident, _GENDERS.get(v.gender, ""))
    return sorted(found.values(), key=lambda v: v.language)


def _first_language(ptr: int | None) -> str:
    """Decode the first entry of espeak's `languages` (priority byte + NUL-terminated name)."""
    if not ptr:
        return ""
    raw = ctypes.string_at(ptr + 1)
    return raw.decode("ascii", "replace")


ESPEAK = Espeak()
