"""Settings → Webhooks: a user's endpoints, their signing secrets and delivery logs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.errors import ValidationError
from revideo.domain.webhooks import EVENTS

from ._support import actor, svc

bp = Blueprint("hooks", __name__, url_prefix="/account/webhooks")
bp.before_request(login_required(lambda: None))


def _page(errors: dict[str, str], status: int = 200) -> Any:
    hooks = svc().webhooks
    endpoints = hooks.endpoints(actor())
    logs = {e.id: hooks.messages(actor(), e.id) for e in endpoints}
    page = render_template(
        "account/webhooks.html", endpoints=endpoints, logs=logs, events=EVENTS, errors=errors
    )
    return page, status


@bp.get("")
def index() -> Any:
    """Your endpoints and what was sent to them."""
    return _page({})


@bp.post("")
def add() -> Any:
    """Register an endpoint (one per URL: a second submit of the form adds nothing)."""
    url = request.form.get("url", "")[:2100].strip()
    if any(e.url == url for e in svc().webhooks.endpoints(actor())):
        return redirect(url_for("hooks.index"))
    try:
        svc().webhooks.add_endpoint(actor(), url, request.form.getlist("events"))
    except ValidationError as exc:
        return _page({exc.field: exc.message}, 400)
    flash("Endpoint added: copy its signing secret into your receiver.", "success")
    return redirect(url_for("hooks.index"))


@bp.post("/<endpoint_id>/delete")
def delete(endpoint_id: str) -> Any:
    svc().webhooks.delete_endpoint(actor(), endpoint_id)
    return redirect(url_for("hooks.index"))


@bp.post("/<endpoint_id>/enable")
def enable(endpoint_id: str) -> Any:
    svc().webhooks.enable(actor(), endpoint_id)
    return redirect(url_for("hooks.index"))


@bp.post("/messages/<message_id>/resend")
def resend(message_id: str) -> Any:
    """Send a message again with the worker's next round."""
    svc().webhooks.resend(actor(), message_id)
    flash("It goes out again with the next delivery round.", "info")
    return redirect(url_for("hooks.index"))
