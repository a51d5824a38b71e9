"""Numbers said the way a narrator says them, and read back out of text."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

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


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("1250000", "$1.25 million"),
        ("1000000", "$1 million"),
        ("1500000", "$1.5 million"),
        ("12345678", "$12.35 million"),
        ("999999.99", "$1 million"),
        ("2000000000", "$2 billion"),
        ("999995000", "$1 billion"),
        ("850000", "$850,000"),
        ("994999", "$994,999"),
        ("2500", "$2,500"),
        ("1850.50", "$1,850.50"),
        ("12.5", "$12.50"),
        ("250000.40", "$250,000"),
    ],
)
def test_prices_are_said_naturally(amount, said):
    assert say_money(D(amount)) == said


@pytest.mark.parametrize(
    ("area", "said"),
    [
        ("2400", "2,400 square feet"),
        ("2400.50", "2,401 square feet"),
        ("1", "1 square foot"),
        ("0.5", "0.5 square feet"),
        ("125000", "125,000 square feet"),
    ],
)
def test_areas_are_said_in_square_feet(area, said):
    assert say_area(D(area)) == said


@pytest.mark.parametrize(
    ("baths", "said"),
    [
        ("2.5", "two and a half baths"),
        ("1", "one bath"),
        ("0.5", "a half bath"),
        ("3", "three baths"),
        ("1.5", "one and a half baths"),
        ("24.5", "24 and a half baths"),
    ],
)
def test_baths_are_said_in_halves(baths, said):
    assert say_baths(D(baths)) == said


def test_counts_are_spelled_out_up_to_twenty():
    assert say_count(1, "bedroom", "bedrooms") == "one bedroom"
    assert say_count(3, "bedroom", "bedrooms") == "three bedrooms"
    assert say_count(20, "bedroom", "bedrooms") == "twenty bedrooms"
    assert say_count(21, "bedroom", "bedrooms") == "21 bedrooms"
    assert say_count(1200, "unit", "units") == "1,200 units"


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (15, "fifteen"),
        (42, "forty-two"),
        (100, "one hundred"),
        (2400, "two thousand four hundred"),
        (1_000_001, "one million one"),
    ],
)
def test_words_for(n, words):
    assert words_for(n) == words


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("$1.25 million", ["1250000"]),
        ("2,400 square feet", ["2400"]),
        ("two and a half baths and three bedrooms", ["2.5", "3"]),
        ("a half bath", ["0.5"]),
        ("half a mile away", []),
        ("one of a kind, the one you want", []),
        ("one bedroom", ["1"]),
        ("twenty-four units", ["24"]),
        ("one hundred and five", ["105"]),
        ("four twenty", ["4", "20"]),
        ("$850k or $2M or $1.2m", ["850000", "2000000", "1200000"]),
        ("built in the 1920s, a 3BR", ["1920", "3"]),
        ("beds 3,4", ["3", "4"]),
        ("24 and a half baths", ["24.5"]),
        ("pool, 2, and a half court", ["2"]),
        ("Call 555-1234", ["555", "1234"]),
        ("no numbers at all", []),
    ],
)
def test_numbers_in_reads_digits_words_and_scales(text, values):
    assert [m.value for m in numbers_in(text)] == [D(v) for v in values]


def test_a_mention_keeps_the_precision_it_was_said_with():
    (m,) = numbers_in("$1.25 million")
    assert (m.value, m.quantum, m.text) == (D(1250000), D(10000), "1.25 million")


def test_rounded_mentions_trace_to_the_fact_they_round():
    facts = [D("1249999.99"), D("2400.50"), D("2.5")]
    assert untraced("$1.25 million, 2,401 square feet, two and a half baths", facts) == ()
    assert untraced("$1.3 million", [D(1250000)]) == ()  # 1.25 rounds half up
    assert untraced("$1.2 million", facts) == ()  # 1.2499... rounds down
    bad = untraced("$1.2 million and 2,400 square feet and 4 garages", [D(1250000), *facts[1:]])
    assert [m.text for m in bad] == ["1.2 million", "2,400", "4"]


def test_an_unroundable_huge_fact_only_matches_exactly():
    huge = D("9" * 60)
    assert untraced("9" * 60, [huge]) == ()
    assert len(untraced("5", [huge])) == 1


def test_estimate_counts_numbers_as_spoken_words():
    assert estimate_seconds("word " * 150, 150) == 60.0
    # one point two five million dollars: six words
    assert estimate_seconds("$1.25 million", 60) == 6.0
    # two thousand four hundred square feet: six words
    assert estimate_seconds("2,400 square feet", 60) == 6.0


def test_estimate_adds_a_pause_per_sentence():
    assert estimate_seconds("Hello there. Hello there.", 60) > estimate_seconds(
        "Hello there hello there", 60
    )
