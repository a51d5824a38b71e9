"""
Parsing hostile text: the one place where raw input becomes numbers, secrets and JSON.

Every function names the field it reads and raises ValidationError (a 400 in the
web app) for anything it cannot take, so no caller meets the traps below:
- `str.isdigit()` is true for '²' and '٣', which `int()` then refuses or reads;
- `hmac.compare_digest` raises TypeError for a str that is not ASCII;
- `json.loads` recurses, so a deeply nested body raises RecursionError;
- PostgreSQL refuses NUL in text, which surfaced as "cannot reach the database".
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import Any

from revideo.domain.errors import ValidationError

MAX_JSON_DEPTH = 64
_DIGITS = frozenset("0123456789")


def is_ascii_digits(raw: str) -> bool:
    """True for a non-empty run of 0-9 only (not '²', not '٣', not ' 1')."""
    return bool(raw) and all(c in _DIGITS for c in raw)


def whole_number(
    field: str, raw: str, *, minimum: int = 0, maximum: int = 2**63 - 1, max_len: int = 19
) -> int:
    """`raw` (trimmed) as an int from `minimum` to `maximum`, written in ASCII digits."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not is_ascii_digits(text) or len(text) > max_len:
        raise ValidationError(field, f"must be a whole number of {minimum} or more")
    value = int(text)
    if value < minimum:
        raise ValidationError(field, f"must be a whole number of {minimum} or more")
    if value > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return value


def same_secret(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Constant-time equality of two secrets, whatever characters `given` holds."""
    if not given or not expected:
        return False
    return hmac.compare_digest(_bytes(given), _bytes(expected))


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def no_nul(field: str, value: str) -> str:
    """`value` unchanged; ValidationError if it holds a NUL character."""
    if "\x00" in value:
        raise ValidationError(field, "must not contain NUL characters")
    return value


def first_nul(pairs: Iterable[tuple[str, Any]]) -> str | None:
    """The name of the first (name, value) pair with a NUL in either, if any."""
    for name, value in pairs:
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            return name.replace("\x00", "\\0")[:100]
    return None


def json_depth(body: bytes | str) -> int:
    """How deeply arrays and objects nest in a JSON text (counted without recursing)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def json_document(field: str, body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a JSON text; ValidationError naming `field` if it is not JSON or nests too deep."""
    if json_depth(body) > max_depth:
        raise ValidationError(field, f"nests deeper than {max_depth} levels")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationError(field, "is not valid JSON") from None
