"""
Turn every HeyGen error shape into one of our engine errors.

HeyGen answers errors in three envelopes (heygen-api.md §6, heygen-v3.md §5):
v2 `{"data": null, "error": {"code": str|int, "message", "detail"?}}`,
v1 `{"code": <int other than 100>, "message": str}` and
v3 `{"error": {"code": str, "message", "param", "doc_url"}}`; the code may be a
string or an int, and an error can arrive in a 200 body. `classify` maps them to
EngineUnauthorized, EngineRejected(reason) or EngineUnavailable(retry_after).
"""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime
from typing import Any

import attrs

from revideo.domain.errors import (
    EngineError,
    EngineRejected,
    EngineUnauthorized,
    EngineUnavailable,
)
from revideo.domain.failure import FailureKind

V1_SUCCESS = 100

_UNAUTHORIZED = frozenset(
    {"unauthorized", "forbidden", "invalid_api_key", "authentication_failed"}
    | {"40009", "400112", "400101", "400562", "400573", "400631"}
)
_RATE_LIMIT = frozenset({"rate_limit_exceeded", "too_many_requests", "400140"})
_BY_CODE = {
    "avatar_not_found": "unknown_avatar",
    "talking_photo_not_found": "unknown_avatar",
    "voice_not_found": "unknown_voice",
    "insufficient_credit": "no_credit",
    "insufficient_credits": "no_credit",
    "insufficient_quota": "no_credit",
    "payment_required": "no_credit",
    "not_found": "not_found",
    "video_not_found": "not_found",
    "40031": "not_found",
    "40119": "script_too_long",
    "400599": "unsupported_avatar",
    "avatar_not_supported": "unsupported_avatar",
    "trial_limit_exceeded": "trial_limit",
}
# Phrases in message/detail that say which rule was broken, checked in order.
_BY_TEXT: tuple[tuple[tuple[str, ...], str], ...] = (
    (("daily",), "trial_limit"),
    (("trial",), "trial_limit"),
    (("test video", "limit"), "trial_limit"),
    (("credit",), "no_credit"),
    (("quota",), "no_credit"),
    (("avatar", "not support"), "unsupported_avatar"),
    (("avatar", "not found"), "unknown_avatar"),
    (("avatar", "no longer available"), "unknown_avatar"),
    (("talking photo", "not found"), "unknown_avatar"),
    (("voice", "not found"), "unknown_voice"),
    (("voice", "does not exist"), "unknown_voice"),
    (("invalid voice id",), "unknown_voice"),
    (("avatar", "does not exist"), "unknown_avatar"),
    (("at most", "character"), "script_too_long"),
    (("too long",), "script_too_long"),
)


@attrs.frozen
class ErrorInfo:
    """What one HeyGen error answer said, whatever its envelope."""

    status: int
    code: str = ""
    message: str = ""
    detail: str = ""

    def text(self) -> str:
        """A sentence for the user: HeyGen's own words, and the code."""
        words = self.message or f"HTTP {self.status}"
        if self.detail and self.detail not in words:
            words = f"{words} ({self.detail})"
        code = f" [{self.code}]" if self.code else ""
        return f"HeyGen: {words}{code}"


def error_info(status: int, payload: Any, text: str = "") -> ErrorInfo:
    """Read code, message and detail out of any of HeyGen's error envelopes."""
    found = body_error(payload, status)
    if found is not None:
        return found
    return ErrorInfo(status, message=" ".join(text.split())[:300])


def body_error(payload: Any, status: int = 200) -> ErrorInfo | None:
    """The error a decoded body carries (v2/v3 `error`, v1 `code`), else None."""
    if not isinstance(payload, dict):
        return None
    err = payload.get("error")
    if isinstance(err, dict) and (err.get("code") is not None or err.get("message")):
        detail = err.get("detail") or err.get("param") or ""
        return ErrorInfo(status, _s(err.get("code")), _s(err.get("message")), _s(detail))
    if isinstance(err, str) and err:
        return ErrorInfo(status, message=err)
    code = payload.get("code")
    if code is None or _s(code) == str(V1_SUCCESS):
        return None
    message = payload.get("message") or payload.get("msg") or ""
    return ErrorInfo(status, _s(code), _s(message))


def classify(info: ErrorInfo, retry_after: float | None = None) -> EngineError:
    """Map one error answer to unauthorised, rejected (with a reason) or unavailable."""
    code = info.code.lower()
    if info.status == 401 or code in _UNAUTHORIZED or info.message.lower() in _UNAUTHORIZED:
        return EngineUnauthorized(f"{info.text()}: check HEYGEN_API_KEY and the plan's API access")
    reason = _reason(info, code)
    if reason is not None:
        return EngineRejected(reason, info.text())
    if info.status == 429 or code in _RATE_LIMIT:
        return EngineUnavailable(f"{info.text()}: busy, retry later", retry_after)
    if info.status in (408, 409) or info.status >= 500:
        return EngineUnavailable(f"{info.text()}: HeyGen is unavailable", retry_after)
    if info.status == 403:
        return EngineUnauthorized(f"{info.text()}: the key has no access to this API")
    return EngineRejected("invalid_request", info.text())


def render_failure(code: Any, message: str | None, detail: str | None = None) -> FailureKind:
    """The kind of a render HeyGen failed after taking it, from its failure code and words.

    A reason a new attempt would repeat (too long, unknown avatar, no credit...)
    is that reason; anything else is a passing render failure.
    """
    info = ErrorInfo(0, _s(code), message or "", detail or "")
    reason = _reason(info, info.code.lower())
    return FailureKind.of_reason(reason) if reason else FailureKind.RENDER_FAILED


def _reason(info: ErrorInfo, code: str) -> str | None:
    if code in _BY_CODE:
        return _BY_CODE[code]
    words = f"{info.message} {info.detail}".lower()
    for needles, reason in _BY_TEXT:
        if all(n in words for n in needles):
            return reason
    if info.status == 402:
        return "no_credit"
    if info.status == 404:
        return "not_found"
    return None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _s(value: Any) -> str:
    return "" if value is None else str(value)
