"""
Cell parsing for ad exports: numbers in any of the locales ad platforms write, and days.

Numbers: thousands separators (`,` `.` space, no-break space, apostrophe), `%`, currency
symbols or codes around the figure, decimal point or decimal comma. Which one a file uses is
decided per file by `NumberStyle` from unambiguous cells (`1,5`, `1.234,56`, `12.5`,
`1,234,567`). A lone separator followed by exactly three digits (`1,234`, `1.234`) is
ambiguous: it is the decimal separator only when the file is known to use that separator for
decimals; otherwise it is read as a thousands separator (the columns we keep are counts and
money with at most two decimals, so a three-digit group is a thousands group).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MISSING = frozenset({"", "--", "—", "–", "-", "n/a", "N/A"})
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_NUMERALS = "0123456789.,"


class CellError(ValueError):
    """A cell could not be read; the message says why (the caller adds line and column)."""


# Fast paths once the file's decimal separator is known: plain figures with optional grouping.
_AFFIX = "$€£¥₹% \u00a0"
_PLAIN = {
    ".": (re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"), str.maketrans("", "", ",")),
    ",": (re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"), str.maketrans(",", ".", ".")),
}


class _NotNumber(Exception):
    """Internal: the cell is not a number (number() adds the cell to the message)."""


class NumberStyle:
    """The decimal separator of one file: None until a cell shows it unambiguously."""

    __slots__ = ("decimal",)

    def __init__(self, decimal: str | None = None) -> None:
        self.decimal = decimal

    def observe(self, sep: str) -> None:
        """Record that `sep` is the decimal separator; reject a file that mixes both."""
        if self.decimal is None:
            self.decimal = sep
        elif self.decimal != sep:
            name = "decimal comma" if self.decimal == "," else "decimal point"
            raise CellError(f"does not fit the file's number format ({name})")


def number(cell: str, style: NumberStyle) -> Decimal | None:
    """Parse a numeric cell; None for a blank or `--`/`—`; CellError when it is not a number."""
    if cell.isdigit() and cell.isascii():  # fast paths: `42`, and `12.5` once the file's
        return Decimal(cell)  # decimal separator is known
    dec = style.decimal
    if dec is not None:
        whole, sep, frac = cell.partition(dec)
        if sep and whole.isdigit() and frac.isdigit() and cell.isascii():
            return Decimal(cell if dec == "." else f"{whole}.{frac}")
    return _number(cell.strip(), style)


def _number(s: str, style: NumberStyle) -> Decimal | None:
    if s in MISSING:
        return None
    if s.isdigit() and s.isascii():
        return Decimal(s)
    plain = _PLAIN.get(style.decimal)  # type: ignore[arg-type]
    if plain is not None:
        core = s.strip(_AFFIX)
        if plain[0].fullmatch(core):
            return Decimal(core.translate(plain[1]))
    try:
        negative, body = _unwrap(s)
        value = Decimal(_canonical(body, style))
    except (_NotNumber, InvalidOperation):
        raise CellError(f"{s!r} is not a number") from None
    return -value if negative else value


def count(cell: str, style: NumberStyle) -> int | None:
    """Parse a whole, non-negative number (impressions, clicks)."""
    if cell.isdigit() and cell.isascii():
        return int(cell)
    s = cell.strip()
    if s.isdigit() and s.isascii():
        return int(s)
    value = number(s, style)
    if value is None:
        return None
    if value < 0:
        raise CellError("must not be negative")
    if value != value.to_integral_value():
        raise CellError(f"{s!r} is not a whole number")
    return int(value)


def amount(cell: str, style: NumberStyle) -> Decimal | None:
    """Parse a non-negative decimal amount (spend, leads, conversions)."""
    value = number(cell, style)
    if value is not None and value < 0:
        raise CellError("must not be negative")
    return value


def _unwrap(s: str) -> tuple[bool, str]:
    """Strip sign, `%`, parentheses and currency symbols or codes; return (negative, digits)."""
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = s.rstrip("%").strip()
    start, end = 0, len(s)
    while start < end and not (s[start].isdigit() or s[start] in ".,"):
        start += 1
    while end > start and not s[end - 1].isdigit():
        end -= 1
    prefix = s[:start]
    if "-" in prefix or "\u2212" in prefix:
        negative = True
        prefix = prefix.replace("-", "").replace("\u2212", "")
    _check_affix(prefix + s[end:])
    return negative, s[start:end]


def _check_affix(affix: str) -> None:
    """Allow around a number: `%`, spaces, currency symbols, a 2-3 letter code (`USD`, `kr`)."""
    letters = symbols = 0
    for ch in affix:
        if ch.isalpha():
            letters += 1
        elif unicodedata.category(ch) == "Sc":
            symbols += 1
        elif not (ch.isspace() or ch in "+%."):
            raise _NotNumber
    if letters > 3 or (letters == 1 and not symbols):
        raise _NotNumber


def _canonical(body: str, style: NumberStyle) -> str:
    """Turn `1.234,56` / `1,234.56` / `1 234,5` into `1234.56`, learning the file's style."""
    body = body.translate(_SPACES)
    if not body or body.strip(_NUMERALS):
        raise _NotNumber
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
        return _split(body, dec, "." if dec == "," else ",", style, learn=True)
    sep = "," if commas else "." if dots else ""
    if not sep:
        return body
    if commas + dots > 1:  # 1,234,567: repeated separator is the thousands one
        style.observe("." if sep == "," else ",")
        return _grouped(body, sep)
    tail = len(body) - body.index(sep) - 1
    if tail == 3 and style.decimal != sep:
        return _grouped(body, sep)
    return _split(body, sep, "", style, learn=tail != 3)


