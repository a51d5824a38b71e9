"""Rules for what an email address and a password must look like."""

from __future__ import annotations

import re

from revideo.domain.errors import AuthError

MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_COMMON = frozenset(
    {"password", "password1", "12345678", "123456789", "qwertyuiop", "iloveyou", "11111111"}
)


def clean_email(email: str) -> str:
    """The address trimmed and lower-cased; AuthError('invalid_email') if it is not one."""
    value = (email or "").strip().lower()
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        raise AuthError("invalid_email", "enter a valid email address")
    return value


def check_password(password: str) -> None:
    """AuthError('weak_password') unless the password is long and mixed enough."""
    if len(password or "") < MIN_PASSWORD:
        raise AuthError("weak_password", f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AuthError("weak_password", f"use at most {MAX_PASSWORD} characters")
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise AuthError("weak_password", "this password is too easy to guess")
    if password.isalpha() or password.isdigit():
        raise AuthError("weak_password", "mix letters with digits or symbols")
