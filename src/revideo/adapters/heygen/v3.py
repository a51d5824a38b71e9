"""
HeyGen's current v3 video API (heygen-v3.md): `POST /v3/videos`,
`GET /v3/videos/{id}`, `/v3/avatars/looks`, `/v3/voices`, `/v3/webhooks/endpoints`.

Not offered by v3 (so refused here before anything is sent): test mode.
Every create carries `Idempotency-Key: revideo:<handle>` (heygen-v3.md §7 [C]):
sending it again within 24 h answers with the render the first call started.
The rendering engine is sent explicitly (`engine: {type}`), since HeyGen picks
Avatar IV, its dearest, when none is given.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from revideo.domain.errors import EngineRejected
from revideo.domain.video import EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import wire
from .errors import render_failure
from .http import HeyGenHttp

_PAGE_LIMIT = 50  # pages fetched at most for one list


class V3Api:
    """The v3 paths and bodies."""

    version = "v3"

    def __init__(self, http: HeyGenHttp, engine: str = "avatar_iv") -> None:
        self.http = http
        self.engine = engine

    def create_body(self, request: RenderRequest, talking_photo: bool) -> dict[str, Any]:
        """The exact JSON for POST /v3/videos (photo avatars are looks: same shape)."""
        if request.test:
            raise EngineRejected(
                "invalid_request",
                "test mode is offered only by HeyGen's v2 API (set HEYGEN_API_VERSION=v2)",
            )
        avatar_id, _ = wire.avatar_ref(request.avatar_id)
        body: dict[str, Any] = {
            "type": "avatar",
            "avatar_id": avatar_id,
            "script": request.script,
            "voice_settings": {"speed": request.voice_speed},
            "title": request.title,
            "resolution": wire.check_resolution(request.resolution),
            "aspect_ratio": request.aspect_ratio.value,
            "background": wire.background(request),
            "callback_id": request.handle,
            "engine": {"type": self.engine},
        }
        if request.voice_id:  # optional: the avatar's default voice [H]
            body["voice_id"] = request.voice_id
        if request.captions:
            body["caption"] = {"file_format": "srt"}
        if request.callback_url:
            body["callback_url"] = request.callback_url
        return body

    def create(self, request: RenderRequest, talking_photo: bool) -> str:
        body = self.create_body(request, talking_photo)
        key = idempotency_key(request.handle)
        payload = self.http.create("/v3/videos", body, request.handle, key)
        return wire.created_id(payload, request.handle)

    def status(self, video_id: str) -> EngineReport:
        data = wire.data_of(self.http.read("GET", f"/v3/videos/{video_id}"))
        error = wire.text(data, "failure_message")
        code = wire.text(data, "failure_code")
        failure = render_failure(code, error)
        if error and code:
            error = f"{error} [{code}]"
        video = wire.text(data, "id", "video_id") or video_id
        return wire.build_report(video, data, error, failure)

    def avatars(self) -> list[Avatar]:
        return [_look(d) for d in self._pages("/v3/avatars/looks", {"limit": 50})]

    def voices(self) -> list[Voice]:
        """Public voices and the account's own (cloned) ones: `type` defaults to public [H]."""
        found = []
        for kind in ("private", "public"):
            found += [_voice(d) for d in self._pages("/v3/voices", {"limit": 100, "type": kind})]
        return found

    def remaining_quota(self) -> Decimal | None:
        """Credits left, from `GET /v3/users/me` [H][P]: whichever billing block is filled."""
        return credits_of(wire.data_of(self.http.read("GET", "/v3/users/me")))

    def register_webhook(self, url: str, events: list[str] | None) -> wire.WebhookEndpoint:
        body = {"url": url, "events": events}
        key = {"Idempotency-Key": uuid.uuid4().hex}  # retries replay, never duplicate
        payload = self.http.read("POST", "/v3/webhooks/endpoints", json=body, headers=key)
        return wire.endpoint_from(wire.data_of(payload))

    def _pages(
        self, path: str, params: dict[str, Any], limit: int = _PAGE_LIMIT
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(limit):
            query = dict(params, token=token) if token else dict(params)
            payload = self.http.read("GET", path, params=query)
            data = payload.get("data") if isinstance(payload, dict) else None
            items.extend(d for d in (data or []) if isinstance(d, dict))
            token = payload.get("next_token") if isinstance(payload, dict) else None
            if not (isinstance(payload, dict) and payload.get("has_more") and token):
                break
        return items


_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.-]")


def idempotency_key(handle: str) -> str:
    """The key for a render attempt's create: 1-255 of [A-Za-z0-9_:.-] [C]."""
    return ("revideo:" + _KEY_CHARS.sub("_", handle))[:255]


def credits_of(data: dict[str, Any]) -> Decimal | None:
    """The credit balance in a `/v3/users/me` answer; None when it is kept in money."""
    kind = wire.text(data, "billing_type")
    block = data.get(kind) if kind else None
    if not isinstance(block, dict):
        return None
    if kind == "wallet":
        left = wire.number(block, "remaining_balance")
        return (
            Decimal(str(left)) if left is not None and block.get("currency") == "credits" else None
        )
    if kind == "usage_based":
        left = wire.number(block, "remaining_credits")
        return None if left is None else Decimal(str(left))
    pools = block.get("credits")
    if not isinstance(pools, dict):
        return None
    counts = [wire.number(pool, "remaining") for pool in pools.values() if isinstance(pool, dict)]
    known = [c for c in counts if c is not None]
    return Decimal(str(sum(known))) if known else None


def _look(d: dict[str, Any]) -> Avatar:
    photo = str(d.get("avatar_type", "")) == "photo_avatar"
    return Avatar(
        id=wire.text(d, "id", "avatar_id") or "",
        name=wire.text(d, "name") or "",
        gender=wire.text(d, "gender") or "",
        preview_image_url=wire.text(d, "preview_image_url") or "",
        preview_video_url=wire.text(d, "preview_video_url") or "",
        kind="talking_photo" if photo else "avatar",
        default_voice_id=wire.text(d, "default_voice_id") or "",
    )


def _voice(d: dict[str, Any]) -> Voice:
    return Voice(
        id=wire.text(d, "voice_id", "id") or "",
        name=wire.text(d, "name") or "",
        language=wire.text(d, "language") or "",
        gender=wire.text(d, "gender") or "",
        preview_audio_url=wire.text(d, "preview_audio_url", "preview_audio") or "",
    )
