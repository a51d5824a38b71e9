"""The template script writer: content, tones, limits, validation."""

from __future__ import annotations

import attrs
import pytest

from revideo.domain.errors import ValidationError
from revideo.domain.property import Address, Property, PropertyCategory, Specs
from revideo.domain.scripts import (
    MIN_CHARS,
    TONES,
    TemplateScriptWriter,
    facts_of,
    fit_to_length,
    split_sentences,
    template_script,
)
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import VideoPurpose

SALE, RENT = VideoPurpose.SALE, VideoPurpose.RENT


def loft(**specs: object) -> Property:
    values = {
        "price": "1250000",
        "area": "2400",
        "beds": 3,
        "baths": "2.5",
        "amenities": ["pool", "garden", "2-car garage"],
    }
    values.update(specs)
    return Property(
        id="p1",
        user_id="u1",
        title="Sunny Loft",
        category="residential",
        address=Address(street="12 Oak St", city="Austin", state="TX", zip="78701"),
        specs=Specs(**values),  # type: ignore[arg-type]
        description="A bright corner home with big windows. Recently renovated.",
    )


def test_a_full_listing_reads_naturally():
    script = template_script(loft(), SALE)
    for phrase in (
        "Sunny Loft",
        "12 Oak St in Austin, TX",
        "three bedrooms and two and a half baths",
        "2,400 square feet",
        "pool, garden, and 2-car garage",
        "A bright corner home with big windows.",
        "$1.25 million",
    ):
        assert phrase in script
    assert "78701" not in script  # nobody reads a zip code aloud
    assert "Recently renovated" not in script  # only the description's first sentence


def test_rent_is_phrased_per_month_and_sale_is_not():
    for tone in TONES:
        rent = template_script(loft(price="2500"), RENT, tone=tone)
        sale = template_script(loft(price="2500"), SALE, tone=tone)
        assert "$2,500 per month" in rent
        assert "per month" not in sale and "$2,500" in sale


def test_tones_and_categories_change_the_wording():
    scripts = {
        (tone, category, purpose): template_script(
            attrs.evolve(loft(), category=category), purpose, tone=tone
        )
        for tone in TONES
        for category in PropertyCategory
        for purpose in VideoPurpose
    }
    openings = {split_sentences(s)[0] for s in scripts.values()}
    assert len({s for s in scripts.values()}) == len(scripts)
    assert len(openings) >= 15
    assert all(
        len(s) < len(scripts[("warm", c, p)]) for (t, c, p), s in scripts.items() if t == "concise"
    )


def test_the_same_property_always_gets_the_same_script():
    writer = TemplateScriptWriter()
    assert writer.write(loft(), SALE) == writer.write(loft(), SALE)


def test_missing_and_zero_fields_are_never_read_aloud():
    bare = Property(id="p", user_id="u", title="Plot", category="commercial")
    script = template_script(bare, SALE)
    for word in ("$", "bath", "bedroom", "square", "include", "None", "0"):
        assert word not in script
    zeros = template_script(loft(price="0", baths="0", amenities=[]), RENT).lower()
    for word in ("$", "bath", "zero", " 0 ", "include", "per month"):
        assert word not in zeros


def test_no_bedrooms_is_a_studio_for_homes_and_unsaid_for_commercial():
    home = template_script(loft(beds=0), SALE)
    assert "studio" in home and "bedroom" not in home and "zero" not in home
    shop = template_script(attrs.evolve(loft(beds=0), category="commercial"), SALE)
    assert "studio" not in shop and "bedroom" not in shop


def test_a_small_limit_keeps_whole_sentences_of_the_full_script():
    full = split_sentences(template_script(loft(), SALE))
    for limit in range(MIN_CHARS, 400, 13):
        short = template_script(loft(), SALE, max_chars=limit)
        assert short and len(short) <= limit
        assert set(split_sentences(short)) <= set(full)


