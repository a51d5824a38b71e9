"""What every view shares: the services, the acting user, form and page helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
from flask import current_app, request, session
from flask_login import current_user

from revideo.bootstrap import Services
from revideo.domain.errors import FormErrors, ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.parsing import whole_number
from revideo.domain.profile import Actor, Role

T = TypeVar("T")
PAGE_SIZE = 12


def svc() -> Services:
    """The app's Services."""
    services: Services = current_app.extensions["revideo"]
    return services


def actor() -> Actor:
    """The signed-in user as an Actor (anonymous if nobody is signed in)."""
    if not current_user.is_authenticated:
        return Actor.anonymous()
    return current_user.actor  # type: ignore[no-any-return]


def viewer() -> Actor:
    """Whose data the lists, dashboard and analytics show: an admin's own, like anyone's,
    until they choose everyone's (`everyone` in the session, set by account.scope)."""
    me = actor()
    if me.is_admin and not session.get("everyone"):
        return attrs.evolve(me, role=Role.USER)
    return me


def owners() -> dict[str, str]:
    """User id → email, for the owner column an admin sees with everyone's data."""
    from revideo.domain.page import PageRequest as Page

    if not viewer().is_admin:
        return {}
    return {p.id: p.email for p in svc().users.list(actor(), Page(1, 200)).items}


def page_request(size: int = PAGE_SIZE) -> PageRequest:
    """The `page` query argument as a PageRequest (400 if it is not a number)."""
    raw = request.args.get("page", "1").strip() or "1"
    return PageRequest(number=whole_number("page", raw, minimum=1, max_len=6), size=size)


def form_text(name: str, max_len: int = 10_000) -> str:
    """A text field of the posted form, trimmed ('' when absent)."""
    value = request.form.get(name, "")
    if len(value) > max_len:
        raise ValidationError(name, f"must be at most {max_len} characters")
    return value.strip()


def attempt(call: Callable[[], T]) -> tuple[T | None, dict[str, str]]:
    """Run `call`; a ValidationError becomes {field: message} for the form."""
    try:
        return call(), {}
    except FormErrors as exc:
        return None, dict(exc.errors)
    except ValidationError as exc:
        return None, {exc.field: exc.message}


def keep_args(args: Mapping[str, str], *reserved: str, **changes: Any) -> dict[str, Any]:
    """The current query arguments with some replaced (for links: `url_for(..., **them)`).

    Names url_for keeps for itself (`_external`, `_scheme`, …) and the `reserved`
    names of the link's own route are dropped: a visitor's query cannot steer a link.
    """
    merged: dict[str, Any] = {
        k: v for k, v in args.items() if v and not k.startswith("_") and k not in reserved
    }
    merged.update(changes)
    return merged
