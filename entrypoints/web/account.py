"""The signed-in user's own account: deleting it with everything it owns."""

from __future__ import annotations

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


@bp.post("/scope")
def scope() -> Any:
    """An admin chooses to see everyone's data in the lists, or only their own again."""
    if actor().is_admin:
        session["everyone"] = request.form.get("everyone") == "1"
    target = request.referrer or ""
    here = request.host_url
    if not target.startswith(here):  # back to the page it came from, on this site only
        return redirect(url_for("dashboard.index"))
    return redirect("/" + target[len(here) :].lstrip("/"))
