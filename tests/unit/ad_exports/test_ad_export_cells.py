"""Cell parsing: numbers in every locale the platforms write, and days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from revideo.adapters.ad_exports._numbers import CellError, NumberStyle, count, day, number


@pytest.mark.parametrize(
    ("cell", "value", "learned"),
    [
        ("1474.71", "1474.71", "."),
        ("1,234.56", "1234.56", "."),
        ("1.234,56", "1234.56", ","),
        ("1,5", "1.5", ","),
        ("12.5", "12.5", "."),
        ("1,234,567", "1234567", "."),
        ("1.234.567", "1234567", ","),
        ("1 234,56", "1234.56", ","),
        ("1\u202f234,56", "1234.56", ","),
        ("1'234.50", "1234.50", "."),
        ("1,23,456.78", "123456.78", "."),
        ("$1,234.56", "1234.56", "."),
        ("US$ 12.00", "12.00", "."),
        ("R$ 1.234,56", "1234.56", ","),
        ("1.234,56 €", "1234.56", ","),
        ("12.00 EUR", "12.00", "."),
        ("3.45%", "3.45", "."),
        ("3,45 %", "3.45", ","),
        ("1,234", "1234", None),  # ambiguous: thousands until the file says otherwise
        ("1.234", "1234", None),
        ("42", "42", None),
        ("-5", "-5", None),
        ("(12.50)", "-12.50", "."),
    ],
)
def test_numbers(cell: str, value: str, learned: str | None) -> None:
    style = NumberStyle()
    assert number(cell, style) == Decimal(value)
    assert style.decimal == learned


@pytest.mark.parametrize("cell", ["", "  ", "--", "—", "–", "-", "n/a"])
def test_missing(cell: str) -> None:
    assert number(cell, NumberStyle()) is None


def test_ambiguous_group_follows_the_file_style() -> None:
    assert number("1,234", NumberStyle(",")) == Decimal("1.234")
    assert number("1,234", NumberStyle(".")) == Decimal("1234")
    assert number("1.234", NumberStyle(",")) == Decimal("1234")
    assert number("1.234", NumberStyle(".")) == Decimal("1.234")


@pytest.mark.parametrize(
    "cell", ["1e5", "abc", "1,2,3", "12a", "1.2.3,4,5", "USDX 1", "NaN", "inf", "0x10"]
)
def test_not_numbers(cell: str) -> None:
    with pytest.raises(CellError, match="not a number"):
        number(cell, NumberStyle())


def test_contradicting_style() -> None:
    with pytest.raises(CellError, match="decimal comma"):
        number("2.75", NumberStyle(","))


def test_counts() -> None:
    assert count("12,345", NumberStyle()) == 12345
    assert count("1.000", NumberStyle(",")) == 1000
    with pytest.raises(CellError, match="whole"):
        count("1.5", NumberStyle())
    with pytest.raises(CellError, match="negative"):
        count("-1", NumberStyle())


@pytest.mark.parametrize(
    "cell",
    [
        "2026-02-01",
        "2026-02-01 00:00:00",
        "2026/02/01",
        "01.02.2026",
        "1 February 2026",
        "1 Feb 2026",
        "Feb 1, 2026",
        "February 1, 2026",
        "Sunday, February 1, 2026",
        "1 de febrero de 2026",
        "1 fév. 2026",
        "1 févr. 2026",
    ],
)
def test_days(cell: str) -> None:
    assert day(cell) == date(2026, 2, 1)


def test_slash_days_only_when_unambiguous() -> None:
    assert day("13/02/2026") == date(2026, 2, 13)
    assert day("02/13/2026") == date(2026, 2, 13)
    assert day("02/02/2026") == date(2026, 2, 2)
    with pytest.raises(CellError, match="ambiguous"):
        day("01/02/2026")


@pytest.mark.parametrize("cell", ["2026-02-30", "yesterday", "32 January 2026", "Foo 1, 2026"])
def test_not_days(cell: str) -> None:
    with pytest.raises(CellError):
        day(cell)
