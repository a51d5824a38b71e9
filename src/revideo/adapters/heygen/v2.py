"""
HeyGen's legacy v2 API (heygen-api.md): `POST /v2/video/generate`,
`GET /v1/video_status.get`, `/v2/avatars`, `/v2/voices`, `/v1/webhook/endpoint.add`.

Scripts longer than one scene's text limit are split into scenes at sentence
ends; each scene shows the next property photo. v2 has no idempotency key: a
create whose answer was lost is never sent again by itself (see
Pipeline.reconcile), and a webhook endpoint is registered with one POST only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from revideo.domain.errors import EngineError, EngineOutcomeUnknown, EngineUnavailable
from revideo.domain.video import EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import wire
from .errors import render_failure
from .http import HeyGenHttp

MAX_SCENES = 50


class V2Api:
    """The v2/v1 paths and bodies."""

    version = "v2"

    def __init__(self, http: HeyGenHttp, scene_chars: int = 1500) -> None:
        self.http = http
        self.scene_chars = scene_chars

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
        error = data.get("error")
        failure = (
            render_failure(
                error.get("code"), wire.text(error, "message"), wire.text(error, "detail")
            )
            if isinstance(error, dict)
            else render_failure("", str(error or ""))
        )
        return wire.build_report(wire.text(data, "id") or video_id, data, _failure(data), failure)

    def remaining_quota(self) -> Decimal | None:
        """Credits left: remaining_quota seconds / 60 (`GET /v2/user/remaining_quota` [S19])."""
        data = wire.data_of(self.http.read("GET", "/v2/user/remaining_quota"))
        seconds = wire.number(data, "remaining_quota")
        return None if seconds is None else Decimal(str(seconds)) / 60

    def avatars(self) -> list[Avatar]:
        data = wire.data_of(self.http.read("GET", "/v2/avatars"))
        avatars = [_avatar(d) for d in data.get("avatars") or [] if isinstance(d, dict)]
        photos = [_photo(d) for d in data.get("talking_photos") or [] if isinstance(d, dict)]
        return avatars + photos

    def voices(self) -> list[Voice]:
        data = wire.data_of(self.http.read("GET", "/v2/voices"))
        return [_voice(d) for d in data.get("voices") or [] if isinstance(d, dict)]

    def register_webhook(self, url: str, events: list[str] | None) -> wire.WebhookEndpoint:
        """One POST, never re-sent: v1 has no idempotency, a repeat could add a second endpoint.

        When its answer is lost, the endpoint list says whether it was added.
        """
        body = {"url": url, "events": events}
        try:
            payload = self.http.post_once("/v1/webhook/endpoint.add", body)
        except EngineUnavailable as exc:
            raise self._lost_registration(url, exc) from exc
        return wire.endpoint_from(wire.data_of(payload))

    def _lost_registration(self, url: str, exc: EngineUnavailable) -> EngineError:
        try:
            listed = self.http.read("GET", "/v1/webhook/endpoint.list").get("data") or []
        except EngineError:
            return EngineOutcomeUnknown(
                url, f"{exc}; it may have been registered: check `GET /v1/webhook/endpoint.list`"
            )
        same = [e for e in listed if isinstance(e, dict) and e.get("url") == url]
        if not same:
            return EngineUnavailable(f"{exc}; nothing was registered, try again later")
        ep = wire.text(same[0], "endpoint_id") or "?"
        return EngineOutcomeUnknown(
            url,
            f"{exc}; HeyGen did register endpoint {ep} for {url} but its secret was lost: "
            f"delete it (DELETE /v1/webhook/endpoint.delete?endpoint_id={ep}) and register again",
        )


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
        default_voice_id=wire.text(d, "default_voice_id") or "",
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
