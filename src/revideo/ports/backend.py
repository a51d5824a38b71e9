"""
The backend: the database behind the units of work, with the auth and storage
that come with it (Supabase brings its own; PostgreSQL and the in-memory fake
use revideo's own auth and the files store).

Errors: as the repositories (see repositories.py); `add_user` raises Duplicate
for an email already taken.
"""

from __future__ import annotations

from typing import Protocol

from revideo.domain.profile import Actor, Profile, Role
from revideo.ports.identity import Identity
from revideo.ports.mailer import Mailer
from revideo.ports.media_store import MediaStore
from revideo.ports.repositories import UnitOfWork


class Backend(Protocol):
    def unit_of_work(self, actor: Actor) -> UnitOfWork:
        """A new unit of work (one transaction) for `actor`."""
        ...

    def add_user(
        self,
        email: str,
        *,
        role: Role = Role.USER,
        full_name: str = "",
        user_id: str | None = None,
    ) -> Profile:
        """Create a confirmed user as the system (its profile comes with it)."""
        ...

    def identity(self, mailer: Mailer, *, secret: str | None = None) -> Identity:
        """Sign-up, sign-in and password resets for this backend's users.

        `secret` (REVIDEO_SECRET_KEY) signs the links that revideo's own auth mails.
        """
        ...

    def media_store(self) -> MediaStore | None:
        """The backend's own object storage, or None when files on disk serve."""
        ...

    def close(self) -> None: ...
