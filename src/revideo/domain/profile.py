"""Users' profiles and roles."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class Role(enum.Enum):
    ADMIN = "admin"
    USER = "user"


@attrs.frozen
class Profile:
    """The public face of an auth user: id is the auth user's id."""

    id: str
    email: str
    full_name: str = ""
    role: Role = Role.USER
    avatar_url: str | None = None
    created_at: datetime | None = None
    session_epoch: int = 0  # raised to end every session signed in before (design.md §3)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@attrs.frozen
class Actor:
    """Who is acting: a signed-in user, an anonymous visitor, or the system.

    The system (webhooks, sync, archive) acts as Supabase's service_role.
    """

    user_id: str | None
    role: Role | None = None
    email: str | None = None
    system: bool = False

    @classmethod
    def user(cls, user_id: str, role: Role = Role.USER, email: str | None = None) -> Actor:
        return cls(user_id=user_id, role=role, email=email)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None)

    @classmethod
    def service(cls) -> Actor:
        return cls(user_id=None, system=True)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_read(self, owner_id: str) -> bool:
        return (
            self.system or self.is_admin or (self.user_id is not None and self.user_id == owner_id)
        )

    def can_write(self, owner_id: str) -> bool:
        return self.system or (self.user_id is not None and self.user_id == owner_id)