def _split(body: str, dec: str, thousands: str, style: NumberStyle, *, learn: bool) -> str:
    if learn:
        style.observe(dec)
    whole, _, frac = body.rpartition(dec)
    if thousands:
        whole = _grouped(whole, thousands)
    if not frac.isdigit() or (whole and not whole.isdigit()):
        raise _NotNumber
    return f"{whole or '0'}.{frac}"


def _grouped(body: str, sep: str) -> str:
    parts = body.split(sep)
    head, rest = parts[0], parts[1:]
    # groups of three, or Indian lakh grouping (1,23,45,678): the last group has three digits
    if not (
        head.isdigit() and len(head) <= 3 and all(len(p) in (2, 3) and p.isdigit() for p in rest)
    ):
        raise _NotNumber
    if rest and len(rest[-1]) != 3:
        raise _NotNumber
    return "".join(parts)


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january", "ene", "enero", "janeiro", "janv", "janvier"),
            ("feb", "february", "febrero", "fev", "fevereiro", "fév", "févr", "février"),
            ("mar", "march", "marzo", "março", "mars"),
            ("apr", "april", "abr", "abril", "avr", "avril"),
            ("may", "mayo", "mai", "maio"),
            ("jun", "june", "junio", "junho", "juin"),
            ("jul", "july", "julio", "julho", "juil", "juillet"),
            ("aug", "august", "ago", "agosto", "août"),
            ("sep", "sept", "september", "septiembre", "set", "setembro", "septembre"),
            ("oct", "october", "octubre", "out", "outubro", "octobre"),
            ("nov", "november", "noviembre", "novembro", "novembre"),
            ("dec", "december", "dic", "diciembre", "dez", "dezembro", "déc", "décembre"),
        ],
        start=1,
    )
    for name in names
}
_WORDY = re.compile(
    r"(?:[^\W\d]+,?\s+)?(\d{1,2})\.?\s*(?:de\s+)?([^\W\d]+)\.?,?\s+(?:de\s+)?(\d{4})"
)
_WORDY_US = re.compile(r"(?:[^\W\d]+,?\s+)?([^\W\d]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})")


@functools.lru_cache(maxsize=2048)
def day(cell: str) -> date:
    """Parse a day: ISO, `1 February 2026`, `Feb 1, 2026`, `01.02.2026`, unambiguous d/m/y."""
    s = cell.strip()
    if len(s) >= 10 and s[4] == "-" and s[7] == "-":
        try:
            return date.fromisoformat(s[:10])
        except ValueError:
            raise CellError(f"{s!r} is not a date") from None
    try:
        return _other_day(s)
    except CellError:
        raise
    except (ValueError, KeyError):
        raise CellError(f"{s!r} is not a date") from None


def _other_day(s: str) -> date:
    low = s.casefold()
    if m := _WORDY.fullmatch(low):
        return date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if m := _WORDY_US.fullmatch(low):
        return date(int(m[3]), _MONTHS[m[1]], int(m[2]))
    if m := _NUMERIC.fullmatch(s.split(" ")[0]):
        a, sep, b, c = int(m[1]), m[2], int(m[3]), int(m[4])
        if len(m[1]) == 4:
            return date(a, b, c)
        if sep == "." or a > 12:
            return date(c, b, a)
        if b > 12 or a == b:
            return date(c, a, b)
        raise CellError(f"{s!r} is ambiguous (day/month or month/day?): export ISO dates")
    raise ValueError(s)


def day_from_excel(value: object) -> str:
    """Render an XLSX cell as the text a CSV export would hold."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if not value.is_integer() else str(int(value))
    return "" if value is None else str(value)
