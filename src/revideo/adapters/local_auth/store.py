"""
Where credentials are kept: a tiny internal protocol with a memory and a
PostgreSQL implementation (postgres.py), so the Identity logic is written once.
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime
from typing import Any, Protocol

import attrs

from revideo.domain.errors import AuthError, Duplicate
from revideo.domain.profile import Actor, Role


@attrs.frozen
class Credential:
    """What sign-in needs to know about one user."""

    user_id: str
    email: str
    password_hash: str
    confirmed_at: datetime | None = None


class CredentialStore(Protocol):
    def create(self, email: str, password_hash: str, full_name: str) -> str:
        """Create the auth user and its profile; AuthError('user_exists') if taken."""
        ...

    def by_email(self, email: str) -> Credential | None: ...

    def by_id(self, user_id: str) -> Credential | None: ...

    def confirm(self, user_id: str, at: datetime) -> None: ...

    def set_password(self, user_id: str, password_hash: str) -> None: ...

    def role_of(self, user_id: str) -> Role: ...

    def set_role(self, user_id: str, role: Role) -> None: ...

    def delete(self, user_id: str) -> None:
        """Remove the user (their rows go with them); a missing one is not an error."""
        ...


class MemoryCredentials:
    """Credentials kept beside an InMemoryDatabase's tables (its profiles are the users)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.rows: dict[str, Credential] = {}
        self.lock = threading.Lock()

    def create(self, email: str, password_hash: str, full_name: str) -> str:
        with self.lock:
            try:
                profile = self.backend.add_user(email, full_name=full_name)
            except Duplicate:
                raise AuthError("user_exists", "an account with this email exists") from None
            self.rows[profile.id] = Credential(profile.id, email, password_hash)
            return str(profile.id)

    def by_email(self, email: str) -> Credential | None:
        with self.lock:
            return next((c for c in self.rows.values() if c.email == email), None)

    def by_id(self, user_id: str) -> Credential | None:
        with self.lock:
            return self.rows.get(user_id)

    def confirm(self, user_id: str, at: datetime) -> None:
        with self.lock:
            self.rows[user_id] = attrs.evolve(self.rows[user_id], confirmed_at=at)

    def set_password(self, user_id: str, password_hash: str) -> None:
        with self.lock:
            self.rows[user_id] = attrs.evolve(self.rows[user_id], password_hash=password_hash)

    def role_of(self, user_id: str) -> Role:
        with self.backend.unit_of_work(Actor.service()) as uow:
            return uow.profiles.get(user_id).role  # type: ignore[no-any-return]

    def set_role(self, user_id: str, role: Role) -> None:
        with self.backend.unit_of_work(Actor.service()) as uow:
            uow.profiles.set_role(user_id, role)

    def delete(self, user_id: str) -> None:
        with self.lock:
            self.rows.pop(user_id, None)
            self.backend.remove_user(user_id)


_MEMORY: weakref.WeakKeyDictionary[Any, MemoryCredentials] = weakref.WeakKeyDictionary()
_MEMORY_LOCK = threading.Lock()


def memory_credentials(backend: Any) -> MemoryCredentials:
    """The one credential table of an in-memory database (shared by every Identity on it)."""
    with _MEMORY_LOCK:
        found = _MEMORY.get(backend)
        if found is None:
            found = _MEMORY[backend] = MemoryCredentials(backend)
        return found
