"""Reads retry with capped backoff honouring Retry-After; a create is never blindly re-sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from revideo.domain.errors import (
    EngineOutcomeUnknown,
    EngineRejected,
    EngineUnavailable,
)
from revideo.ports.video_engine import RenderRequest

if TYPE_CHECKING:
    from conftest import Script

VOICES = {"error": None, "data": {"voices": [{"voice_id": "v1", "name": "Sara"}]}}
CREATED = {"data": {"video_id": "v_1", "status": "waiting"}}
BUSY = {"error": {"code": "rate_limit_exceeded", "message": "Slow down"}}
DOWN = {"error": {"code": "internal_error", "message": "boom"}}
REQUEST = RenderRequest(
    handle="job-7", title="T", script="Hello.", avatar_id="a1", voice_id="v1", captions=False
)


def r(status: int, payload: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


class TestReads:
    def test_429_waits_exactly_retry_after_then_succeeds(self, script: Script) -> None:
        engine = script.then(r(429, BUSY, **{"Retry-After": "3"}), r(200, VOICES)).engine("v2")
        assert [v.id for v in engine.voices()] == ["v1"]
        assert script.sleeps == [3.0]

    def test_backoff_doubles_and_is_capped(self, script: Script) -> None:
        script.then(*[r(503, DOWN)] * 6, r(200, VOICES))
        engine = script.engine("v2", max_retries=6)
        engine.voices()
        assert script.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]

    def test_gives_up_after_max_retries_as_unavailable(self, script: Script) -> None:
        script.then(*[r(500, DOWN)] * 4)
        with pytest.raises(EngineUnavailable):
            script.engine("v2", max_retries=3).voices()
        assert len(script.requests) == 4 and len(script.sleeps) == 3

    def test_retry_after_longer_than_the_cap_is_handed_to_the_caller(self, script: Script) -> None:
        script.then(r(429, BUSY, **{"Retry-After": "120"}))
        with pytest.raises(EngineUnavailable) as err:
            script.engine("v2", max_retry_wait=10).voices()
        assert err.value.retry_after == 120.0
        assert script.sleeps == [] and len(script.requests) == 1

    def test_timeouts_and_connection_errors_are_retried(self, script: Script) -> None:
        script.then(httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), r(200, VOICES))
        assert len(script.engine("v2").voices()) == 1
        assert script.sleeps == [0.5, 1.0]

    def test_rejections_are_not_retried(self, script: Script) -> None:
        script.then(r(404, {"error": {"code": "not_found", "message": "Video not found"}}))
        with pytest.raises(EngineRejected):
            script.engine().status("x")
        assert len(script.requests) == 1

    def test_lists_are_cached(self, script: Script) -> None:
        now = [0.0]
        engine = script.then(r(200, VOICES), r(200, VOICES)).engine(
            "v2", clock=lambda: now[0], cache_seconds=60
        )
        engine.voices()
        engine.voices()
        assert len(script.requests) == 1
        now[0] = 61.0
        engine.voices()
        assert len(script.requests) == 2


TRANSPORT_FAILURES = [
    httpx.ReadTimeout("no answer"),
    httpx.WriteTimeout("stalled"),
    httpx.RemoteProtocolError("server hung up"),
    httpx.ReadError("reset"),
]
IN_PROGRESS = {"error": {"code": "request_in_progress", "message": "Still running"}}


class TestCreateIsNeverBlindlyResent:
    @pytest.mark.parametrize("failure", TRANSPORT_FAILURES)
    def test_v2_transport_failure_after_sending_is_outcome_unknown(
        self, script: Script, failure: Exception
    ) -> None:
        script.then(failure, r(200, CREATED))
        with pytest.raises(EngineOutcomeUnknown) as err:
            script.engine("v2").create(REQUEST)
        assert err.value.handle == "job-7"
        assert len(script.requests) == 1

    @pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
    def test_v2_server_error_is_outcome_unknown(self, script: Script, status: int) -> None:
        script.then(r(status, DOWN), r(200, CREATED))
        with pytest.raises(EngineOutcomeUnknown):
            script.engine("v2").create(REQUEST)
        assert len(script.requests) == 1
        assert "idempotency-key" not in script.requests[0].headers

    @pytest.mark.parametrize(
        "first", [*TRANSPORT_FAILURES, r(500, DOWN), r(503, DOWN), r(409, IN_PROGRESS)]
    )
    def test_v3_resends_with_the_same_idempotency_key(self, script: Script, first: object) -> None:
        script.then(first, r(200, CREATED))  # type: ignore[arg-type]
        assert script.engine().create(REQUEST) == "v_1"
        keys = [q.headers["idempotency-key"] for q in script.requests]
        assert keys == ["revideo:job-7", "revideo:job-7"]
        assert script.requests[0].content == script.requests[1].content

    def test_v3_gives_up_as_outcome_unknown_when_every_resend_fails(self, script: Script) -> None:
        script.then(r(500, DOWN), r(500, DOWN), r(409, IN_PROGRESS))
        with pytest.raises(EngineOutcomeUnknown):
            script.engine(max_retries=2).create(REQUEST)
        assert len(script.requests) == 3

    def test_v3_key_is_derived_from_the_render_attempt(self, script: Script) -> None:
        odd = RenderRequest(
            handle="a b/ç" + "x" * 300, title="T", script="Hi.", avatar_id="a1", voice_id=""
        )
        script.then(r(200, CREATED), r(200, CREATED)).engine().create(odd)
        script.engine().create(REQUEST)
        first, second = (q.headers["idempotency-key"] for q in script.requests)
        assert len(first) == 255 and first.startswith("revideo:a_b__")
        assert all(c.isalnum() or c in "_:.-" for c in first)
        assert second == "revideo:job-7"

    def test_accepted_without_an_id_is_outcome_unknown(self, script: Script) -> None:
        script.then(httpx.Response(200, content=b"<html>ok</html>"))
        with pytest.raises(EngineOutcomeUnknown):
            script.engine().create(REQUEST)

    def test_refused_connection_is_safe_to_resend(self, script: Script) -> None:
        script.then(httpx.ConnectError("refused"), r(200, CREATED))
        assert script.engine().create(REQUEST) == "v_1"
        assert len(script.requests) == 2 and script.sleeps == [0.5]

    def test_429_is_a_refusal_so_it_is_resent_after_retry_after(self, script: Script) -> None:
        script.then(r(429, BUSY, **{"Retry-After": "2"}), r(200, CREATED))
        assert script.engine().create(REQUEST) == "v_1"
        assert script.sleeps == [2.0]
        assert script.requests[0].content == script.requests[1].content

    def test_daily_trial_limit_is_rejected_not_retried(self, script: Script) -> None:
        body = {
            "error": {
                "code": 400140,
                "message": "Exceed rate limit",
                "detail": "Daily rate limit exceeded",
            }
        }
        script.then(r(429, body, **{"Retry-After": "1"}))
        with pytest.raises(EngineRejected) as err:
            script.engine("v2").create(REQUEST)
        assert err.value.reason == "trial_limit"
        assert len(script.requests) == 1
