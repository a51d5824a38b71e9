"""Which voice goes with an avatar, and the voice lists (language, search, pages)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from revideo.ports.video_engine import Avatar, Voice
from revideo.services.presenters import default_voice, find_voices, language_name, languages

LANGS = ["English", "English (America)", "en", "en-GB", "Spanish", "es", "Afrikaans", "fr", ""]
GENDERS = ["male", "female", "Female", ""]

voice = st.builds(
    Voice,
    id=st.text("abcdef", min_size=1, max_size=4),
    name=st.sampled_from(["Anna", "Ben", "Cara", "Dev"]),
    language=st.sampled_from(LANGS),
    gender=st.sampled_from(GENDERS),
)
voice_lists = st.lists(voice, max_size=12, unique_by=lambda v: v.id)
avatar = st.builds(
    Avatar,
    id=st.just("a"),
    name=st.just("A"),
    gender=st.sampled_from(GENDERS),
    default_voice_id=st.sampled_from(["", "a", "zz"]),
)


@settings(max_examples=60)
@given(voices=voice_lists, who=avatar)
def test_the_default_voice_suits_the_avatar(voices: list[Voice], who: Avatar) -> None:
    chosen = default_voice(voices, who)
    ids = [v.id for v in voices]
    assert (chosen in ids) if voices else chosen == ""
    if who.default_voice_id in ids:
        assert chosen == who.default_voice_id
        return
    english = [v for v in voices if language_name(v.language) == "English"]
    if not english:
        return
    picked = next(v for v in voices if v.id == chosen)
    assert language_name(picked.language) == "English"
    if any(v.gender.lower() == who.gender.lower() for v in english if who.gender):
        assert picked.gender.lower() == who.gender.lower()


@settings(max_examples=50)
@given(
    voices=voice_lists,
    lang=st.sampled_from(["", "English", "en", "Spanish", "fr", "Klingon"]),
    query=st.sampled_from(["", "an", "female", "ANNA", "zzz"]),
    size=st.integers(1, 5),
)
def test_pages_cover_exactly_the_matching_voices(
    voices: list[Voice], lang: str, query: str, size: int
) -> None:
    first = find_voices(voices, lang, query, 1, size)
    seen = []
    for number in range(1, first.pages + 1):
        page = find_voices(voices, lang, query, number, size)
        shown = [v for _, group in page.groups for v in group]
        assert len(shown) <= size
        for name, group in page.groups:
            assert all((language_name(v.language) or "Other") == name for v in group)
        seen += shown
    assert len(seen) == first.total == len({v.id for v in seen})
    for v in voices:
        text = f"{v.name} {v.language} {language_name(v.language)} {v.gender}".lower()
        fits = (not lang or (language_name(v.language) or "Other") == language_name(lang)) and all(
            w in text for w in query.lower().split()
        )
        assert (v in seen) == fits


def test_english_comes_first_then_a_to_z() -> None:
    voices = [Voice("1", "x", "Zulu"), Voice("2", "y", "Afrikaans"), Voice("3", "z", "en-US")]
    assert languages(voices) == ["English", "Afrikaans", "Zulu"]
    assert languages(voices, preferred="Zulu") == ["Zulu", "English", "Afrikaans"]


def test_the_local_engine_pairs_each_presenter_with_an_english_voice_of_their_gender() -> None:
    from revideo.adapters.local_engine import catalog

    voices = catalog.voices()
    by_id = {v.id: v for v in voices}
    for who in catalog.avatars():
        picked = by_id[default_voice(voices, who)]
        assert language_name(picked.language) == "English"
        assert picked.gender == who.gender
