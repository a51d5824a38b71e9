"""The chat prompt for a script, and the checks its answer must pass."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from revideo.domain.property import Property
from revideo.domain.scripts import fit_to_length, split_sentences
from revideo.domain.spoken import say_area, say_money, untraced
from revideo.domain.video import VideoPurpose

SYSTEM = (
    "You write short, natural voice-over scripts for real-estate marketing videos, read "
    "aloud by an AI presenter. You use only the facts you are given. You never invent "
    "numbers, prices, sizes, distances, dates, phone numbers or features."
)
TONES = {
    "warm": "warm and welcoming",
    "luxury": "refined and upscale; elegant, never florid",
    "concise": "brief and factual, in short sentences",
}
SLIGHTLY_OVER = 1.25  # an answer up to 25% too long is trimmed; a longer one is refused


class Unusable(Exception):
    """The answer cannot be used as a script; the message says why."""


def _facts(prop: Property, purpose: VideoPurpose) -> list[str]:
    specs, lines = prop.specs, [f"Title: {prop.title}", f"Category: {prop.category.value}"]
    if place := prop.address.one_line():
        lines.append(f"Location: {place}")
    if specs.price:
        label = "Monthly rent" if purpose is VideoPurpose.RENT else "Asking price"
        exact = f"{specs.price:,.2f}".removesuffix(".00")
        lines.append(f"{label}: {say_money(specs.price)} (exactly ${exact})")
    if specs.area:
        lines.append(f"Area: {say_area(specs.area)}")
    if specs.beds == 0:
        lines.append("Bedrooms: none (a studio)")
    elif specs.beds:
        lines.append(f"Bedrooms: {specs.beds}")
    if specs.baths:
        lines.append(f"Bathrooms: {specs.baths.normalize():f}")
    if specs.amenities:
        lines.append(f"Amenities: {', '.join(specs.amenities)}")
    if prop.description:
        lines.append(f"Description: {' '.join(prop.description.split())}")
    return lines


def user_message(
    prop: Property,
    purpose: VideoPurpose,
    *,
    tone: str,
    language: str,
    seconds: float,
    words: int,
    max_chars: int,
) -> str:
    """The request: the property's facts only, the length target, tone and language."""
    goal = "sell" if purpose is VideoPurpose.SALE else "rent out"
    facts = "\n".join(f"- {line}" for line in _facts(prop, purpose))
    return (
        f"Write the voice-over for a video that helps {goal} this {prop.category.value} "
        f"property.\nLength: about {seconds:g} seconds spoken, about {words} words, and never "
        f"more than {max_chars} characters.\nTone: {TONES[tone]}.\n"
        f"Language: write the whole script in the language with code '{language}'.\n"
        "Open with a hook, cover the highlights below, end with a call to action.\n"
        f"Facts (use only these; mention nothing that is not listed):\n{facts}\n"
        "Any number you use must be one of the numbers above; prices may be said like "
        "$1.25 million, counts in words or digits.\n"
        "Reply with only the words to be spoken: plain text, no title, headings, lists, "
        "markdown, emojis, sound cues or stage directions."
    )


_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$")
_LABEL = re.compile(r"^(?:script|voice-?over|narration)\s*:\s*", re.IGNORECASE)


def clean(answer: str, *, cut_off: bool) -> str:
    """The spoken text of an answer: reasoning, markup, labels and quotes removed."""
    text = _FENCE.sub("", _THINK.sub("", answer).strip())
    text = re.sub(r"\*\*|__|^#+\s*", "", text, flags=re.MULTILINE)
    text = _LABEL.sub("", " ".join(text.split()))
    if len(text) > 1 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    if cut_off and text and text[-1] not in ".!?…\"'”’)":
        text = " ".join(split_sentences(text)[:-1])  # the last sentence was cut mid-way
    return text


def vet(text: str, facts: Iterable[Decimal], max_chars: int) -> tuple[str, str | None]:
    """The script to use and a notice, or Unusable if the answer fails a check."""
    if not text:
        raise Unusable("gave an empty answer")
    if invented := untraced(text, facts):
        said = ", ".join(dict.fromkeys(m.text for m in invented[:5]))
        raise Unusable(f"used numbers that are not in the listing ({said})")
    if len(text) <= max_chars:
        return text, None
    if len(text) > max_chars * SLIGHTLY_OVER:
        raise Unusable(f"wrote {len(text)} characters, well over the {max_chars} limit")
    trimmed = fit_to_length(text, max_chars)
    if not trimmed:
        raise Unusable(f"wrote a first sentence longer than the {max_chars} limit")
    return trimmed, f"LLM script trimmed from {len(text)} to {len(trimmed)} characters"
