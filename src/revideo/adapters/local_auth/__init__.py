"""
revideo's own auth (the Identity port) for backends without an auth service:
argon2 password hashes, mailed confirmation and reset links, over the
in-memory database or PostgreSQL's `auth.users`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from revideo.adapters.local_auth.identity import LocalIdentity
from revideo.adapters.local_auth.store import CredentialStore, memory_credentials
from revideo.domain.errors import ConfigError
from revideo.ports.mailer import Mailer

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = ["LocalIdentity", "credentials_for", "identity_for"]


def credentials_for(backend: Any) -> CredentialStore:
    """The credential store that fits `backend` (in-memory or PostgreSQL)."""
    from revideo.adapters.memory.database import InMemoryDatabase

    if isinstance(backend, InMemoryDatabase):
        return memory_credentials(backend)
    if hasattr(backend, "pool"):
        from revideo.adapters.local_auth.postgres import PostgresCredentials

        return PostgresCredentials(backend)
    raise ConfigError("REVIDEO_BACKEND", f"no local auth for {type(backend).__name__}")


def identity_for(
    backend: Any,
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
    store = credentials_for(backend)
    clock = clock or getattr(backend, "clock", None)
    if clock is None:
        return LocalIdentity(store, mailer, secret=key, hasher=hasher)
    return LocalIdentity(store, mailer, secret=key, clock=clock, hasher=hasher)
