"""One number formatting, and money fields that take what people type."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revideo.domain.errors import ValidationError
from revideo.domain.numbers import amount, count, counted, credits, money, percent
from revideo.domain.property import Specs

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@settings(max_examples=100)
@given(value=amounts)
def test_money_as_shown_reads_back_as_the_same_amount(value: Decimal) -> None:
    shown = money(value)
    assert shown.startswith("$")
    assert Decimal(amount(shown)) == value
    assert Decimal(amount(shown.replace("$", "$ ").replace(",", " "))) == value


@settings(max_examples=100)
@given(value=st.integers(0, 10**12))
def test_counts_as_shown_read_back(value: int) -> None:
    assert int(amount(count(value))) == value


@pytest.mark.parametrize(
    ("typed", "price"),
    [("$ 895,000", "895000"), ("$30", "30"), ("895000", "895000"), ("1 250.50", "1250.50"),
     ("€1,234.5", "1234.5"), ("12,345,678.00 $", "12345678.00")],
)  # fmt: skip
def test_a_price_field_takes_what_people_type(typed: str, price: str) -> None:
    assert Specs(price=typed).price == Decimal(price)


@pytest.mark.parametrize("typed", ["1,5", "12,34,567", "$$5", "five", "1.2.3", "$-3"])
def test_a_price_field_still_refuses_what_is_not_a_price(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        Specs(price=typed)
    assert err.value.field == "specs.price"


def test_the_one_formatting() -> None:
    assert money(Decimal("895000")) == "$895,000"
    assert money(Decimal("25.5")) == "$25.50"
    assert money(Decimal("30.125")) == "$30.13"  # half-up, like the analytics formulas
    assert money(None) == "—"
    assert count(5000) == "5,000"
    assert percent(Decimal("0.0123")) == "1.2 %"
    assert credits(Decimal("0.7100")) == "0.71 credits"
    assert credits(1) == "1 credit"
    assert counted(1, "lead") == "1 lead" and counted(2000, "lead") == "2,000 leads"
