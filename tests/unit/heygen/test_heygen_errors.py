"""Every HeyGen error shape in the docs maps to unauthorised, rejected(reason) or unavailable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from revideo.adapters.heygen.errors import classify, error_info, retry_after
from revideo.domain.errors import EngineRejected, EngineUnauthorized, EngineUnavailable

if TYPE_CHECKING:
    from conftest import Script

REJECTED: list[tuple[int, Any, str]] = [
    # v2 string code (heygen-api.md §2)
    (
        400,
        {"data": None, "error": {"code": "avatar_not_found", "message": "Avatar x not found."}},
        "unknown_avatar",
    ),
    (400, {"data": None, "error": {"code": "voice_not_found", "message": "no"}}, "unknown_voice"),
    # v2 int code with detail: daily limit of test/trial renders
    (
        400,
        {
            "error": {
                "code": 400140,
                "message": "Exceed rate limit",
                "detail": "Daily rate limit exceeded",
            }
        },
        "trial_limit",
    ),
    # validator wording for a too-long input_text
    (
        400,
        {
            "data": None,
            "error": {
                "code": "invalid_parameter",
                "message": "input_text: ensure this value has at most 2000 characters",
            },
        },
        "script_too_long",
    ),
    # v3 envelope, 402
    (
        402,
        {
            "error": {
                "code": "insufficient_credit",
                "message": "Top up",
                "param": None,
                "doc_url": None,
            }
        },
        "no_credit",
    ),
    (402, {"error": {"code": "payment_required", "message": "Upgrade"}}, "no_credit"),
    # v3 404
    (
        404,
        {"error": {"code": "not_found", "message": "Video not found", "param": None}},
        "not_found",
    ),
    # legacy numeric codes (heygen-api.md §6)
    (400, {"code": 40031, "message": "Invalid video id"}, "not_found"),
    (400, {"code": 400599, "message": "Tier not supported"}, "unsupported_avatar"),
    (400, {"code": 40001, "message": "Missing params"}, "invalid_request"),
    (400, {"code": 400105, "message": "Blocked words detected"}, "invalid_request"),
    (
        400,
        {"error": {"code": "avatar_not_supported", "message": "Avatar IV only"}},
        "unsupported_avatar",
    ),
    (
        400,
        {"error": {"code": "invalid_parameter", "message": "x", "param": "resolution"}},
        "invalid_request",
    ),
]
UNAUTHORIZED: list[tuple[int, Any]] = [
    (401, {"error": {"code": "unauthorized", "message": "Invalid key"}}),
    (401, {"error": {"code": 400112, "message": "Unauthorized"}}),
    (400, {"code": 40009, "message": "Invalid credentials"}),
    (403, {"error": {"code": "forbidden", "message": "No API access", "param": None}}),
    (200, {"data": None, "error": {"code": "internal_error", "message": "forbidden"}}),
    (400, {"code": 400631, "message": "User blocked"}),
]
UNAVAILABLE: list[tuple[int, Any]] = [
    (429, {"error": {"code": "rate_limit_exceeded", "message": "Slow down"}}),
    (429, {"error": {"code": 400140, "message": "Exceed rate limit"}}),
    (500, {"error": {"code": "internal_error", "message": "boom"}}),
    (502, None),
    (503, "<html>Service Unavailable</html>"),
    (408, None),
]


def _info(status: int, payload: Any) -> Any:
    if isinstance(payload, str):
        return error_info(status, None, payload)
    return error_info(status, payload)


@pytest.mark.parametrize(("status", "payload", "reason"), REJECTED)
def test_rejections_carry_the_reason_and_heygens_words(
    status: int, payload: Any, reason: str
) -> None:
    err = classify(_info(status, payload))
    assert isinstance(err, EngineRejected)
    assert err.reason == reason
    assert err.message.startswith("HeyGen: ")


@pytest.mark.parametrize(("status", "payload"), UNAUTHORIZED)
def test_bad_key_or_no_access_is_unauthorised(status: int, payload: Any) -> None:
    assert isinstance(classify(_info(status, payload)), EngineUnauthorized)


@pytest.mark.parametrize(("status", "payload"), UNAVAILABLE)
def test_busy_or_down_is_unavailable_with_retry_after(status: int, payload: Any) -> None:
    err = classify(_info(status, payload), 7.0)
    assert isinstance(err, EngineUnavailable)
    assert err.retry_after == 7.0


def test_error_detail_and_code_reach_the_message() -> None:
    info = error_info(
        400,
        {
            "error": {
                "code": 400140,
                "message": "Exceed rate limit",
                "detail": "Daily rate limit exceeded",
            }
        },
    )
    assert (info.code, info.message, info.detail) == (
        "400140",
        "Exceed rate limit",
        "Daily rate limit exceeded",
    )
    assert "Daily rate limit exceeded" in info.text() and "[400140]" in info.text()


def test_non_json_error_text_is_kept_short() -> None:
    info = error_info(502, None, "<html>  bad\n gateway </html>" * 100)
    assert len(info.message) <= 300 and "bad gateway" in info.message


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), (" 0 ", 0.0), ("1.5", 1.5), ("-4", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_retry_after_seconds(header: str | None, seconds: float | None) -> None:
    assert retry_after(header) == seconds


def test_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0


class TestOverHttp:
    """The same shapes arriving as real answers (via MockTransport) raise the mapped error."""

    def test_v1_error_inside_a_200_body(self, script: Script) -> None:
        answer = httpx.Response(200, json={"code": 40031, "message": "Invalid video id"})
        with pytest.raises(EngineRejected) as err:
            script.then(answer).engine("v2").status("nope")
        assert err.value.reason == "not_found"

    def test_v2_error_inside_a_200_body(self, script: Script) -> None:
        body = {"data": None, "error": {"code": "avatar_not_found", "message": "Avatar gone"}}
        with pytest.raises(EngineRejected) as err:
            script.then(httpx.Response(200, json=body)).engine("v2").avatars()
        assert err.value.reason == "unknown_avatar"

    def test_401_is_not_retried(self, script: Script) -> None:
        body = {"error": {"code": "unauthorized", "message": "bad key"}}
        with pytest.raises(EngineUnauthorized):
            script.then(httpx.Response(401, json=body)).engine().voices()
        assert len(script.requests) == 1 and script.sleeps == []

    def test_unknown_video_is_not_found(self, script: Script) -> None:
        body = {"error": {"code": "not_found", "message": "Video not found"}}
        with pytest.raises(EngineRejected) as err:
            script.then(httpx.Response(404, json=body)).engine().status("nope")
        assert err.value.reason == "not_found"
