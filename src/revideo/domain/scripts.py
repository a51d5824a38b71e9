"""
Video scripts from templates: category × purpose × tone, fitted to a length.

A template script has an opening hook, the highlights the property's data
supports (a missing or zero field is never read aloud), the price (per month
when renting) and a call to action. Sentences are ranked; the lowest-ranked
ones are left out until the script fits the engine's character limit and,
for the optional ones, the target duration at the speaking rate. The script
is therefore always cut at a sentence boundary. No randomness: the same
property always gives the same script.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs

from revideo.domain.errors import ValidationError
from revideo.domain.property import Property, PropertyCategory
from revideo.domain.spoken import (
    estimate_seconds,
    numbers_in,
    say_area,
    say_baths,
    say_count,
    say_money,
    untraced,
)
from revideo.domain.video import VideoPurpose, parse_enum

TONES = ("warm", "luxury", "concise")
MIN_CHARS = 40  # every call to action fits, so a script is never empty
DEFAULT_WORDS_PER_MINUTE = 150.0
DEFAULT_TARGET_SECONDS = 45.0
MAX_DESCRIPTION_SENTENCE = 200

_R, _C, _X = PropertyCategory.RESIDENTIAL, PropertyCategory.COMMERCIAL, PropertyCategory.RESALE
_SALE, _RENT = VideoPurpose.SALE, VideoPurpose.RENT

_HOOKS: dict[str, dict[tuple[PropertyCategory, VideoPurpose], str]] = {
    "warm": {
        (_R, _SALE): "Welcome home.",
        (_R, _RENT): "Looking for a place to call home?",
        (_C, _SALE): "Your business deserves the right address.",
        (_C, _RENT): "Looking for the right space for your business?",
        (_X, _SALE): "Here is a home ready for its next chapter.",
        (_X, _RENT): "Here is a home ready for its next chapter.",
    },
    "luxury": {
        (_R, _SALE): "Presenting a residence of rare distinction.",
        (_R, _RENT): "Experience refined living, now available to lease.",
        (_C, _SALE): "A prestigious commercial address awaits.",
        (_C, _RENT): "Lease a commercial space that makes a statement.",
        (_X, _SALE): "An exceptional residence returns to the market.",
        (_X, _RENT): "An exceptional residence, now available to lease.",
    },
    "concise": {
        (_R, _SALE): "Home for sale.",
        (_R, _RENT): "Home for rent.",
        (_C, _SALE): "Commercial property for sale.",
        (_C, _RENT): "Commercial space for lease.",
        (_X, _SALE): "Pre-owned home for sale.",
        (_X, _RENT): "Pre-owned home for rent.",
    },
}
_INTRO = {
    "warm": "Meet {title}{place}.",
    "luxury": "Introducing {title}{place}.",
    "concise": "{title}{place}.",
}
_ROOMS = {"warm": "Inside, you will find {}.", "luxury": "It offers {}.", "concise": "{}."}
_AREA = {"warm": "There are {} to enjoy.", "luxury": "It spans {}.", "concise": "{}."}
_AMENITIES = {
    "warm": "Highlights include {}.",
    "luxury": "Appointments include {}.",
    "concise": "Features: {}.",
}
_MAX_AMENITIES = {"warm": 5, "luxury": 5, "concise": 3}
_PRICE = {
    _SALE: {"warm": "It is offered at {}.", "luxury": "Offered at {}.", "concise": "Price: {}."},
    _RENT: {
        "warm": "The rent is {} per month.",
        "luxury": "Available at {} per month.",
        "concise": "Rent: {} per month.",
    },
}
_CTA = {
    ("warm", _SALE): "Call us today to arrange your tour.",
    ("warm", _RENT): "Reach out today to schedule a viewing.",
    ("luxury", _SALE): "Contact us to arrange a private viewing.",
    ("luxury", _RENT): "Enquire today for a private viewing.",
    ("concise", _SALE): "Call us to book a viewing.",
    ("concise", _RENT): "Call us to book a viewing.",
}
# Document order, and which sentences survive first when the script must shrink.
_ORDER = ("hook", "intro", "rooms", "area", "amenities", "description", "price", "cta")
_RANK = ("hook", "price", "cta", "rooms", "intro", "area", "amenities", "description")
_ESSENTIAL = frozenset({"hook", "price", "cta"})  # kept even past the target duration
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
# A sentence ends at . ! ? … (and any closing quotes) before a space, after CJK 。！？,
# or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|(?<=[。！？])|\n+")


@attrs.frozen
class ScriptDraft:
    """A script ready to read aloud; `source` is "template" or "llm", `notice` says why a
    writer fell back or what it changed."""

    text: str
    source: str
    estimated_seconds: float
    notice: str | None = None


def check_tone(tone: Any) -> str:
    """Return the tone, or raise ValidationError('tone')."""
    if tone not in TONES:
        raise ValidationError("tone", f"must be one of {', '.join(TONES)}")
    return str(tone)


def check_purpose(purpose: Any) -> VideoPurpose:
    """Return the purpose named by `purpose` (sale or rent), or raise ValidationError('purpose')."""
    member: VideoPurpose = parse_enum("purpose", VideoPurpose, purpose)
    return member


def check_language(language: Any) -> str:
    """Return a language tag like 'en' or 'pt-BR', or raise ValidationError('language')."""
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language.strip()):
        raise ValidationError("language", "must be a language code such as en or pt-BR")
    return language.strip()


def check_max_chars(max_chars: Any) -> int:
    """Return the character limit, or raise ValidationError('max_chars')."""
    if isinstance(max_chars, bool) or not isinstance(max_chars, int):
        raise ValidationError("max_chars", "must be a whole number")
    if max_chars < MIN_CHARS:
        raise ValidationError("max_chars", f"must be at least {MIN_CHARS}")
    return max_chars


def facts_of(prop: Property) -> frozenset[Decimal]:
    """Every number the property states: its specs and any number in its text fields."""
    specs, addr = prop.specs, prop.address
    facts = {v for v in (specs.price, specs.area, specs.baths) if v is not None}
    if specs.beds is not None:
        facts.add(Decimal(specs.beds))
    texts = (prop.title, prop.description, addr.street, addr.city, addr.state, addr.zip)
    for text in (*texts, *specs.amenities):
        facts.update(m.value for m in numbers_in(text))
    return frozenset(facts)


def split_sentences(text: str) -> list[str]:
    """The speakable sentences of `text` (Latin and CJK punctuation, line breaks);
    parts with nothing to say (no letter or digit) are dropped."""
    parts = (p.strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if any(ch.isalnum() for ch in p)]


def fit_to_length(text: str, max_chars: int) -> str:
    """The longest run of whole leading sentences of `text` within `max_chars` ('' if none)."""
    kept = ""
    for sentence in split_sentences(text):
        trial = f"{kept} {sentence}" if kept else sentence
        if len(trial) > max_chars:
            break
        kept = trial
    return kept


def _clean(text: str) -> str:
    """Free text as one spoken phrase: whitespace collapsed, trailing punctuation dropped."""
    return " ".join(text.split()).rstrip(".!?,;:… ")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + ", and " + items[-1]


def _place(prop: Property) -> str:
    addr = prop.address
    street, city, state = _clean(addr.street), _clean(addr.city), _clean(addr.state)
    region = ", ".join(p for p in (city, state) if p)
    return (f" at {street}" if street else "") + (f" in {region}" if region else "")


def _rooms(prop: Property) -> str:
    beds, baths = prop.specs.beds, prop.specs.baths
    parts = []
    if beds:
        parts.append(say_count(beds, "bedroom", "bedrooms"))
    elif beds == 0 and prop.category is not _C:
        parts.append("an open studio layout")
    if baths:
        parts.append(say_baths(baths))
    return " and ".join(parts)


def _description(prop: Property) -> str:
    first = next(iter(split_sentences(" ".join(prop.description.split()))), "")
    if not first or len(first) > MAX_DESCRIPTION_SENTENCE:
        return ""
    return first if first[-1] in ".!?…" else first + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentences(prop: Property, purpose: VideoPurpose, tone: str) -> dict[str, str]:
    """Each part of the script the property's data supports, by name."""
    specs = prop.specs
    parts = {"hook": _HOOKS[tone][(prop.category, purpose)], "cta": _CTA[(tone, purpose)]}
    if title := _clean(prop.title):
        parts["intro"] = _INTRO[tone].format(title=title, place=_place(prop))
    if rooms := _rooms(prop):
        parts["rooms"] = _capital(_ROOMS[tone].format(rooms))
    if specs.area:
        parts["area"] = _capital(_AREA[tone].format(say_area(specs.area)))
    if amenities := [a for a in map(_clean, specs.amenities) if a]:
        parts["amenities"] = _AMENITIES[tone].format(_join(amenities[: _MAX_AMENITIES[tone]]))
    if tone != "concise" and (description := _description(prop)):
        parts["description"] = description
    if specs.price:
        parts["price"] = _PRICE[purpose][tone].format(say_money(specs.price))
    facts = facts_of(prop)  # a phrase whose words run into a number would say a new one
    return {name: text for name, text in parts.items() if not untraced(text, facts)}


