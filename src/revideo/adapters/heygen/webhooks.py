"""
Verify and read HeyGen webhook deliveries.

Signature (heygen-api.md §4): header `Signature` (any case) = lower-case hex
HMAC-SHA256 of the raw body, keyed by the endpoint secret. Compared in constant
time. Deliveries to a per-video callback_url are unsigned, so they are rejected
here: register an endpoint and point HEYGEN_WEBHOOK_SECRET at its secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from revideo.domain.errors import ValidationError, WebhookRejected
from revideo.domain.parsing import json_document
from revideo.domain.video import EngineReport, VideoStatus

from . import wire

SIGNATURE_HEADER = "Signature"
_SUCCESS = frozenset({"avatar_video.success"})
_FAIL = frozenset({"avatar_video.fail"})


def sign(secret: str, body: bytes) -> str:
    """The signature HeyGen puts on `body` for an endpoint with `secret`."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, headers: Mapping[str, str], secret: str | None) -> None:
    """Raise WebhookRejected unless `headers` carry the right signature of `body`."""
    if not secret:
        raise WebhookRejected("no webhook secret is configured (HEYGEN_WEBHOOK_SECRET)")
    given = header(headers, SIGNATURE_HEADER)
    if not given:
        raise WebhookRejected("the webhook has no Signature header")
    expected = sign(secret, body).encode("ascii")
    if not hmac.compare_digest(expected, given.strip().lower().encode("utf-8")):
        raise WebhookRejected("the webhook signature does not match")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever case its name has."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def parse(body: bytes) -> EngineReport | None:
    """The report in a verified delivery; None for events of no interest."""
    try:
        event = json_document("body", body)
    except ValidationError as exc:
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
    return _report(video_id, data, kind in _SUCCESS)


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
    )
