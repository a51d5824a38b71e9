"""
Numbers as a narrator says them, and the numbers a text mentions.

The same rules write a script ("$1.25 million", "2,400 square feet", "two and
a half baths") and read one back (`numbers_in`), so a script from any writer
can be checked against a property's facts with `untraced`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import attrs

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_WORD_VALUES = {w: i for i, w in enumerate(_ONES)} | {w: 10 * (i + 2) for i, w in enumerate(_TENS)}
_SUFFIXES = {"k": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6, "bn": 10**9}
# "one" is often not a count: "one of a kind", "the one", "no one".
_ONE_AFTER = frozenset({"of", "another"})
_ONE_BEFORE = frozenset({"the", "no", "this", "that", "any", "every", "each", "which", "lucky"})
_BATH_WORDS = frozenset({"bath", "baths", "bathroom", "bathrooms"})
WORDS_IN_WORDS = 20  # counts up to this are spelled out

ONE = Decimal(1)
HALF = Decimal("0.5")


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    """`value` rounded half-up to a multiple of `quantum`."""
    return (value / quantum).quantize(ONE, rounding=ROUND_HALF_UP) * quantum


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 1.50 -> '1.5', 1E+1 -> '10'."""
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def words_for(n: int) -> str:
    """`n` in English words: 2400 -> 'two thousand four hundred'."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {words_for(rest)}" if rest else "")
    for name, size in reversed(_SCALES.items()):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{words_for(head)} {name}" + (f" {words_for(rest)}" if rest else "")
    raise AssertionError("unreachable")


def say_money(amount: Decimal) -> str:
    """A price as said aloud: '$1.25 million', '$850,000', '$1,850.50'."""
    for name, size in (("billion", 10**9), ("million", 10**6)):
        scaled = round_to(amount / size, Decimal("0.01"))
        if scaled >= 1:
            return f"${_plain(scaled)} {name}"
    if amount != amount.to_integral_value() and amount < 10_000:
        return f"${amount.quantize(Decimal('0.01')):,}"
    return f"${round_to(amount, ONE):,.0f}"


def say_area(area: Decimal) -> str:
    """An area in square feet: '2,400 square feet'; small fractions kept: '0.5 square feet'."""
    whole = round_to(area, ONE)
    number = _plain(area) if whole < 10 and whole != area else f"{whole:,.0f}"
    return f"{number} square {'foot' if area == 1 else 'feet'}"


def say_count(n: int, singular: str, plural: str) -> str:
    """'one bedroom', 'three bedrooms'; digits above twenty: '24 bedrooms'."""
    number = words_for(n) if n <= WORDS_IN_WORDS else f"{n:,}"
    return f"{number} {singular if n == 1 else plural}"


def say_baths(baths: Decimal) -> str:
    """'one bath', 'two and a half baths', 'a half bath'."""
    whole = int(baths)
    if whole == 0:
        return "a half bath"
    if baths == whole:
        return say_count(whole, "bath", "baths")
    number = words_for(whole) if whole <= WORDS_IN_WORDS else f"{whole:,}"
    return f"{number} and a half baths"


@attrs.frozen
class Mention:
    """A number a text mentions: its value and the precision it was said with."""

    value: Decimal
    quantum: Decimal
    text: str

    def matches(self, fact: Decimal) -> bool:
        """True if `fact`, rounded to this mention's precision, is what was said."""
        try:
            return round_to(fact, self.quantum) == self.value
        except InvalidOperation:  # too many digits to round: only an exact match counts
            return fact == self.value


_TOKEN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|[A-Za-z]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


@attrs.frozen
class _Tok:
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        return self.text.lower()

    @property
    def digits(self) -> bool:
        return self.text[0].isdigit()


def _tokens(text: str) -> list[_Tok]:
    """Words and digit runs; a malformed comma group like '3,4' splits into numbers."""
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        raw, start = m.group().rstrip(","), m.start()
        if raw[0].isdigit() and "," in raw and not _GROUPED.fullmatch(raw):
            for part in re.finditer(r"[0-9]+(?:\.[0-9]+)?", raw):
                toks.append(_Tok(part.group(), start + part.start(), start + part.end()))
        else:
            toks.append(_Tok(raw, start, start + len(raw)))
    return toks


