"""Personal access tokens for the JSON API: what is kept of them, and their rules."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import attrs

from revideo.domain.errors import ValidationError

TOKEN_PREFIX = "rvd_"
MAX_NAME = 100


class TokenScope(enum.Enum):
    """read: GET only; write: every verb."""

    READ = "read"
    WRITE = "write"


@attrs.frozen
class ApiToken:
    """A stored token: only its hash and a short prefix (to recognise it) are kept."""

    id: str
    user_id: str
    name: str
    scope: TokenScope
    token_hash: str
    prefix: str
    created_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def live(self, now: datetime) -> bool:
        """Neither revoked nor expired at `now`."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def allows(self, method: str) -> bool:
        """A read token may only read (GET/HEAD/OPTIONS)."""
        return self.scope is TokenScope.WRITE or method.upper() in ("GET", "HEAD", "OPTIONS")


def hash_token(token: str) -> str:
    """The SHA-256 of a token, hex: tokens are long random strings, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Our shape (`rvd_` + url-safe characters), before any lookup."""
    body = token.removeprefix(TOKEN_PREFIX)
    return (
        token.startswith(TOKEN_PREFIX)
        and 20 <= len(body) <= 100
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in body)
    )


def token_name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise ValidationError("name", "is required")
    if len(name) > MAX_NAME:
        raise ValidationError("name", f"must be at most {MAX_NAME} characters")
    return name


def token_scope(raw: str) -> TokenScope:
    try:
        return TokenScope(raw.strip().lower())
    except ValueError:
        raise ValidationError("scope", "must be read or write") from None
