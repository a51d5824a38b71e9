"""Admin: every user with role change; every record, read-only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.page import PageRequest
from revideo.domain.profile import Role
from revideo.domain.video import parse_enum
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter

from ._support import actor, page_request, svc

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required  # type: ignore[untyped-decorator]
def _admins_only() -> None:
    if not actor().is_admin:
        abort(403, description="only administrators may open this page")


@bp.get("/")
def index() -> Any:
    """All users (with role change) and the newest records of everyone."""
    me = actor()
    return render_template(
        "admin/index.html",
        users=svc().users.list(me, page_request(50)),
        properties=svc().properties.list(me, PropertyFilter(), PageRequest(1, 20)),
        videos=svc().videos.list(me, VideoFilter(), PageRequest(1, 20)),
        ads=svc().ads.list(me, AdFilter(), PageRequest(1, 20)),
        roles=[r.value for r in Role],
    )


@bp.post("/users/<user_id>/role")
def set_role(user_id: str) -> Any:
    """Make a user an admin, or an admin a user."""
    role = parse_enum("role", Role, request.form.get("role", ""))
    profile = svc().users.set_role(actor(), user_id, role)
    flash(f"{profile.email} is now {profile.role.value}.", "success")
    return redirect(url_for("admin.index"))
