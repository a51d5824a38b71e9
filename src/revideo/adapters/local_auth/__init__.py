"""
revideo's own auth (the Identity port) for backends without an auth service:
argon2 password hashes, mailed confirmation and reset links, over the
in-memory database or PostgreSQL's `auth.users`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from revideo.adapters.local_auth.identity import LocalIdentity
from revideo.adapters.local_auth.store import CredentialStore
from revideo.ports.mailer import Mailer

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = ["LocalIdentity", "LocalUsers", "identity_for"]


class LocalUsers(Protocol):
    """A backend whose users revideo's own auth keeps (in-memory or PostgreSQL)."""

    def credentials(self) -> CredentialStore: ...


def identity_for(
    backend: LocalUsers,
    mailer: Mailer,
    *,
    secret: str | bytes | None = None,
    clock: Callable[[], datetime] | None = None,
    hasher: PasswordHasher | None = None,
) -> LocalIdentity:
    """An Identity over the backend's users, mailing through `mailer`.

    `secret` (e.g. REVIDEO_SECRET_KEY) is mixed into every link's signature;
    `hasher` is an argon2 PasswordHasher (cheaper parameters suit tests).
    """
    key = secret.encode() if isinstance(secret, str) else secret
    store = backend.credentials()
    if clock is None:
        return LocalIdentity(store, mailer, secret=key, hasher=hasher)
    return LocalIdentity(store, mailer, secret=key, clock=clock, hasher=hasher)
