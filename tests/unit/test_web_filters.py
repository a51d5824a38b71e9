"""The web app's number filters: exact, plain, and rounded the way the analytics round."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from revideo.entrypoints.web import cents, plain

numbers = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)


@given(numbers)
def test_plain_is_the_same_number_without_trailing_zeros_or_exponents(value: Decimal) -> None:
    text = plain(value)
    assert Decimal(text) == value
    assert "E" not in text and not text.endswith(".")
    assert "." not in text or not text.endswith("0")


def test_plain_examples() -> None:
    assert [plain(Decimal(v)) for v in ("3.0", "2.50", "300", "0.0")] == ["3", "2.5", "300", "0"]


def test_cents_round_half_up() -> None:
    assert [cents(Decimal(v)) for v in ("30.125", "1234.5", "0.004")] == [
        "30.13",
        "1,234.50",
        "0.00",
    ]
