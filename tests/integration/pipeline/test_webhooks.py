"""The webhook endpoint and the cron endpoint over the pipeline: what arrives twice,
late, out of order or forged changes nothing it should not, and nothing answers 500."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from flask.testing import FlaskClient

from revideo.adapters.heygen.webhooks import sign
from revideo.domain.video import Video, VideoStatus
from revideo.entrypoints.web import create_app
from tests.integration.pipeline.harness import SECRET, Rig

pytestmark = pytest.mark.integration


@pytest.fixture
def client(rig: Rig) -> FlaskClient:
    app = create_app(rig.svc, {"TESTING": True})
    return app.test_client()


def event(kind: str, video: Video, **data: Any) -> bytes:
    body = {"event_type": kind, "event_data": {"video_id": video.engine_video_id, **data}}
    return json.dumps(body).encode()


def deliver(client: FlaskClient, body: bytes, secret: str = SECRET) -> Any:
    return client.post(
        "/api/heygen/webhook",
        data=body,
        headers={"Signature": sign(secret, body), "Content-Type": "application/json"},
    )


def finished(rig: Rig) -> Video:
    """A video the simulator has finished rendering, still pending on our side."""
    video = rig.submitted(1)[0]
    rig.advance(60)
    return video


def test_forged_webhooks_change_nothing(rig: Rig, client: FlaskClient) -> None:
    video = finished(rig)
    body = event("avatar_video.fail", video, msg="forged")
    before = (rig.video(video.id), rig.svc.videos.jobs(rig.actor, video.id))
    assert deliver(client, body, secret="not-the-secret").status_code == 401
    unsigned = client.post("/api/heygen/webhook", data=body)
    assert unsigned.status_code == 401
    assert (rig.video(video.id), rig.svc.videos.jobs(rig.actor, video.id)) == before


def test_duplicate_out_of_order_and_late_reports_are_no_ops(rig: Rig, client: FlaskClient) -> None:
    video = finished(rig)
    url = rig.engine.status(video.engine_video_id or "").video_url
    success = event("avatar_video.success", video, url=url, callback_id="x")
    first = deliver(client, success)
    assert first.status_code == 200 and first.json["status"] == "completed"
    done = rig.video(video.id)
    assert deliver(client, success).status_code == 200  # duplicate
    assert deliver(client, event("avatar_video.fail", video, msg="late")).status_code == 200
    assert rig.video(video.id) == done, "a duplicate or a later failure changes nothing"
    rig.svc.pipeline.run_round()  # the poller comes later still; archive fills in the rest
    kept = rig.video(video.id)
    assert kept.archived_at is not None and kept.meta.duration
    (job,) = rig.svc.videos.jobs(rig.actor, video.id)
    assert job.status is VideoStatus.COMPLETED and job.cost_credits is not None
    assert deliver(client, success).status_code == 200  # very late duplicate
    assert rig.video(video.id) == kept, "the archived copy stays the video's file"


def test_unknown_and_uninteresting_events_are_acknowledged(rig: Rig, client: FlaskClient) -> None:
    ghost = Video(id="x", user_id="y", property_id="z", title="t", engine_video_id="f" * 32)
    answer = deliver(client, event("avatar_video.success", ghost, url="http://127.0.0.1/x"))
    assert answer.status_code == 200 and answer.json["unknown"] == "f" * 32
    gif = deliver(client, event("avatar_video_gif.success", ghost))
    assert gif.status_code == 200 and gif.json["ignored"]


def test_a_report_for_an_earlier_attempt_is_stale(rig: Rig, client: FlaskClient) -> None:
    rig.sim.inject("fail_render", 1, message="Video generation failed")
    video = finished(rig)
    rig.svc.pipeline.sync()
    failed = rig.video(video.id)
    assert failed.status is VideoStatus.FAILED
    again = rig.svc.videos.retry(rig.actor, video.id)
    stale = deliver(client, event("avatar_video.fail", failed, msg="old news"))
    assert stale.status_code == 200
    assert rig.video(video.id) == again


def test_webhooks_racing_the_poller_lose_no_update(rig: Rig, client: FlaskClient) -> None:
    videos = rig.submitted(30)
    rig.advance(60)
    urls = {v.id: rig.engine.status(v.engine_video_id or "").video_url for v in videos}
    bodies = [event("avatar_video.success", v, url=urls[v.id]) for v in videos]
    answers: list[int] = []

    def send(part: list[bytes]) -> None:
        local = client.application.test_client()
        answers.extend(deliver(local, b).status_code for b in part)

    senders = [threading.Thread(target=send, args=(bodies[i::3],)) for i in range(3)]
    for t in senders:
        t.start()
    rig.svc.pipeline.sync()
    for t in senders:
        t.join()
    assert answers == [200] * 30
    assert {rig.video(v.id).status for v in videos} == {VideoStatus.COMPLETED}


def test_cron_sync_needs_its_secret_and_survives_an_outage(rig: Rig, client: FlaskClient) -> None:
    videos = rig.submitted(10)
    assert client.post("/api/cron/sync-status").status_code == 401
    auth = {"Authorization": "Bearer cron-secret"}
    rig.sim.inject("server_error", 10_000, status=503)
    for _ in range(3):
        rig.advance(60)
        answer = client.post("/api/cron/sync-status", headers=auth)
        assert answer.status_code == 200 and answer.json["sync"]["changed"] == 0
    assert {rig.video(v.id).status for v in videos} == {VideoStatus.PENDING}
    rig.sim.faults.clear()
    for _ in range(3):
        rig.advance(60)
        assert client.post("/api/cron/sync-status", headers=auth).status_code == 200
    assert all(rig.video(v.id).archived_at for v in videos)
