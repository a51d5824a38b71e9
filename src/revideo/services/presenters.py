"""
Choosing a presenter: which voice goes with an avatar, and the voice list a
person can look through (by language, searched, grouped, a page at a time).

Engines name a voice's language differently: the local engine "English
(America)", HeyGen "English", the fake "en". `language_of` reduces each to a
language name ("English") so the lists group and filter the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import attrs

from revideo.ports.video_engine import Avatar, Voice

ENGLISH = "English"
# ISO 639-1 codes of the languages a listing is most often written in, by name
NAMES = {
    "ar": "Arabic", "de": "German", "el": "Greek", "en": ENGLISH, "es": "Spanish",
    "fr": "French", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "sv": "Swedish",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(tag: str) -> str:
    """'en', 'en-US', 'English (America)' or 'English' → 'English' ('' stays '')."""
    tag = tag.strip()
    code = tag.replace("_", "-").split("-")[0].lower()
    if code in NAMES:
        return NAMES[code]
    return tag.split("(")[0].strip()


def language_of(voice: Voice) -> str:
    """The voice's language as a name ('Other' when the engine does not say)."""
    return language_name(voice.language) or "Other"


def languages(voices: Iterable[Voice], preferred: str = "en") -> list[str]:
    """The voices' languages: the preferred one first, then English, then A to Z."""
    first = [language_name(preferred), ENGLISH]
    names = {language_of(v) for v in voices}
    return [n for n in dict.fromkeys(first) if n in names] + sorted(names - set(first))


def default_voice(voices: Sequence[Voice], avatar: Avatar | None, preferred: str = "en") -> str:
    """The voice to preselect for `avatar`: its own default voice where the engine names
    one, else the first voice in the preferred language (then English) of the avatar's
    gender, else the first in that language, else the first of all ('' when none)."""
    if avatar is not None and any(v.id == avatar.default_voice_id for v in voices):
        return avatar.default_voice_id
    gender = (avatar.gender if avatar else "").lower()
    for language in dict.fromkeys([language_name(preferred), ENGLISH]):
        spoken = [v for v in voices if language_of(v) == language]
        same = [v for v in spoken if gender and v.gender.lower() == gender]
        if same or spoken:
            return (same or spoken)[0].id
    return voices[0].id if voices else ""


@attrs.frozen
class VoicePage:
    """One page of the voices that match a language and a search, grouped by language."""

    groups: tuple[tuple[str, tuple[Voice, ...]], ...]
    number: int
    pages: int
    total: int


def find_voices(
    voices: Sequence[Voice],
    language: str = "",
    query: str = "",
    number: int = 1,
    size: int = 8,
    first: Collection[str] = (),
) -> VoicePage:
    """The voices in `language` (every language when '') whose name, language or gender
    contains each word of `query`, page `number` of `size`, grouped by language; in each
    language the voices named in `first` (the avatars' own) lead."""
    words = query.lower().split()
    wanted = language_name(language) if language else ""

    def matches(v: Voice) -> bool:
        text = f"{v.name} {v.language} {language_of(v)} {v.gender}".lower()
        return (not wanted or language_of(v) == wanted) and all(w in text for w in words)

    order = {name: i for i, name in enumerate(languages(voices))}
    found = sorted(
        (v for v in voices if matches(v)), key=lambda v: (order[language_of(v)], v.id not in first)
    )
    pages = max(1, -(-len(found) // size))
    number = min(max(1, number), pages)
    shown = found[(number - 1) * size : number * size]
    groups: dict[str, list[Voice]] = {}
    for v in shown:
        groups.setdefault(language_of(v), []).append(v)
    return VoicePage(
        groups=tuple((k, tuple(vs)) for k, vs in groups.items()),
        number=number,
        pages=pages,
        total=len(found),
    )
