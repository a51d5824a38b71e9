"""
One way to write numbers for people, used by the pages, the exports' headers
and the CLI: money "$895,000" / "$25.50" (whole dollars without cents),
counts "5,000", percentages "1.2 %", credits "0.71 credits", and the
plural that goes with a count ("1 lead", "2 leads").

And the other way: `amount` reads what people type in a money field
("$ 895,000", "$30", "1 250.50") as a Decimal.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

DASH = "—"  # shown where a figure is unknown
CENT = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money(value: Any, *, cents: bool | None = None) -> str:
    """'$895,000', '$25.50', '-$3.10'; cents are shown unless `cents=False`, or when
    `cents` is None (the default) only if the amount has any."""
    number = _decimal(value)
    if number is None:
        return DASH
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    whole = rounded == rounded.to_integral_value()
    show = cents if cents is not None else not whole
    text = f"{abs(rounded):,.2f}" if show else f"{abs(rounded):,.0f}"
    return ("-$" if rounded < 0 else "$") + text


def count(value: Any) -> str:
    """'5,000' ('—' when unknown)."""
    number = _decimal(value)
    if number is None:
        return DASH
    return f"{number.quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"


def percent(ratio: Any, places: int = 1) -> str:
    """A ratio as a percentage: 0.0123 → '1.2 %' ('—' when unknown)."""
    number = _decimal(ratio)
    if number is None:
        return DASH
    step = Decimal(1).scaleb(-places)
    return f"{(number * 100).quantize(step, rounding=ROUND_HALF_UP):,.{places}f} %"


def credits(value: Any) -> str:
    """'0.71 credits', '1 credit', '12.5 credits' (at most two decimals, no trailing zeros)."""
    number = _decimal(value)
    if number is None:
        return DASH
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {'credit' if rounded == 1 else 'credits'}"


def counted(value: Any, noun: str, plural: str | None = None) -> str:
    """'1 lead', '5,000 impressions'."""
    one = _decimal(value) == 1
    return f"{count(value)} {noun if one else (plural or noun + 's')}"


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?|\d{1,3}( \d{3})+(\.\d*)?")
_SIGNS = "$€£¥"


def amount(raw: str) -> str:
    """What people type in a money or count field, made plain for parsing: currency
    signs and spaces around the number go, and thousands separators go where they
    group digits by three ('$ 895,000' → '895000', '1 250.50' → '1250.50').
    Anything else is returned trimmed, for the caller to refuse by name."""
    text = raw.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if text[:1] in _SIGNS:
        text = text[1:].strip()
    elif text[-1:] in _SIGNS:
        text = text[:-1].strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "").replace(" ", "")
    return text