def _compose(parts: dict[str, str], names: set[str]) -> str:
    return " ".join(parts[n] for n in _ORDER if n in names)


def _fit(parts: dict[str, str], max_chars: int, target_seconds: float, wpm: float) -> str:
    chosen: set[str] = set()
    for name in (n for n in _RANK if n in parts):
        text = _compose(parts, chosen | {name})
        if len(text) > max_chars:
            continue
        if name not in _ESSENTIAL and estimate_seconds(text, wpm) > target_seconds:
            continue
        chosen.add(name)
    return _compose(parts, chosen)


def template_script(
    prop: Property,
    purpose: VideoPurpose,
    *,
    tone: str = "warm",
    max_chars: int = 1500,
    target_seconds: float = DEFAULT_TARGET_SECONDS,
    words_per_minute: float = DEFAULT_WORDS_PER_MINUTE,
) -> str:
    """The template script for `prop`: never empty, never longer than `max_chars`."""
    tone, max_chars, purpose = check_tone(tone), check_max_chars(max_chars), check_purpose(purpose)
    return _fit(_sentences(prop, purpose, tone), max_chars, target_seconds, words_per_minute)


def _positive(field: str) -> Any:
    def check(_: object, __: object, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValidationError(field, "must be a number greater than 0")

    return check


@attrs.frozen
class TemplateScriptWriter:
    """ScriptWriter that fills the built-in templates; English only, deterministic."""

    words_per_minute: float = attrs.field(
        default=DEFAULT_WORDS_PER_MINUTE, validator=_positive("words_per_minute")
    )
    target_seconds: float = attrs.field(
        default=DEFAULT_TARGET_SECONDS, validator=_positive("target_seconds")
    )

    def write(
        self,
        prop: Property,
        purpose: VideoPurpose,
        *,
        tone: str = "warm",
        language: str = "en",
        max_chars: int = 1500,
    ) -> ScriptDraft:
        """A template script for `prop`, fitted to `max_chars` and the target duration."""
        language = check_language(language)
        text = template_script(
            prop,
            purpose,
            tone=tone,
            max_chars=max_chars,
            target_seconds=self.target_seconds,
            words_per_minute=self.words_per_minute,
        )
        notice = None
        if language.lower().replace("_", "-").split("-")[0] != "en":
            notice = f"templates are written in English; {language} needs the LLM writer"
        seconds = estimate_seconds(text, self.words_per_minute)
        return ScriptDraft(text=text, source="template", estimated_seconds=seconds, notice=notice)
