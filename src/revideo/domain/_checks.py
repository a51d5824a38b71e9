"""Small validators shared by the domain values."""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from revideo.domain.errors import FormErrors, ValidationError
from revideo.domain.numbers import amount
from revideo.domain.parsing import is_ascii_digits

E = TypeVar("E", bound=enum.Enum)


def parse_enum(field: str, kind: type[E], value: Any) -> E:
    """Return the member of `kind` named by `value`, or raise ValidationError(field)."""
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        names = ", ".join(str(m.value) for m in kind)
        raise ValidationError(field, f"must be one of {names}") from None


def text(field: str, value: Any, *, max_len: int, required: bool = False) -> str:
    """Return `value` stripped; reject non-strings, blanks where required, overlong text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    result: str = value.strip()
    if required and not result:
        raise ValidationError(field, "is required")
    if len(result) > max_len:
        raise ValidationError(field, f"must be at most {max_len} characters")
    if "\x00" in result:
        raise ValidationError(field, "must not contain NUL characters")
    return result


def decimal(field: str, value: Any, *, places: int, maximum: Decimal) -> Decimal:
    """Parse a finite, non-negative Decimal with at most `places` decimals."""
    if isinstance(value, bool):
        raise ValidationError(field, "must be a number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(amount(str(value)))
    except (InvalidOperation, ValueError):
        raise ValidationError(field, "must be a number, e.g. 895000 or $895,000") from None
    if not number.is_finite():
        raise ValidationError(field, "must be a finite number")
    if number < 0:
        raise ValidationError(field, "must not be negative")
    if number > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise ValidationError(field, f"must have at most {places} decimal places")
    return number.quantize(step)


def count(field: str, value: Any, *, maximum: int = 2**63 - 1) -> int:
    """Parse a whole number from 0 to `maximum`."""
    if isinstance(value, bool):
        raise ValidationError(field, "must be a whole number")
    if isinstance(value, str):
        value = amount(value)
        if not is_ascii_digits(value):
            raise ValidationError(field, "must be a whole number, 0 or more")
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if value < 0:
        raise ValidationError(field, "must not be negative")
    if value > maximum:
        raise ValidationError(field, f"must be at most {maximum}")
    return value


T = TypeVar("T")


def build_all(kind: type[T], **values: Any) -> T:
    """Build an attrs value, reporting every field its converters refuse at once
    (FormErrors) rather than the first; rules across fields are checked after."""
    errors: dict[str, str] = {}
    for f in attrs.fields(kind):  # type: ignore[arg-type]
        convert = f.converter
        if f.name in values and callable(convert):
            try:
                convert(values[f.name])
            except ValidationError as exc:
                errors.setdefault(exc.field, exc.message)
    if errors:
        raise FormErrors(errors)
    return kind(**values)
