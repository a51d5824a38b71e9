"""revideo.domain.parsing: any text in, a value or a ValidationError naming the field out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revideo.domain.errors import ValidationError
from revideo.domain.parsing import (
    first_nul,
    json_depth,
    json_document,
    same_secret,
    whole_number,
)


@given(st.text(max_size=30))
def test_whole_number_takes_ascii_digits_or_names_the_field(raw: str) -> None:
    try:
        value = whole_number("beds", raw)
    except ValidationError as exc:
        assert exc.field == "beds"
        stripped = raw.strip()
        assert not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 19)
    else:
        assert set(raw.strip()) <= set("0123456789") and value == int(raw.strip())


@pytest.mark.parametrize("raw", ["²", "٣", "１２", "1²", "", " ", "-1", "+1", "1_000", "1.0"])
def test_lookalike_digits_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        whole_number("page", raw, minimum=1)
    assert caught.value.field == "page"


def test_bounds_are_kept() -> None:
    assert whole_number("page", " 7 ", minimum=1, maximum=7) == 7
    for raw in ("0", "8"):
        with pytest.raises(ValidationError):
            whole_number("page", raw, minimum=1, maximum=7)


@given(st.text(max_size=20), st.text(max_size=20))
def test_same_secret_never_raises_and_is_equality(a: str, b: str) -> None:
    assert same_secret(a, b) == (a == b and a != "")
    assert same_secret(a, a.encode()) == (a != "")


def documents() -> Any:
    leaf = st.one_of(st.none(), st.integers(), st.text(alphabet='ab"\\[]{}', max_size=5))
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.lists(kids, max_size=3),
            st.dictionaries(st.text(alphabet='k"[{\\', max_size=3), kids, max_size=3),
        ),
        max_leaves=20,
    )


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(documents())
def test_json_depth_counts_nesting_without_being_fooled_by_strings(value: Any) -> None:
    text = json.dumps(value)
    assert json_depth(text) == depth(value)
    assert json_document("body", text) == value


@pytest.mark.parametrize("body", [b"[" * 100_000, b"{" * 5000, b"not json", b"\xff\xfe"])
def test_json_document_refuses_by_field(body: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        json_document("body", body)
    assert caught.value.field == "body"


def test_first_nul_names_the_field() -> None:
    assert first_nul([("city", "Austin"), ("q", "a\x00b")]) == "q"
    assert first_nul([("a\x00", "x")]) == "a\\0"
    assert first_nul([("city", "Austin")]) is None