def test_price_and_call_to_action_survive_a_tight_limit():
    short = template_script(loft(), SALE, max_chars=90)
    assert "$1.25 million" in short and short.endswith("Call us today to arrange your tour.")


def test_the_target_duration_leaves_out_optional_highlights():
    tiny = template_script(loft(), SALE, target_seconds=1)
    assert len(split_sentences(tiny)) == 3  # hook, price, call to action: always kept
    assert "$1.25 million" in tiny and "square feet" not in tiny
    full = template_script(loft(), SALE, target_seconds=600)
    for seconds in (10, 15, 20, 25):
        script = template_script(loft(), SALE, target_seconds=seconds)
        assert estimate_seconds(script) <= seconds < estimate_seconds(full)


def test_a_slower_speaking_rate_fits_fewer_sentences_in_the_target():
    fast = TemplateScriptWriter(words_per_minute=220, target_seconds=20).write(loft(), SALE)
    slow = TemplateScriptWriter(words_per_minute=100, target_seconds=20).write(loft(), SALE)
    assert len(split_sentences(slow.text)) < len(split_sentences(fast.text))
    assert slow.estimated_seconds == estimate_seconds(slow.text, 100)


def test_the_draft_says_where_it_came_from():
    draft = TemplateScriptWriter().write(loft(), RENT, tone="luxury", max_chars=500)
    assert draft.source == "template" and draft.notice is None
    assert draft.estimated_seconds == estimate_seconds(draft.text)
    assert len(draft.text) <= 500


def test_other_languages_get_english_with_a_notice():
    draft = TemplateScriptWriter().write(loft(), SALE, language="pt-BR")
    assert draft.text == template_script(loft(), SALE)
    assert draft.notice and "English" in draft.notice
    assert TemplateScriptWriter().write(loft(), SALE, language="en-GB").notice is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tone": "snarky"}, "tone"),
        ({"tone": ""}, "tone"),
        ({"max_chars": MIN_CHARS - 1}, "max_chars"),
        ({"max_chars": True}, "max_chars"),
        ({"max_chars": "500"}, "max_chars"),
        ({"language": ""}, "language"),
        ({"language": "english please"}, "language"),
    ],
)
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(ValidationError) as err:
        TemplateScriptWriter().write(loft(), SALE, **kwargs)
    assert err.value.field == field


def test_purpose_may_be_named_and_a_bad_one_is_refused():
    assert template_script(loft(), "rent") == template_script(loft(), RENT)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        template_script(loft(), "lease")  # type: ignore[arg-type]
    assert err.value.field == "purpose"


def test_every_combination_says_something_at_the_smallest_limit():
    bare = Property(id="p", user_id="u", title="x" * 200, category="residential")
    for category in PropertyCategory:
        for tone in TONES:
            for purpose in VideoPurpose:
                prop = attrs.evolve(bare, category=category)
                script = template_script(prop, purpose, tone=tone, max_chars=MIN_CHARS)
                assert script and len(script) <= MIN_CHARS


@pytest.mark.parametrize("field", ["words_per_minute", "target_seconds"])
@pytest.mark.parametrize("value", [0, -5, float("nan"), "fast"])
def test_writer_settings_are_checked(field, value):
    with pytest.raises(ValidationError) as err:
        TemplateScriptWriter(**{field: value})
    assert err.value.field == field


def test_facts_cover_specs_and_numbers_in_the_text_fields():
    prop = attrs.evolve(loft(), title="Loft 7", description="Built in 1920, two garages.")
    facts = facts_of(prop)
    for value in ("1250000", "2400", "3", "2.5", "7", "1920", "2", "12", "78701"):
        assert any(f == type(f)(value) for f in facts), value


def test_fit_to_length_cuts_at_a_sentence_end():
    text = "First one. Second, longer sentence! Third? Fourth."
    assert fit_to_length(text, 10) == "First one."
    assert fit_to_length(text, 36) == "First one. Second, longer sentence!"
    assert fit_to_length(text, 9) == ""
    assert fit_to_length(text, 500) == text
