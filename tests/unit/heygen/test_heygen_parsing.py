"""The wire examples of heygen-api.md and heygen-v3.md parse into our reports."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revideo.adapters.heygen import webhooks
from revideo.adapters.heygen.wire import scenes
from revideo.domain.errors import WebhookRejected
from revideo.domain.video import VideoStatus

if TYPE_CHECKING:
    from conftest import Script

V1_DONE = {
    "code": 100,
    "message": "Success",
    "data": {
        "id": "ac4f222bc7134fea99a0d1f783e032e5",
        "status": "completed",
        "callback_id": "listing-8812:render-3",
        "created_at": 1732400000,
        "duration": 21.48,
        "video_url": "https://files.heygen.ai/video/ac4f222b.mp4?Expires=1733004800&Signature=x",
        "video_url_caption": None,
        "caption_url": None,
        "thumbnail_url": "https://files.heygen.ai/thumb/ac4f222b.jpg?Expires=1",
        "gif_url": "https://resource.heygen.ai/video/gifs/ac4f222b.gif",
        "error": None,
    },
}
V1_FAILED = {
    "code": 100,
    "message": "Success",
    "data": {
        "id": "ac4f",
        "status": "failed",
        "callback_id": None,
        "duration": None,
        "video_url": None,
        "thumbnail_url": None,
        "error": {
            "code": 40119,
            "message": "Video is too long",
            "detail": "Video is too long (> 3600.0s). Please upgrade your plan",
        },
    },
}
V3_DONE = {
    "data": {
        "id": "v_abc123def456",
        "title": "Demo",
        "status": "completed",
        "video_url": "https://files.heygen.ai/video/abc123.mp4",
        "thumbnail_url": "https://files.heygen.ai/thumb/abc123.jpg",
        "captioned_video_url": None,
        "subtitle_url": "https://files.heygen.ai/sub/abc123.srt",
        "duration": 30.5,
        "failure_code": None,
        "failure_message": None,
    }
}


def ok(payload: object) -> httpx.Response:
    return httpx.Response(200, json=payload)


class TestStatus:
    def test_v1_completed(self, script: Script) -> None:
        report = script.then(ok(V1_DONE)).engine("v2").status("ac4f222bc7134fea99a0d1f783e032e5")
        assert report.status is VideoStatus.COMPLETED
        assert report.video_url == V1_DONE["data"]["video_url"]  # type: ignore[index]
        assert report.thumbnail_url and report.thumbnail_url.startswith(
            "https://files.heygen.ai/thumb"
        )
        assert report.duration == 21.48 and report.handle == "listing-8812:render-3"

    def test_v1_failed_keeps_the_detail_and_code(self, script: Script) -> None:
        report = script.then(ok(V1_FAILED)).engine("v2").status("ac4f")
        assert report.status is VideoStatus.FAILED
        assert report.error == "Video is too long (> 3600.0s). Please upgrade your plan [40119]"
        assert report.video_url is None

    @pytest.mark.parametrize(
        ("wire", "ours"),
        [
            ("waiting", VideoStatus.PENDING),
            ("pending", VideoStatus.PENDING),
            ("processing", VideoStatus.PROCESSING),
            ("completed", VideoStatus.COMPLETED),
            ("failed", VideoStatus.FAILED),
        ],
    )
    def test_every_status_maps_onto_our_lifecycle(
        self, script: Script, wire: str, ours: VideoStatus
    ) -> None:
        v1 = {"code": 100, "data": {"id": "x", "status": wire}}
        v3 = {"data": {"id": "x", "status": wire}}
        assert script.then(ok(v1)).engine("v2").status("x").status is ours
        assert script.then(ok(v3)).engine("v3").status("x").status is ours

    def test_v3_completed_with_subtitles(self, script: Script) -> None:
        report = script.then(ok(V3_DONE)).engine().status("v_abc123def456")
        assert report.status is VideoStatus.COMPLETED and report.duration == 30.5
        assert report.caption_url == "https://files.heygen.ai/sub/abc123.srt"

    def test_v3_failure_message_and_code(self, script: Script) -> None:
        body = {
            "data": {
                "id": "x",
                "status": "failed",
                "failure_code": "render_error",
                "failure_message": "Avatar crashed",
            }
        }
        report = script.then(ok(body)).engine().status("x")
        assert report.error == "Avatar crashed [render_error]"

    def test_actual_dimensions_are_kept_when_reported(self, script: Script) -> None:
        body = {
            "data": {
                "id": "x",
                "status": "completed",
                "video_url": "u",
                "dimension": {"width": 1080, "height": 1920},
            }
        }
        report = script.then(ok(body)).engine().status("x")
        assert (report.width, report.height) == (1080, 1920)


class TestLists:
    def test_v2_avatars_and_talking_photos_with_previews(self, script: Script) -> None:
        body = {
            "error": None,
            "data": {
                "avatars": [
                    {
                        "avatar_id": "Daisy",
                        "avatar_name": "Daisy",
                        "gender": "female",
                        "preview_image_url": "i",
                        "preview_video_url": "v",
                    }
                ],
                "talking_photos": [
                    {
                        "talking_photo_id": "tp1",
                        "talking_photo_name": "Anna",
                        "preview_image_url": "p",
                    }
                ],
            },
        }
        found = script.then(ok(body)).engine("v2").avatars()
        assert [(a.id, a.kind, a.preview_image_url) for a in found] == [
            ("Daisy", "avatar", "i"),
            ("talking_photo:tp1", "talking_photo", "p"),
        ]
        assert found[0].preview_video_url == "v"

    def test_v3_looks_follow_the_cursor(self, script: Script) -> None:
        page1 = {
            "data": [{"id": "l1", "name": "A", "avatar_type": "studio_avatar"}],
            "has_more": True,
            "next_token": "t2",
        }
        page2 = {
            "data": [{"id": "l2", "name": "B", "avatar_type": "photo_avatar"}],
            "has_more": False,
            "next_token": None,
        }
        found = script.then(ok(page1), ok(page2)).engine().avatars()
        assert [(a.id, a.kind) for a in found] == [("l1", "avatar"), ("l2", "talking_photo")]
        assert script.requests[1].url.params["token"] == "t2"

    def test_v2_quota_is_seconds_over_sixty(self, script: Script) -> None:
        body = {"error": None, "data": {"remaining_quota": 3600, "details": {"api": 3600}}}
        assert script.then(ok(body)).engine("v2").remaining_quota() == Decimal(60)
        assert script.requests[-1].url.path == "/v2/user/remaining_quota"

    @pytest.mark.parametrize(
        ("billing", "credits"),
        [
            (
                {
                    "billing_type": "wallet",
                    "wallet": {"currency": "credits", "remaining_balance": 42.5},
                },
                Decimal("42.5"),
            ),
            (
                {"billing_type": "wallet", "wallet": {"currency": "usd", "remaining_balance": 9}},
                None,
            ),
            ({"billing_type": "usage_based", "usage_based": {"remaining_credits": 7}}, Decimal(7)),
            (
                {
                    "billing_type": "subscription",
                    "subscription": {
                        "plan": "pro",
                        "credits": {
                            "premium_credits": {"remaining": 30},
                            "add_on_credits": {"remaining": 5},
                        },
                    },
                },
                Decimal(35),
            ),
            ({"billing_type": None}, None),
        ],
    )
    def test_v3_quota_reads_users_me(
        self, script: Script, billing: dict[str, object], credits: Decimal | None
    ) -> None:
        me = {"data": {"username": "u", "email": None, "first_name": None, "last_name": None}}
        me["data"] |= billing
        assert script.then(ok(me)).engine().remaining_quota() == credits
        assert script.requests[-1].url.path == "/v3/users/me"

    def test_v3_voices_list_private_and_public_pages(self, script: Script) -> None:
        private = {
            "data": [{"voice_id": "mine", "name": "Me", "type": "private"}],
            "has_more": True,
            "next_token": "p2",
        }
        private2 = {"data": [{"voice_id": "mine2", "name": "Me too"}], "has_more": False}
        public = {"data": [{"voice_id": "pub", "name": "Sara"}], "has_more": False}
        found = script.then(ok(private), ok(private2), ok(public)).engine().voices()
        assert [v.id for v in found] == ["mine", "mine2", "pub"]
        kinds = [r.url.params.get("type") for r in script.requests]
        assert kinds == ["private", "private", "public"]
        assert script.requests[1].url.params["token"] == "p2"


SECRET = "whsec_test"
SUCCESS = {
    "event_type": "avatar_video.success",
    "event_data": {
        "video_id": "ac4f222b",
        "url": "https://files.heygen.ai/video/ac4f222b.mp4?Expires=1",
        "callback_id": "listing-8812:render-3",
        "folder_id": None,
    },
}
FAIL = {
    "event_type": "avatar_video.fail",
    "event_data": {
        "video_id": "ac4f222b",
        "msg": "Render failed",
        "callback_id": "listing-8812:render-3",
    },
}


def signed(event: object, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    return body, {"Signature": webhooks.sign(secret, body)}


class TestWebhooks:
    def test_success_event(self, script: Script) -> None:
        body, headers = signed(SUCCESS)
        report = script.engine(webhook_secret=SECRET).parse_webhook(body, headers)
        assert report is not None and report.status is VideoStatus.COMPLETED
        assert report.video_url == SUCCESS["event_data"]["url"]  # type: ignore[index]
        assert report.handle == "listing-8812:render-3" and report.engine_video_id == "ac4f222b"

    def test_fail_event(self, script: Script) -> None:
        body, headers = signed(FAIL)
        report = script.engine(webhook_secret=SECRET).parse_webhook(body, headers)
        assert report is not None and report.status is VideoStatus.FAILED
        assert report.error == "Render failed"

    def test_unsubscribed_events_are_ignored(self, script: Script) -> None:
        body, headers = signed(
            {"event_type": "avatar_video_gif.success", "event_data": {"video_id": "x"}}
        )
        assert script.engine(webhook_secret=SECRET).parse_webhook(body, headers) is None

    def test_header_name_is_case_insensitive(self, script: Script) -> None:
        body, headers = signed(SUCCESS)
        lower = {"signature": headers["Signature"].upper()}
        assert script.engine(webhook_secret=SECRET).parse_webhook(body, lower) is not None

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Signature": ""},
            {"Signature": "00" * 32},
            {"X-HeyGen-Signature": "abc"},
            {"Signature": "é"},
        ],
    )
    def test_missing_or_wrong_signature_is_rejected(
        self, script: Script, headers: dict[str, str]
    ) -> None:
        body, _ = signed(SUCCESS)
        with pytest.raises(WebhookRejected):
            script.engine(webhook_secret=SECRET).parse_webhook(body, headers)

    def test_without_a_configured_secret_everything_is_rejected(self, script: Script) -> None:
        body, headers = signed(SUCCESS)
        with pytest.raises(WebhookRejected):
            script.engine().parse_webhook(body, headers)

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"[]",
            b'{"event_type": "avatar_video.success"}',
            b'{"event_type": "avatar_video.success", "event_data": {}}',
        ],
    )
    def test_malformed_signed_bodies_are_rejected(self, script: Script, body: bytes) -> None:
        with pytest.raises(WebhookRejected):
            script.engine(webhook_secret=SECRET).parse_webhook(
                body, {"Signature": webhooks.sign(SECRET, body)}
            )

    @given(flip=st.integers(min_value=0, max_value=10_000))
    def test_any_change_to_the_body_breaks_the_signature(self, flip: int) -> None:
        body, headers = signed(SUCCESS)
        index = flip % len(body)
        tampered = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
        with pytest.raises(WebhookRejected):
            webhooks.verify(tampered, headers, SECRET)

    @given(secret=st.text(min_size=1, max_size=40))
    def test_only_the_right_secret_verifies(self, secret: str) -> None:
        body, headers = signed(SUCCESS, secret)
        webhooks.verify(body, headers, secret)
        if secret != SECRET:
            with pytest.raises(WebhookRejected):
                webhooks.verify(body, headers, SECRET)


@given(
    script=st.text(alphabet=st.sampled_from("abc .!?\n"), max_size=3000), limit=st.integers(5, 400)
)
def test_scenes_keep_every_word_and_respect_the_limit(script: str, limit: int) -> None:
    pieces = scenes(script, limit)
    assert all(len(p) <= limit for p in pieces if p != script)
    assert "".join(" ".join(pieces).split()) == "".join(script.split())


class TestStandardWebhooks:
    SECRET = "whsec_" + "c2VjcmV0LWZvci10ZXN0cw=="  # base64 of "secret-for-tests"

    def headers(self, body: bytes, msg_id: str = "msg_1", secret: str = SECRET) -> dict[str, str]:
        from datetime import UTC, datetime

        from standardwebhooks.webhooks import Webhook

        now = datetime.now(UTC)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, now, body),
        }

    def test_a_standard_delivery_carries_its_id(self, script: Script) -> None:
        body = json.dumps(SUCCESS).encode()
        report = script.engine(webhook_secret=self.SECRET).parse_webhook(body, self.headers(body))
        assert report is not None and report.delivery_id == "msg_1"

    def test_a_legacy_delivery_is_named_by_its_event_id(self, script: Script) -> None:
        body, headers = signed({**SUCCESS, "event_id": "evt_9"}, self.SECRET)
        report = script.engine(webhook_secret=self.SECRET).parse_webhook(body, headers)
        assert report is not None and report.delivery_id == "evt_9"

    def test_a_secret_that_is_not_base64_refuses_standard_headers_cleanly(
        self, script: Script
    ) -> None:
        body = json.dumps(SUCCESS).encode()
        with pytest.raises(WebhookRejected, match="not a Standard Webhooks secret"):
            script.engine(webhook_secret="whsec_a").parse_webhook(body, self.headers(body))

    @given(flip=st.integers(min_value=0, max_value=10_000))
    def test_any_change_to_the_body_breaks_a_standard_signature(self, flip: int) -> None:
        body = json.dumps(SUCCESS).encode()
        headers = self.headers(body)
        index = flip % len(body)
        tampered = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
        with pytest.raises(WebhookRejected):
            webhooks.verify(tampered, headers, self.SECRET)
