"""
Verify and read HeyGen webhook deliveries.

HeyGen's signing scheme is not stated by any source we can read (heygen-v3.md
§7), so both schemes in use are accepted, each checked in constant time:
- legacy (heygen-api.md §4): header `Signature` = lower-case hex HMAC-SHA256
  of the raw body, keyed by the endpoint secret as given;
- Standard Webhooks (`whsec_` secrets): headers `webhook-id`,
  `webhook-timestamp`, `webhook-signature` checked by PyPI `standardwebhooks`,
  which refuses a timestamp more than 5 minutes from now; the `webhook-id` is
  the delivery id the pipeline records to refuse a replay.
A delivery that verifies under neither is refused and logged with its header
names only (never values). Deliveries to a per-video callback_url are
unsigned, so they are refused here too: register an endpoint and point
HEYGEN_WEBHOOK_SECRET at its secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

import attrs

from revideo.domain.errors import WebhookRejected
from revideo.domain.video import EngineReport, VideoStatus

from . import wire
from .errors import render_failure

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "Signature"
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
_SUCCESS = frozenset({"avatar_video.success"})
_FAIL = frozenset({"avatar_video.fail"})


def sign(secret: str, body: bytes) -> str:
    """The legacy signature of `body` for an endpoint with `secret`."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, headers: Mapping[str, str], secret: str | None) -> str | None:
    """Raise WebhookRejected unless one scheme verifies; return the delivery id if any."""
    if not secret:
        raise WebhookRejected("no webhook secret is configured (HEYGEN_WEBHOOK_SECRET)")
    problems = []
    if header(headers, "webhook-signature"):
        problem = _standard(body, headers, secret)
        if problem is None:
            return header(headers, "webhook-id")
        problems.append(problem)
    given = header(headers, SIGNATURE_HEADER)
    if given:
        expected = sign(secret, body).encode("ascii")
        if hmac.compare_digest(expected, given.strip().lower().encode("utf-8")):
            return None
        problems.append("the signature in the Signature header does not match")
    names = sorted(k.lower() for k in headers)
    log.warning("webhook refused: %s; it came with headers %s", problems or "unsigned", names)
    raise WebhookRejected("; ".join(problems) or "the webhook is not signed")


def _standard(body: bytes, headers: Mapping[str, str], secret: str) -> str | None:
    """Why a Standard Webhooks signature does not verify (None when it does)."""
    from standardwebhooks.webhooks import (
        EmptyWebhookSecretError,
        Webhook,
        WebhookVerificationError,
    )

    try:
        hook = Webhook(secret)
    except (ValueError, RuntimeError, EmptyWebhookSecretError) as exc:  # not base64 after whsec_
        return f"the secret is not a Standard Webhooks secret ({type(exc).__name__})"
    wanted = {name: header(headers, name) or "" for name in STANDARD_HEADERS}
    try:
        hook.verify(body, wanted, json_parse=False)
    except WebhookVerificationError as exc:
        return f"the Standard Webhooks signature does not verify: {exc}"
    return None


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever case its name has."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def parse(body: bytes, delivery_id: str | None = None) -> EngineReport | None:
    """The report in a verified delivery; None for events of no interest.

    The delivery id is the Standard Webhooks `webhook-id`, else the body's `event_id`.
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected("the webhook body is not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("event_data"), dict):
        raise WebhookRejected("the webhook has no event_data object")
    kind = str(event.get("event_type", ""))
    if kind not in _SUCCESS | _FAIL:
        return None
    data: dict[str, Any] = event["event_data"]
    video_id = wire.text(data, "video_id", "id")
    if not video_id:
        raise WebhookRejected("the webhook names no video_id")
    report = _report(video_id, data, kind in _SUCCESS)
    return attrs.evolve(report, delivery_id=delivery_id or wire.text(event, "event_id"))


def _report(video_id: str, data: dict[str, Any], success: bool) -> EngineReport:
    width, height = wire.size(data)
    if success:
        return EngineReport(
            engine_video_id=video_id,
            status=VideoStatus.COMPLETED,
            video_url=wire.text(data, "url", "video_url"),
            thumbnail_url=wire.text(data, "thumbnail_url"),
            duration=wire.number(data, "duration"),
            width=width,
            height=height,
            caption_url=wire.text(data, "caption_url", "subtitle_url"),
            handle=wire.text(data, "callback_id"),
        )
    error = wire.text(data, "msg", "failure_message", "message", "error")
    return EngineReport(
        engine_video_id=video_id,
        status=VideoStatus.FAILED,
        error=error or "the render failed",
        handle=wire.text(data, "callback_id"),
        failure=render_failure(wire.text(data, "failure_code", "code"), error),
    )
