"""
Map supabase-py's errors (PostgREST, Auth, Storage, httpx) to revideo.domain.errors.

PostgREST passes the database's SQLSTATE through as `code` (42501 RLS or
privilege, 23505 unique, 23503 foreign key, 23514/23502/22xxx bad values);
the constraint's name is only in the message, so it is read from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from revideo.adapters.postgres.errors import REFERENCES, field_of
from revideo.domain.errors import (
    AuthError,
    ConfigError,
    Duplicate,
    Forbidden,
    NotFound,
    RevideoError,
    StorageError,
    TooLarge,
    ValidationError,
)

SETTING = "SUPABASE_URL"
_CONSTRAINT = re.compile(r'constraint "([^"]+)"')
_COLUMN = re.compile(r'column "([^"]+)"')

# Supabase Auth `error_code`s (and older servers' messages) -> Identity's AuthError codes.
AUTH_CODES: Mapping[str, str] = {
    "invalid_credentials": "invalid_credentials",
    "email_not_confirmed": "email_not_confirmed",
    "weak_password": "weak_password",
    "user_already_exists": "user_exists",
    "email_exists": "user_exists",
    "over_request_rate_limit": "rate_limited",
    "over_email_send_rate_limit": "rate_limited",
    "over_sms_send_rate_limit": "rate_limited",
    "email_address_invalid": "invalid_email",
    "email_address_not_authorized": "invalid_email",
    "validation_failed": "invalid_email",
    "otp_expired": "invalid_token",
    "otp_disabled": "invalid_token",
    "bad_jwt": "invalid_token",
    "session_not_found": "invalid_token",
    "session_expired": "invalid_token",
    "refresh_token_not_found": "invalid_token",
    "refresh_token_already_used": "invalid_token",
    "user_not_found": "invalid_token",
    "flow_state_not_found": "invalid_token",
    "flow_state_expired": "invalid_token",
}
_AUTH_MESSAGES = (
    ("invalid login credentials", "invalid_credentials"),
    ("email not confirmed", "email_not_confirmed"),
    ("already registered", "user_exists"),
    ("password should", "weak_password"),
    ("rate limit", "rate_limited"),
    ("invalid email", "invalid_email"),
    ("token has expired or is invalid", "invalid_token"),
)
_AUTH_TEXT = {
    "invalid_credentials": "wrong email or password",
    "email_not_confirmed": "confirm your email address first",
    "weak_password": "this password is too weak",
    "user_exists": "an account with this email exists already",
    "rate_limited": "too many attempts: wait a moment and try again",
    "invalid_email": "enter a valid email address",
    "invalid_token": "this link or session is no longer valid",
    "unavailable": "the sign-in service cannot be reached: try again later",
}


def translate_rest(
    exc: Any,
    *,
    kind: str = "record",
    key: str = "",
    action: str = "change",
    refs: Mapping[str, str] | None = None,
) -> RevideoError:
    """The domain error for one PostgREST APIError about the record being worked on."""
    code = str(getattr(exc, "code", "") or "")
    message = str(getattr(exc, "message", "") or exc)
    constraint = _match(_CONSTRAINT, message)
    if code in ("42501", "PGRST301", "PGRST302"):
        return Forbidden(action, kind, key)
    if code == "23505":
        return Duplicate(kind, key)
    if code == "23503":
        missing = REFERENCES.get(constraint or "", kind)
        return NotFound(missing, (refs or {}).get(missing, key))
    if code in ("23514", "23502") or code.startswith("22"):
        return ValidationError(field_of(constraint, _match(_COLUMN, message)), message)
    if code in ("PGRST116", "PGRST205", "42P01", "42883"):
        return NotFound(kind, key) if code == "PGRST116" else _missing_schema(message)
    if code.startswith("08") or code in ("PGRST000", "PGRST001", "PGRST002"):
        return ConfigError(SETTING, f"the Supabase database cannot be reached: {message}")
    return RevideoError(f"Supabase error {code or '?'}: {message}")


def _missing_schema(message: str) -> ConfigError:
    return ConfigError(
        SETTING, f"the project lacks revideo's schema (run `supabase db push`): {message}"
    )


def _match(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found[1] if found else None


def translate_auth(exc: BaseException) -> AuthError:
    """The Identity port's AuthError for a Supabase Auth (or network) failure."""
    import httpx
    from supabase_auth.errors import AuthApiError, AuthRetryableError, AuthWeakPasswordError

    if isinstance(exc, AuthWeakPasswordError):
        return AuthError("weak_password", exc.message or _AUTH_TEXT["weak_password"])
    if isinstance(exc, AuthRetryableError | httpx.HTTPError):
        return AuthError("unavailable", _AUTH_TEXT["unavailable"])
    code = auth_code(exc) if isinstance(exc, AuthApiError) else "invalid_token"
    return AuthError(code, _AUTH_TEXT[code])


def auth_code(exc: Any) -> str:
    """One AuthError code for an AuthApiError: by error_code, status, then message."""
    found = AUTH_CODES.get(str(getattr(exc, "code", "") or ""))
    if found:
        return found
    status = int(getattr(exc, "status", 0) or 0)
    if status == 429:
        return "rate_limited"
    if status >= 500 or status == 0:
        return "unavailable"
    text = str(getattr(exc, "message", "") or "").lower()
    for needle, code in _AUTH_MESSAGES:
        if needle in text:
            return code
    return "invalid_token"


@contextmanager
def rest_errors(
    kind: str = "record",
    key: str = "",
    *,
    action: str = "change",
    refs: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """Run PostgREST calls, turning their failures into domain errors."""
    import httpx
    from postgrest.exceptions import APIError

    try:
        yield
    except APIError as exc:
        raise translate_rest(exc, kind=kind, key=key, action=action, refs=refs) from exc
    except httpx.HTTPError as exc:
        raise ConfigError(SETTING, f"the Supabase project cannot be reached: {exc}") from exc


@contextmanager
def storage_errors(
    bucket: str, path: str, action: str, too_large: Callable[[], TooLarge] | None = None
) -> Iterator[None]:
    """Run Storage calls: 403 is Forbidden, 404 NotFound, 413 `too_large()`,
    anything else StorageError. (Storage answers HTTP 400 with the real status
    in the body's `statusCode`: supabase-storage-real.md, "Same on both".)"""
    import httpx
    from storage3.exceptions import StorageApiError
    from storage3.utils import StorageException

    try:
        yield
    except StorageApiError as exc:
        raise storage_error(str(getattr(exc, "status", "")), str(exc.message), bucket, path,
                            action, too_large) from exc  # fmt: skip
    except (StorageException, httpx.HTTPError) as exc:
        raise StorageError(f"cannot {action} {bucket}/{path}: {exc}") from exc


def storage_error(
    status: str,
    message: str,
    bucket: str,
    path: str,
    action: str,
    too_large: Callable[[], TooLarge] | None = None,
) -> RevideoError:
    """The domain error for one refusal of Storage, by its (string) status code."""
    if status in ("401", "403"):
        return Forbidden(action, bucket, path)
    if status == "404":
        return NotFound("file", f"{bucket}/{path}")
    if status == "413" and too_large is not None:
        return too_large()
    if status == "400" and "key" in message.lower():
        return ValidationError("path", f"the storage refuses the key {path!r}: {message}")
    return StorageError(f"cannot {action} {bucket}/{path}: {message}")
