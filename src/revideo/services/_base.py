"""What every use case shares: the unit-of-work factory, ids, the clock, auth checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import attrs

from revideo.domain.errors import AuthError, Forbidden
from revideo.domain.profile import Actor
from revideo.ports.clock import Clock, utcnow
from revideo.ports.repositories import UnitOfWorkFactory


def new_id() -> str:
    return str(uuid.uuid4())


@attrs.frozen
class Context:
    """The dependencies a use case needs besides its own ports."""

    uow: UnitOfWorkFactory
    clock: Clock = utcnow
    ids: Callable[[], str] = new_id


def signed_in(actor: Actor) -> str:
    """The acting user's id; AuthError for anonymous visitors."""
    if actor.user_id is None:
        raise AuthError("not_signed_in", "sign in first")
    return actor.user_id


def require_admin(actor: Actor) -> None:
    if not (actor.system or actor.is_admin):
        raise Forbidden("administer", "users", actor.user_id or "anonymous")


def require_owner(actor: Actor, owner_id: str, kind: str, key: str) -> None:
    """Only the owner (or the system) may change a row; admins read only."""
    if not actor.can_write(owner_id):
        raise Forbidden("change", kind, key)
