"""Rules every template script obeys, for any valid property."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revideo.adapters.llm.prompt import vet
from revideo.domain.property import (
    MAX_AREA,
    MAX_PRICE,
    Address,
    Property,
    PropertyCategory,
    Specs,
)
from revideo.domain.scripts import (
    MIN_CHARS,
    TONES,
    TemplateScriptWriter,
    facts_of,
    split_sentences,
    template_script,
)
from revideo.domain.spoken import (
    estimate_seconds,
    numbers_in,
    say_area,
    say_baths,
    say_count,
    say_money,
    untraced,
    words_for,
)
from revideo.domain.video import VideoPurpose

WORDS = ["Sunny", "Loft", "Oak", "Villa", "3BR", "Suite", "2", "twenty", "one", "half", "Unit"]
realistic = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
anything = st.text(min_size=1, max_size=60).filter(lambda s: "\x00" not in s)
free_text = st.one_of(realistic, anything)
maybe_text = st.one_of(st.just(""), free_text)
titles = free_text.filter(lambda s: s.strip())
money = st.decimals(min_value=0, max_value=MAX_PRICE, places=2)
areas = st.decimals(min_value=Decimal("0.01"), max_value=MAX_AREA, places=2)
specs = st.builds(
    Specs,
    price=st.none() | money | st.sampled_from([Decimal(0), Decimal(2500), Decimal(1250000)]),
    area=st.none() | areas | st.sampled_from([Decimal(1), Decimal(2400)]),
    beds=st.none() | st.integers(0, 1000) | st.integers(0, 5),
    baths=st.none() | st.integers(0, 2000).map(lambda n: Decimal(n) / 2),
    amenities=st.lists(free_text, max_size=7),
)
zips = st.one_of(st.just(""), st.text(max_size=20).filter(lambda s: "\x00" not in s))
addresses = st.builds(Address, street=maybe_text, city=maybe_text, state=maybe_text, zip=zips)
properties = st.builds(
    Property,
    id=st.just("p1"),
    user_id=st.just("u1"),
    title=titles,
    category=st.sampled_from(PropertyCategory),
    address=addresses,
    specs=specs,
    description=st.one_of(maybe_text, st.lists(free_text, max_size=4).map(". ".join)),
)
limits = st.one_of(st.integers(MIN_CHARS, 120), st.integers(MIN_CHARS, 3000))
COMBOS = [(tone, purpose) for tone in TONES for purpose in VideoPurpose]


def _user_words(prop: Property) -> list[str]:
    texts = [prop.title, prop.description, *vars_of(prop.address), *prop.specs.amenities]
    words = {v for t in texts for w in t.split() for v in (w, w.rstrip(".!?,;:… "), w.strip())}
    return sorted((w for w in words if w), key=len, reverse=True)


def vars_of(address: Address) -> tuple[str, ...]:
    return (address.street, address.city, address.state, address.zip)


def residue(script: str, prop: Property) -> str:
    """The script with the spoken specs and every word the user typed removed."""
    specs, rest = prop.specs, script
    spoken = [say_money(specs.price) if specs.price is not None else ""]
    spoken.append(say_area(specs.area) if specs.area is not None else "")
    spoken.append(say_baths(specs.baths) if specs.baths else "")
    spoken.append(say_count(specs.beds, "bedroom", "bedrooms") if specs.beds else "")
    for phrase in filter(None, spoken):
        rest = rest.replace(phrase, " ")
    for word in _user_words(prop):
        rest = re.sub(rf"(?:(?<=\s)|^){re.escape(word)}(?=[\s.,!?:;]|$)", " ", rest)
    return rest


@settings(max_examples=150, deadline=None)
@given(prop=properties, max_chars=limits)
def test_every_template_is_non_empty_fits_and_says_only_traceable_numbers(prop, max_chars):
    facts = facts_of(prop)
    for tone, purpose in COMBOS:
        script = template_script(prop, purpose, tone=tone, max_chars=max_chars)
        assert script.strip()
        assert len(script) <= max_chars
        assert untraced(script, facts) == ()
        # independently of the number reader: every digit comes from a spec or the user's text
        assert not re.search(r"[0-9]", residue(script, prop)), script


@settings(max_examples=150, deadline=None)
@given(prop=properties)
def test_templates_never_mention_a_field_the_property_lacks(prop):
    specs = prop.specs
    for tone, purpose in COMBOS:
        script = template_script(prop, purpose, tone=tone, max_chars=5000, target_seconds=1e9)
        rest = residue(script, prop).lower()
        assert "none" not in rest and "zero" not in rest
        if not specs.price:
            assert "$" not in rest and "per month" not in rest
        if purpose is VideoPurpose.SALE:
            assert "per month" not in rest
        if not specs.area:
            assert "square f" not in rest
        if not specs.beds:
            assert "bedroom" not in rest
        if specs.beds is None or prop.category is PropertyCategory.COMMERCIAL:
            assert "studio" not in rest
        if not specs.baths:
            assert "bath" not in rest
        if not any(a.strip(".!?,;:… ") for a in specs.amenities):
            assert not re.search(r"include|features:", rest)


@settings(max_examples=150, deadline=None)
@given(prop=properties, max_chars=limits, tone=st.sampled_from(TONES))
def test_a_shortened_script_is_whole_sentences_of_the_full_one(prop, max_chars, tone):
    full = template_script(prop, VideoPurpose.SALE, tone=tone, max_chars=5000, target_seconds=1e9)
    short = template_script(prop, VideoPurpose.SALE, tone=tone, max_chars=max_chars)
    remaining = iter(split_sentences(full))
    assert all(any(s == f for f in remaining) for s in split_sentences(short))


@settings(max_examples=100, deadline=None)
@given(prop=properties, max_chars=limits, wpm=st.floats(60, 300))
def test_writer_reports_its_estimate_and_the_llm_checks_accept_every_template(prop, max_chars, wpm):
    draft = TemplateScriptWriter(words_per_minute=wpm).write(
        prop, VideoPurpose.RENT, max_chars=max_chars
    )
    assert draft.source == "template"
    assert draft.estimated_seconds == estimate_seconds(draft.text, wpm)
    assert vet(draft.text, facts_of(prop), max_chars) == (draft.text, None)


@given(amount=money)
def test_a_spoken_price_reads_back_as_that_price(amount):
    (mention,) = numbers_in(say_money(amount))
    assert mention.matches(amount)
    assert abs(mention.value - amount) <= mention.quantum / 2


@given(area=areas)
def test_a_spoken_area_reads_back_as_that_area(area):
    (mention,) = numbers_in(say_area(area))
    assert mention.matches(area)


@given(halves=st.integers(1, 2000))
def test_spoken_baths_read_back_exactly(halves):
    baths = Decimal(halves) / 2
    assert [m.value for m in numbers_in(say_baths(baths))] == [baths]


@given(n=st.integers(1, 10**6))
def test_spoken_counts_and_number_words_read_back_exactly(n):
    assert [m.value for m in numbers_in(say_count(n, "room", "rooms"))] == [n]
    assert [m.value for m in numbers_in(f"about {words_for(n)} steps")] == [n]


@given(a=st.text(max_size=80), b=st.text(max_size=80), wpm=st.floats(60, 300))
def test_estimate_grows_with_text_and_shrinks_with_speaking_rate(a, b, wpm):
    assert estimate_seconds(f"{a} {b}", wpm) >= estimate_seconds(a, wpm)
    assert estimate_seconds(a, wpm * 2) <= estimate_seconds(a, wpm)
