"""JSON routes: the engine's webhook, the cron-driven status sync, a video's status."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask_login import current_user

from revideo.domain.errors import ValidationError, WebhookRejected
from revideo.domain.parsing import MAX_JSON_DEPTH, json_depth, same_secret

from ._support import actor, svc
from .videos import status_json

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_WEBHOOK = 1024 * 1024


def init_app(app: Flask) -> None:
    """The machine-to-machine routes carry no CSRF token: they prove themselves otherwise."""
    csrf = app.extensions["csrf"]
    csrf.exempt(heygen_webhook)
    csrf.exempt(cron_sync)


@bp.post("/heygen/webhook")
def heygen_webhook() -> Any:
    """Apply a signed status report from the video engine."""
    body = request.get_data(cache=False)[:MAX_WEBHOOK]
    if json_depth(body) > MAX_JSON_DEPTH:  # json.loads would recurse until it breaks
        raise ValidationError("body", f"nests deeper than {MAX_JSON_DEPTH} levels")
    headers = {k: v for k, v in request.headers.items()}
    try:
        report = svc().engine.parse_webhook(body, headers)
    except WebhookRejected as exc:
        return jsonify({"error": str(exc) or "webhook rejected"}), 401
    if report is None:
        return jsonify({"ok": True, "ignored": True})
    video = svc().pipeline.apply_report(report)
    if video is None:
        return jsonify({"ok": True, "unknown": report.engine_video_id})
    return jsonify({"ok": True, "video": video.id, "status": video.status.value})


@bp.post("/cron/sync-status")
def cron_sync() -> Any:
    """Run one round of reconcile, sync and archive (Bearer REVIDEO_CRON_SECRET)."""
    secret = svc().settings.cron_secret
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if not secret or scheme.lower() != "bearer" or not same_secret(token.strip(), secret):
        return jsonify({"error": "a valid Authorization: Bearer <cron secret> is required"}), 401
    rounds = svc().pipeline.run_round()
    svc().staging.sweep_if_due()  # expired staged uploads go too (services/staging.py)
    return jsonify(
        {
            name: {
                "checked": r.checked,
                "changed": r.changed,
                "failed": r.failed,
                "deferred": r.deferred,
            }
            for name, r in rounds.items()
        }
    )


@bp.get("/videos/<video_id>/status")
def video_status(video_id: str) -> Any:
    """A video's status and render attempts, for the page that polls it."""
    if not current_user.is_authenticated:
        return jsonify({"error": "sign in first"}), 401
    return jsonify(status_json(svc().videos.get(actor(), video_id)))
