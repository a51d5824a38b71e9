"""The signed-in user's own account: API tokens, and deleting it with everything it owns."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ._support import actor, svc

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(login_required(lambda: None))


@bp.route("/delete", methods=["GET", "POST"])
def delete() -> Any:
    """Ask (the user types their address), then delete the account and all it owns."""
    email = str(current_user.email or "")
    if request.method == "GET":
        return render_template("account/delete.html", errors={}, email=email)
    typed = request.form.get("confirm", "")[:320].strip()
    if typed.casefold() != email.casefold():
        errors = {"confirm": "type your email address to confirm"}
        return render_template("account/delete.html", errors=errors, email=email), 400
    svc().users.delete_account(actor())
    session.clear()
    logout_user()  # after clear(): it leaves the mark that deletes the remember cookie
    flash("Your account and everything in it are deleted.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/tokens")
def tokens() -> Any:
    """Your API tokens, with their last use, and a form for a new one."""
    return _tokens_page({})


def _tokens_page(errors: dict[str, str], made: Any = None, status: int = 200) -> Any:
    found = svc().tokens.list(actor())
    page = render_template("account/tokens.html", tokens=found, errors=errors, made=made)
    return page, status


@bp.post("/tokens")
def create_token() -> Any:
    """Make a token and show it this once."""
    from revideo.domain.errors import ValidationError

    days = request.form.get("expires", "").strip()
    try:
        expires = None
        if days:
            from revideo.domain.parsing import whole_number

            count = whole_number("expires", days, minimum=1, max_len=4)
            expires = svc().tokens.ctx.clock() + timedelta(days=count)
        made = svc().tokens.create(
            actor(),
            request.form.get("name", "")[:200],
            request.form.get("scope", ""),
            expires,
            request.form.get("submission_key"),
        )
    except ValidationError as exc:
        return _tokens_page({exc.field: exc.message}, status=400)
    return _tokens_page({}, made=made, status=201)


@bp.post("/tokens/<token_id>/revoke")
def revoke_token(token_id: str) -> Any:
    """Revoke a token at once."""
    svc().tokens.revoke(actor(), token_id)
    flash("The token is revoked.", "info")
    return redirect(url_for("account.tokens"))


@bp.post("/scope")
def scope() -> Any:
    """An admin chooses to see everyone's data in the lists, or only their own again."""
    if actor().is_admin:
        session["everyone"] = request.form.get("everyone") == "1"
    # Back to the page it came from: only the referrer's path, and only if it is a path on
    # this site (never a URL built from the request's Host).
    from urllib.parse import urlsplit

    from .auth import safe_next

    came_from = urlsplit(request.referrer or "")
    path = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return redirect(safe_next(path))
