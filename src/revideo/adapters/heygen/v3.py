"""
HeyGen's current v3 video API (heygen-v3.md): `POST /v3/videos`,
`GET /v3/videos/{id}`, `/v3/avatars/looks`, `/v3/voices`, `/v3/webhooks/endpoints`.

Not offered by v3 (so refused here before anything is sent): test mode.
`find` pages through `GET /v3/videos` and matches `callback_id` when the
list items carry it; if they do not, it finds nothing and returns None.
"""

from __future__ import annotations

import uuid
from typing import Any

from revideo.domain.errors import EngineRejected
from revideo.domain.video import EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import wire
from .http import HeyGenHttp

_PAGE_LIMIT = 50  # pages fetched at most for one list


class V3Api:
    """The v3 paths and bodies."""

    version = "v3"

    def __init__(self, http: HeyGenHttp, find_pages: int = 3) -> None:
        self.http = http
        self.find_pages = find_pages

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
            "voice_id": request.voice_id,
            "voice_settings": {"speed": request.voice_speed},
            "title": request.title,
            "resolution": wire.check_resolution(request.resolution),
            "aspect_ratio": request.aspect_ratio.value,
            "background": wire.background(request),
            "callback_id": request.handle,
        }
        if request.captions:
            body["caption"] = {"file_format": "srt"}
        if request.callback_url:
            body["callback_url"] = request.callback_url
        return body

    def create(self, request: RenderRequest, talking_photo: bool) -> str:
        body = self.create_body(request, talking_photo)
        payload = self.http.create("/v3/videos", body, request.handle)
        return wire.created_id(payload, request.handle)

    def status(self, video_id: str) -> EngineReport:
        data = wire.data_of(self.http.read("GET", f"/v3/videos/{video_id}"))
        error = wire.text(data, "failure_message")
        code = wire.text(data, "failure_code")
        if error and code:
            error = f"{error} [{code}]"
        return wire.build_report(wire.text(data, "id", "video_id") or video_id, data, error)

    def find(self, handle: str) -> str | None:
        for item in self._pages("/v3/videos", {"limit": 100}, self.find_pages):
            if item.get("callback_id") == handle:
                return wire.text(item, "id", "video_id")
        return None

    def avatars(self) -> list[Avatar]:
        return [_look(d) for d in self._pages("/v3/avatars/looks", {"limit": 50})]

    def voices(self) -> list[Voice]:
        return [_voice(d) for d in self._pages("/v3/voices", {"limit": 100})]

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


def _look(d: dict[str, Any]) -> Avatar:
    photo = str(d.get("avatar_type", "")) == "photo_avatar"
    return Avatar(
        id=wire.text(d, "id", "avatar_id") or "",
        name=wire.text(d, "name") or "",
        gender=wire.text(d, "gender") or "",
        preview_image_url=wire.text(d, "preview_image_url") or "",
        preview_video_url=wire.text(d, "preview_video_url") or "",
        kind="talking_photo" if photo else "avatar",
    )


def _voice(d: dict[str, Any]) -> Voice:
    return Voice(
        id=wire.text(d, "voice_id", "id") or "",
        name=wire.text(d, "name") or "",
        language=wire.text(d, "language") or "",
        gender=wire.text(d, "gender") or "",
        preview_audio_url=wire.text(d, "preview_audio_url", "preview_audio") or "",
    )
