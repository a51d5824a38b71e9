"""Webhook signatures through the web endpoint on PostgreSQL (issue 16): the legacy
`Signature` scheme and Standard Webhooks both verify; a replayed delivery id, a stale
timestamp and a delivery that verifies under neither change nothing, and the refusal
is logged with header names only."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from flask.testing import FlaskClient
from standardwebhooks.webhooks import Webhook

from revideo.adapters.heygen.webhooks import sign
from revideo.domain.profile import Actor
from revideo.domain.video import Video, VideoStatus
from revideo.entrypoints.web import create_app
from tests.integration.pipeline.harness import SECRET, Rig

pytestmark = pytest.mark.integration


@pytest.fixture
def client(rig: Rig) -> FlaskClient:
    return create_app(rig.svc, {"TESTING": True}).test_client()


def success(rig: Rig, video: Video) -> bytes:
    url = rig.engine.status(video.engine_video_id or "").video_url
    data = {"video_id": video.engine_video_id, "url": url, "callback_id": "x"}
    return json.dumps({"event_type": "avatar_video.success", "event_data": data}).encode()


def standard(
    body: bytes, msg_id: str, at: datetime | None = None, secret: str = SECRET
) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "Content-Type": "application/json",
    }


def finished(rig: Rig) -> Video:
    [video] = rig.submitted(1)
    rig.advance(60)
    return video


def test_both_schemes_verify(rig: Rig, client: FlaskClient) -> None:
    first, second = finished(rig), finished(rig)
    body = success(rig, first)
    legacy = {"Signature": sign(SECRET, body), "Content-Type": "application/json"}
    answer = client.post("/api/heygen/webhook", data=body, headers=legacy)
    assert answer.status_code == 200 and answer.json["status"] == "completed"
    body = success(rig, second)
    answer = client.post("/api/heygen/webhook", data=body, headers=standard(body, "msg_1"))
    assert answer.status_code == 200 and answer.json["status"] == "completed"


def test_a_replayed_delivery_changes_nothing(rig: Rig, client: FlaskClient) -> None:
    video = finished(rig)
    body = success(rig, video)
    headers = standard(body, "msg_replayed")
    assert (
        client.post("/api/heygen/webhook", data=body, headers=headers).json["status"] == "completed"
    )
    done = rig.video(video.id)
    again = client.post("/api/heygen/webhook", data=body, headers=headers)
    assert again.status_code == 200 and "status" not in again.json
    assert rig.video(video.id) == done
    with rig.db.unit_of_work(Actor.service()) as uow:
        assert not uow.webhook_deliveries.claim("msg_replayed", datetime.now(UTC)), "recorded"


def test_a_delivery_id_is_taken_once_even_for_another_report(rig: Rig) -> None:
    """The id, not the body, decides: a second report under a used id is not applied."""
    one, two = finished(rig), finished(rig)
    pipeline = rig.svc.pipeline
    for video, expect in ((one, VideoStatus.COMPLETED), (two, VideoStatus.PENDING)):
        report = rig.engine.status(video.engine_video_id or "")
        pipeline.apply_report(attrs.evolve(report, delivery_id="msg_same"))
        assert rig.video(video.id).status is expect


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_stale_or_future_timestamp_is_refused(
    rig: Rig, client: FlaskClient, skew: timedelta
) -> None:
    video = finished(rig)
    body = success(rig, video)
    headers = standard(body, "msg_stale", datetime.now(UTC) + skew)
    answer = client.post("/api/heygen/webhook", data=body, headers=headers)
    assert answer.status_code == 401 and "timestamp" in answer.json["error"]
    assert rig.video(video.id).status is VideoStatus.PENDING


def test_an_unverifiable_delivery_is_refused_and_logged_by_header_names(
    rig: Rig, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    video = finished(rig)
    body = success(rig, video)
    forged = standard(body, "msg_forged", secret="whsec_" + "QUJD" * 8)
    forged["Signature"] = sign("not-the-secret", body)
    forged["X-Trace"] = "trace-value-7731"
    with caplog.at_level(logging.WARNING, logger="revideo.adapters.heygen.webhooks"):
        answer = client.post("/api/heygen/webhook", data=body, headers=forged)
    assert answer.status_code == 401
    assert rig.video(video.id).status is VideoStatus.PENDING
    [record] = [r for r in caplog.records if "webhook refused" in r.getMessage()]
    logged = record.getMessage()
    assert "webhook-signature" in logged and "x-trace" in logged and "signature" in logged
    for value in forged.values():
        if value != "application/json":
            assert value not in logged, "values are never logged"
