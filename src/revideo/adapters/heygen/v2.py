"""
HeyGen's legacy v2 API (heygen-api.md): `POST /v2/video/generate`,
`GET /v1/video_status.get`, `/v2/avatars`, `/v2/voices`, `/v1/webhook/endpoint.add`.

Scripts longer than one scene's text limit are split into scenes at sentence
ends; each scene shows the next property photo. `find` pages through
`GET /v1/video.list` and matches `callback_id` when the items carry it, else None.
"""

from __future__ import annotations

from typing import Any

from revideo.domain.video import EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import wire
from .http import HeyGenHttp

MAX_SCENES = 50


class V2Api:
    """The v2/v1 paths and bodies."""

    version = "v2"

    def __init__(self, http: HeyGenHttp, scene_chars: int = 1500, find_pages: int = 3) -> None:
        self.http = http
        self.scene_chars = scene_chars
        self.find_pages = find_pages

    def create_body(self, request: RenderRequest, talking_photo: bool) -> dict[str, Any]:
        """The exact JSON for POST /v2/video/generate."""
        width, height = wire.dimension(request.aspect_ratio, request.resolution)
        texts = wire.scenes(request.script, self.scene_chars)[:MAX_SCENES]
        body: dict[str, Any] = {
            "title": request.title,
            "callback_id": request.handle,
            "dimension": {"width": width, "height": height},
            "caption": request.captions,
            "test": request.test,
            "video_inputs": [
                self._scene(request, talking_photo, text, i) for i, text in enumerate(texts)
            ],
        }
        if request.callback_url:
            body["callback_url"] = request.callback_url
        return body

    def _scene(
        self, request: RenderRequest, talking_photo: bool, text: str, index: int
    ) -> dict[str, Any]:
        avatar_id, _ = wire.avatar_ref(request.avatar_id)
        character: dict[str, Any] = (
            {"type": "talking_photo", "talking_photo_id": avatar_id}
            if talking_photo
            else {"type": "avatar", "avatar_id": avatar_id, "avatar_style": "normal"}
        )
        voice = {
            "type": "text",
            "voice_id": request.voice_id,
            "input_text": text,
            "speed": request.voice_speed,
        }
        return {
            "character": character,
            "voice": voice,
            "background": wire.background(request, index),
        }

    def create(self, request: RenderRequest, talking_photo: bool) -> str:
        body = self.create_body(request, talking_photo)
        payload = self.http.create("/v2/video/generate", body, request.handle)
        return wire.created_id(payload, request.handle)

    def status(self, video_id: str) -> EngineReport:
        payload = self.http.read("GET", "/v1/video_status.get", params={"video_id": video_id})
        data = wire.data_of(payload)
        return wire.build_report(wire.text(data, "id") or video_id, data, _failure(data))

    def find(self, handle: str) -> str | None:
        token: str | None = None
        for _ in range(self.find_pages):
            params: dict[str, Any] = {"limit": 100}
            if token:
                params["token"] = token
            data = wire.data_of(self.http.read("GET", "/v1/video.list", params=params))
            for item in data.get("videos") or []:
                if isinstance(item, dict) and item.get("callback_id") == handle:
                    return wire.text(item, "video_id", "id")
            token = wire.text(data, "token", "next_token")
            if not token:
                break
        return None

    def avatars(self) -> list[Avatar]:
        data = wire.data_of(self.http.read("GET", "/v2/avatars"))
        avatars = [_avatar(d) for d in data.get("avatars") or [] if isinstance(d, dict)]
        photos = [_photo(d) for d in data.get("talking_photos") or [] if isinstance(d, dict)]
        return avatars + photos

    def voices(self) -> list[Voice]:
        data = wire.data_of(self.http.read("GET", "/v2/voices"))
        return [_voice(d) for d in data.get("voices") or [] if isinstance(d, dict)]

    def register_webhook(self, url: str, events: list[str] | None) -> wire.WebhookEndpoint:
        body = {"url": url, "events": events}
        payload = self.http.read("POST", "/v1/webhook/endpoint.add", json=body)
        return wire.endpoint_from(wire.data_of(payload))


def _failure(data: dict[str, Any]) -> str | None:
    error = data.get("error")
    if isinstance(error, dict):
        words = wire.text(error, "detail", "message") or "the render failed"
        code = wire.text(error, "code")
        return f"{words} [{code}]" if code else words
    return str(error) if error else None


def _avatar(d: dict[str, Any]) -> Avatar:
    return Avatar(
        id=wire.text(d, "avatar_id") or "",
        name=wire.text(d, "avatar_name", "name") or "",
        gender=wire.text(d, "gender") or "",
        preview_image_url=wire.text(d, "preview_image_url") or "",
        preview_video_url=wire.text(d, "preview_video_url") or "",
    )


def _photo(d: dict[str, Any]) -> Avatar:
    return Avatar(
        id=wire.TALKING_PHOTO + (wire.text(d, "talking_photo_id", "id") or ""),
        name=wire.text(d, "talking_photo_name", "name") or "",
        preview_image_url=wire.text(d, "preview_image_url") or "",
        kind="talking_photo",
    )


def _voice(d: dict[str, Any]) -> Voice:
    return Voice(
        id=wire.text(d, "voice_id") or "",
        name=wire.text(d, "name", "display_name") or "",
        language=wire.text(d, "language") or "",
        gender=wire.text(d, "gender") or "",
        preview_audio_url=wire.text(d, "preview_audio", "preview_audio_url") or "",
    )