class _Scanner:
    """Reads the numbers out of one text, left to right."""

    def __init__(self, text: str) -> None:
        self.text, self.toks, self.i = text, _tokens(text), 0

    def at(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def joined(self, i: int, *, hyphen: bool = False, tight: bool = False) -> bool:
        """True if token i exists and only a space (or hyphen) separates it from i-1."""
        if i >= len(self.toks) or i == 0:
            return False
        gap = self.text[self.toks[i - 1].end : self.toks[i].start]
        if tight:
            return gap == ""
        core = gap.replace("-", "") if hyphen else gap
        return gap != "" and core.strip() == ""

    def scan(self) -> list[Mention]:
        found: list[Mention] = []
        while self.i < len(self.toks):
            start = self.i
            got = self.number()
            if got is None:
                self.i = start + 1
                continue
            value, quantum = self.half(*got)
            value, quantum = self.scale(value, quantum)
            span = self.text[self.toks[start].start : self.toks[self.i - 1].end]
            found.append(Mention(value, quantum, span))
        return found

    def number(self) -> tuple[Decimal, Decimal] | None:
        tok = self.toks[self.i]
        if tok.digits:
            self.i += 1
            raw = tok.text.replace(",", "")
            places = len(raw.partition(".")[2])
            return Decimal(raw), Decimal(1).scaleb(-places)
        if tok.word == "half" and (nxt := self.at(self.i + 1)) and nxt.word in _BATH_WORDS:
            self.i += 1
            return HALF, HALF
        return self.words()

    def words(self) -> tuple[Decimal, Decimal] | None:
        total = current = 0
        j = self.i
        while (tok := self.at(j)) is not None and (j == self.i or self.joined(j, hyphen=True)):
            w = tok.word
            if w in _WORD_VALUES:
                if current % 100 and not (current % 10 == 0 and _WORD_VALUES[w] < 10):
                    break  # "four twenty" is two numbers
                current += _WORD_VALUES[w]
            elif w == "hundred":
                current = max(current, 1) * 100
            elif w in _SCALES:
                total, current = total + max(current, 1) * _SCALES[w], 0
            elif w == "and" and j > self.i and self.toks[j - 1].word in ("hundred", *_SCALES):
                if not ((n := self.at(j + 1)) and n.word in _WORD_VALUES and self.joined(j + 1)):
                    break
            else:
                break
            j += 1
        if j == self.i or self._lone_one(j):
            return None
        self.i = j
        return Decimal(total + current), ONE

    def _lone_one(self, end: int) -> bool:
        if end != self.i + 1 or self.toks[self.i].word != "one":
            return False
        before, after = self.at(self.i - 1), self.at(end)
        return bool((after and after.word in _ONE_AFTER) or (before and before.word in _ONE_BEFORE))

    def _run_joined(self, n: int) -> bool:
        return all(self.joined(self.i + k) for k in range(n))

    def half(self, value: Decimal, quantum: Decimal) -> tuple[Decimal, Decimal]:
        """'two and a half' -> 2.5."""
        words = [self.at(self.i + k) for k in range(3)]
        said = [t.word if t else "" for t in words]
        if quantum == ONE and said == ["and", "a", "half"] and self._run_joined(3):
            self.i += 3
            return value + HALF, HALF
        return value, quantum

    def scale(self, value: Decimal, quantum: Decimal) -> tuple[Decimal, Decimal]:
        """'1.25 million', '850k', '$2M'."""
        tok = self.at(self.i)
        if tok is None:
            return value, quantum
        size = _SCALES.get(tok.word) if self.joined(self.i) else None
        if size is None and self.joined(self.i, tight=True) and self.toks[self.i - 1].digits:
            size = _SUFFIXES.get(tok.word)
        if size is None:
            return value, quantum
        self.i += 1
        return value * size, quantum * size


def numbers_in(text: str) -> tuple[Mention, ...]:
    """Every number `text` mentions, in digits or words: '2,400', 'two and a half', '$1.2M'."""
    return tuple(_Scanner(text).scan())


def untraced(text: str, facts: Iterable[Decimal]) -> tuple[Mention, ...]:
    """The numbers in `text` that no fact accounts for (allowing for the rounding said)."""
    known = tuple(facts)
    return tuple(m for m in numbers_in(text) if not any(m.matches(f) for f in known))


def _spoken_words(token: str) -> int:
    raw = token.replace(",", "")
    if not raw[0].isdigit():
        return 1
    whole, _, frac = raw.partition(".")
    n = int(whole[-12:] or 0)
    return len(words_for(n).replace("-", " ").split()) + (1 + len(frac) if frac else 0)


def estimate_seconds(text: str, words_per_minute: float = 150.0) -> float:
    """Seconds a narrator needs for `text` at `words_per_minute`, numbers read out in full."""
    words = sum(_spoken_words(t) for t in _TOKEN.findall(text))
    words += text.count("$")  # "dollars"
    pauses = len(re.findall(r"[.!?;:]+(?:\s|$)", text))
    return round(words * 60.0 / words_per_minute + 0.2 * pauses, 1)
