"""The built-in presenter styles ("avatars") and the espeak-ng voices, listed like HeyGen's."""

from __future__ import annotations

import attrs

from revideo.adapters.local_engine.speech import ESPEAK, Espeak
from revideo.ports.video_engine import Avatar, Voice

DEFAULT_AVATAR = "amelia_classic"
DEFAULT_VOICE = "en-us"
FEMALE_VARIANT = "f3"


@attrs.frozen
class Presenter:
    """A presenter style: who is drawn on the cards, in which colours (RGB hex)."""

    id: str
    name: str
    gender: str
    background: str
    accent: str
    suit: str
    skin: str
    hair: str


def _style(id: str, name: str, gender: str, palette: str) -> Presenter:
    """Build a style from five hex colours: background, accent, suit, skin, hair."""
    bg, accent, suit, skin, hair = (f"#{c}" for c in palette.split())
    return Presenter(id, name, gender, bg, accent, suit, skin, hair)


PRESENTERS: tuple[Presenter, ...] = (
    _style("amelia_classic", "Amelia", "female", "1f2a44 d4a64a 2f3f66 f1c7a5 5a3b22"),
    _style("james_modern", "James", "male", "22303a 2ab3a6 37474f e0b48f 2b2b2b"),
    _style("sofia_warm", "Sofia", "female", "4a2c22 e07a5f 81412f c98f6b 1f140f"),
    _style("daniel_coastal", "Daniel", "male", "123a55 f2d398 1d5b85 f3d0b5 a8773f"),
    _style("priya_luxury", "Priya", "female", "141414 c9a227 2a2a2a a8744f 0d0d0d"),
    _style("marcus_urban", "Marcus", "male", "2d3142 ef8354 4f5d75 7a4e33 151515"),
)


def presenter(avatar_id: str) -> Presenter | None:
    """The presenter style named `avatar_id`, or None."""
    return next((p for p in PRESENTERS if p.id == avatar_id), None)


def avatars() -> list[Avatar]:
    """The presenter styles as port Avatars, each with a previewable image."""
    return [
        Avatar(
            id=p.id,
            name=p.name,
            gender=p.gender,
            preview_image_url=f"local://avatars/{p.id}.png",
            kind="avatar",
            default_voice_id=DEFAULT_VOICE + ("+" + FEMALE_VARIANT if p.gender == "female" else ""),
        )
        for p in PRESENTERS
    ]


def voices(espeak: Espeak = ESPEAK) -> list[Voice]:
    """Each espeak-ng language twice: its default voice and a female variant."""
    out: list[Voice] = []
    for v in espeak.voices():
        for suffix, gender, label in (("", v.gender or "male", ""), ("+f3", "female", " (female)")):
            vid = v.language + suffix
            out.append(
                Voice(
                    id=vid,
                    name=f"{v.name}{label}",
                    language=v.name,
                    gender=gender,
                    preview_audio_url=f"local://voices/{vid}.wav",
                )
            )
    return out


def resolve_voice(voice_id: str, espeak: Espeak = ESPEAK) -> tuple[str, str] | None:
    """Map a voice id (`fr-fr`, `fr-fr+f3`) to (espeak identifier, variant), or None."""
    language, _, variant = voice_id.partition("+")
    match = next((v for v in espeak.voices() if v.language == language.lower()), None)
    if match is None or (variant and variant not in espeak.variants()):
        return None
    return match.identifier, variant
