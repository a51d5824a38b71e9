"""The exact requests HeyGenEngine sends, for each option, in v3 and v2."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from revideo.domain.errors import EngineOutcomeUnknown, EngineRejected, EngineUnavailable
from revideo.domain.video import AspectRatio
from revideo.ports.video_engine import Photo, RenderRequest

if TYPE_CHECKING:
    from conftest import Script


def reply(payload: object, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


AVATAR = "Daisy-inskirt-20220818"
VOICE = "2d5b0e6cf36f460aa7fc47e3eee4ba54"
CREATED_V3 = {"data": {"video_id": "v_abc123", "status": "waiting"}}
CREATED_V2 = {"error": None, "data": {"video_id": "ac4f222b"}}


def oak_street(**changes: object) -> RenderRequest:
    fields: dict[str, object] = {
        "handle": "job-42",
        "title": "12 Oak St",
        "script": "Welcome to 12 Oak Street.",
        "avatar_id": AVATAR,
        "voice_id": VOICE,
        "captions": False,
    }
    fields.update(changes)
    return RenderRequest(**fields)  # type: ignore[arg-type]


class TestV3Create:
    def test_default_request_is_flat_avatar_body_with_callback_id(self, script: Script) -> None:
        engine = script.then(reply(CREATED_V3)).engine()
        assert engine.create(oak_street()) == "v_abc123"
        sent = script.requests[0]
        assert (sent.method, sent.url.path) == ("POST", "/v3/videos")
        assert sent.headers["x-api-key"] == "test-key"
        assert sent.headers["content-type"] == "application/json"
        assert sent.headers["idempotency-key"] == "revideo:job-42"
        assert script.body() == {
            "type": "avatar",
            "avatar_id": AVATAR,
            "script": "Welcome to 12 Oak Street.",
            "voice_id": VOICE,
            "voice_settings": {"speed": 1.0},
            "title": "12 Oak St",
            "resolution": "720p",
            "aspect_ratio": "16:9",
            "background": {"type": "color", "value": "#f5f5f5"},
            "callback_id": "job-42",
            "engine": {"type": "avatar_iv"},
        }

    def test_engine_is_sent_and_voice_may_be_left_to_the_avatar(self, script: Script) -> None:
        engine = script.then(reply(CREATED_V3)).engine(avatar_engine="avatar_iii")
        engine.create(oak_street(voice_id=""))
        assert script.body()["engine"] == {"type": "avatar_iii"}
        assert "voice_id" not in script.body()

    @pytest.mark.parametrize("ratio", list(AspectRatio))
    def test_aspect_ratio_preset_is_sent_as_is(self, script: Script, ratio: AspectRatio) -> None:
        script.then(reply(CREATED_V3)).engine().create(oak_street(aspect_ratio=ratio))
        assert script.body()["aspect_ratio"] == ratio.value

    def test_photo_background_speed_captions_callback_url(self, script: Script) -> None:
        request = oak_street(
            photos=(Photo("https://cdn.example/front.jpg"), Photo("https://cdn.example/k.jpg")),
            voice_speed=1.2,
            captions=True,
            callback_url="https://app.example/api/heygen/webhook",
            resolution="1080p",
        )
        script.then(reply(CREATED_V3)).engine().create(request)
        body = script.body()
        assert body["background"] == {"type": "image", "url": "https://cdn.example/front.jpg"}
        assert body["voice_settings"] == {"speed": 1.2}
        assert body["caption"] == {"file_format": "srt"}
        assert body["callback_url"] == "https://app.example/api/heygen/webhook"
        assert body["resolution"] == "1080p"

    def test_talking_photo_id_is_sent_as_a_look_id(self, script: Script) -> None:
        script.then(reply(CREATED_V3)).engine().create(oak_street(avatar_id="talking_photo:tp1"))
        assert script.body()["avatar_id"] == "tp1"
        assert script.body()["type"] == "avatar"

    def test_test_mode_is_refused_before_sending(self, script: Script) -> None:
        with pytest.raises(EngineRejected) as err:
            script.engine().create(oak_street(test=True))
        assert err.value.reason == "invalid_request"
        assert "v2" in err.value.message
        assert script.requests == []

    def test_too_long_script_is_refused_before_sending(self, script: Script) -> None:
        with pytest.raises(EngineRejected) as err:
            script.engine().create(oak_street(script="x" * 5001))
        assert err.value.reason == "script_too_long"
        assert script.requests == []


class TestV2Create:
    def test_default_request_is_one_scene(self, script: Script) -> None:
        engine = script.then(reply(CREATED_V2)).engine("v2")
        assert engine.create(oak_street(test=True)) == "ac4f222b"
        sent = script.requests[0]
        assert (sent.method, sent.url.path) == ("POST", "/v2/video/generate")
        assert sent.headers["x-api-key"] == "test-key"
        assert script.body() == {
            "title": "12 Oak St",
            "callback_id": "job-42",
            "dimension": {"width": 1280, "height": 720},
            "caption": False,
            "test": True,
            "video_inputs": [
                {
                    "character": {"type": "avatar", "avatar_id": AVATAR, "avatar_style": "normal"},
                    "voice": {
                        "type": "text",
                        "voice_id": VOICE,
                        "input_text": "Welcome to 12 Oak Street.",
                        "speed": 1.0,
                    },
                    "background": {"type": "color", "value": "#f5f5f5"},
                }
            ],
        }

    @pytest.mark.parametrize(
        ("ratio", "resolution", "size"),
        [
            (AspectRatio.LANDSCAPE, "720p", (1280, 720)),
            (AspectRatio.PORTRAIT, "720p", (720, 1280)),
            (AspectRatio.SQUARE, "720p", (720, 720)),
            (AspectRatio.PORTRAIT, "1080p", (1080, 1920)),
            (AspectRatio.LANDSCAPE, "4k", (3840, 2160)),
        ],
    )
    def test_presets_become_dimensions(
        self, script: Script, ratio: AspectRatio, resolution: str, size: tuple[int, int]
    ) -> None:
        request = oak_street(aspect_ratio=ratio, resolution=resolution)
        script.then(reply(CREATED_V2)).engine("v2").create(request)
        assert script.body()["dimension"] == {"width": size[0], "height": size[1]}

    def test_talking_photo_character(self, script: Script) -> None:
        request = oak_street(avatar_id="talking_photo:tp1", captions=True, voice_speed=0.8)
        script.then(reply(CREATED_V2)).engine("v2").create(request)
        scene = script.body()["video_inputs"][0]
        assert scene["character"] == {"type": "talking_photo", "talking_photo_id": "tp1"}
        assert scene["voice"]["speed"] == 0.8
        assert script.body()["caption"] is True

    def test_long_script_splits_into_scenes_cycling_photos(self, script: Script) -> None:
        sentences = [f"Sentence number {i} is about the lovely garden." for i in range(60)]
        photos = (Photo("https://cdn.example/a.jpg"), Photo("https://cdn.example/b.jpg"))
        request = oak_street(script=" ".join(sentences), photos=photos)
        script.then(reply(CREATED_V2)).engine("v2", v2_scene_chars=500).create(request)
        scenes = script.body()["video_inputs"]
        texts = [s["voice"]["input_text"] for s in scenes]
        assert len(scenes) > 1 and all(len(t) <= 500 for t in texts)
        assert " ".join(texts) == " ".join(sentences)
        assert all(t.endswith(".") for t in texts)
        urls = [s["background"]["url"] for s in scenes]
        a, b = "https://cdn.example/a.jpg", "https://cdn.example/b.jpg"
        assert urls[:3] == [a, b, a]

    def test_callback_url_is_sent_when_set(self, script: Script) -> None:
        request = oak_street(callback_url="https://app.example/hook")
        script.then(reply(CREATED_V2)).engine("v2").create(request)
        assert script.body()["callback_url"] == "https://app.example/hook"


class TestReads:
    def test_v3_status_path(self, script: Script) -> None:
        done = {"data": {"id": "v1", "status": "processing"}}
        script.then(reply(done)).engine().status("v1")
        assert script.requests[0].url.path == "/v3/videos/v1"

    def test_v2_status_path_and_query(self, script: Script) -> None:
        done = {"code": 100, "data": {"id": "v1", "status": "pending"}, "message": "Success"}
        script.then(reply(done)).engine("v2").status("v1")
        sent = script.requests[0]
        assert (sent.url.path, dict(sent.url.params)) == (
            "/v1/video_status.get",
            {"video_id": "v1"},
        )

    def test_v3_webhook_registration_body_and_idempotency_key(self, script: Script) -> None:
        created = {
            "data": {
                "endpoint_id": "ep_1",
                "url": "https://app.example/hook",
                "events": ["avatar_video.success", "avatar_video.fail"],
                "status": "enabled",
                "created_at": "2026-01-01T00:00:00Z",
                "secret": "whsec_abc",
            }
        }
        endpoint = script.then(reply(created)).engine().register_webhook("https://app.example/hook")
        assert endpoint.secret == "whsec_abc" and endpoint.endpoint_id == "ep_1"
        sent = script.requests[0]
        assert (sent.method, sent.url.path) == ("POST", "/v3/webhooks/endpoints")
        assert script.body() == {
            "url": "https://app.example/hook",
            "events": ["avatar_video.success", "avatar_video.fail"],
        }
        assert len(sent.headers["idempotency-key"]) == 32

    def test_v2_webhook_registration(self, script: Script) -> None:
        created = {"code": 100, "data": {"endpoint_id": "e1", "url": "u", "secret": "s1"}}
        engine = script.then(reply(created)).engine("v2")
        endpoint = engine.register_webhook("https://app.example/hook", ["avatar_video.success"])
        assert (endpoint.endpoint_id, endpoint.secret) == ("e1", "s1")
        assert script.requests[0].url.path == "/v1/webhook/endpoint.add"
        assert script.body() == {
            "url": "https://app.example/hook",
            "events": ["avatar_video.success"],
        }

    def test_v2_webhook_registration_is_never_resent(self, script: Script) -> None:
        down = reply({"error": {"code": "internal_error", "message": "boom"}}, 502)
        listed = {"code": 100, "data": [{"endpoint_id": "e7", "url": "https://app.example/hook"}]}
        engine = script.then(down, reply(listed)).engine("v2")
        with pytest.raises(EngineOutcomeUnknown, match="e7"):
            engine.register_webhook("https://app.example/hook")
        paths = [(q.method, q.url.path) for q in script.requests]
        assert paths == [("POST", "/v1/webhook/endpoint.add"), ("GET", "/v1/webhook/endpoint.list")]

    def test_v2_webhook_registration_lost_and_not_listed_can_be_tried_again(
        self, script: Script
    ) -> None:
        engine = script.then(httpx.ReadTimeout("slow"), reply({"code": 100, "data": []})).engine(
            "v2"
        )
        with pytest.raises(EngineUnavailable, match="nothing was registered"):
            engine.register_webhook("https://app.example/hook")
        assert [q.method for q in script.requests] == ["POST", "GET"]

    def test_fetch_follows_a_bounded_number_of_redirects(self, script: Script) -> None:
        hop = httpx.Response(302, headers={"Location": "https://cdn.heygen.test/real.mp4"})
        engine = script.then(hop, httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42")).engine()
        assert b"".join(engine.fetch("https://files.heygen.test/x.mp4")).startswith(b"\x00\x00")
        assert str(script.requests[1].url) == "https://cdn.heygen.test/real.mp4"
        assert "x-api-key" not in script.requests[1].headers
        loop = httpx.Response(302, headers={"Location": "/again"})
        script.then(*[loop] * 6)
        with pytest.raises(EngineRejected, match="redirected more than 5"):
            list(script.engine().fetch("https://files.heygen.test/x.mp4"))

    def test_fetch_does_not_send_the_api_key_to_the_file_host(self, script: Script) -> None:
        engine = script.then(reply({}, 200)).engine()
        list(engine.fetch("https://files.heygen.test/video/x.mp4?Expires=1&Signature=s"))
        assert "x-api-key" not in script.requests[0].headers
