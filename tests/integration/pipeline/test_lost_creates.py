"""
A create whose answer is lost, at each point it can be lost, on PostgreSQL and the
simulator (issue 16): before it is sent (the worker dies first), after it is sent but
before the answer is read (the worker dies), a 5xx after HeyGen accepted it, and a
timeout after HeyGen accepted it.

v3 sends every create with an Idempotency-Key made from the render attempt, so the
lost create is simply sent again and HeyGen answers with the render it started: each
video ends completed with exactly one render in the simulator's ledger and one charge.
v2 has no such key: the video ends waiting (never re-rendered), and the render's late
webhook, which names our attempt in callback_id, is adopted.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient

from revideo.adapters.heygen import HeyGenEngine
from revideo.domain.failure import FailureKind
from revideo.domain.video import VideoStatus
from revideo.entrypoints.web import create_app
from revideo.ports.video_engine import RenderRequest
from tests.integration.heygen.conftest import Receiver
from tests.integration.pipeline.harness import (
    CountingSimulator,
    Rig,
    build_rig,
    make_engine,
    make_services,
)

pytestmark = pytest.mark.integration
LOSS_POINTS = ("before_send", "after_send", "5xx_after_accept", "timeout_after_accept")


class Died(Exception):
    """The worker process died here (nothing after this line of it ran)."""


class LosingTransport(httpx.BaseTransport):
    """The network: after the first `count` creates reach HeyGen, their answers are lost."""

    def __init__(self, count: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.count = count

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith(("/v3/videos", "/generate")):
            response.read()
            if self.count > 0:
                self.count -= 1
                raise httpx.ReadTimeout("the answer never came", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


class DyingEngine:
    """The worker's engine port: the process dies just before or just after `create`."""

    def __init__(self, inner: HeyGenEngine, when: str) -> None:
        self.inner, self.when = inner, when

    def create(self, request: RenderRequest) -> str:
        if self.when == "before_send":
            raise Died("before the create was sent")
        self.inner.create(request)
        raise Died("after the create was sent, before its answer was kept")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(params=["v3", "v2"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def world(sim: CountingSimulator, pg_database: Any, tmp_path: Path, version: str) -> Iterator[Rig]:
    engine = make_engine(sim, api_version=version)
    rig = build_rig(sim, pg_database, tmp_path, engine=engine)
    try:
        yield rig
    finally:
        engine.close()


def lose_a_create(rig: Rig, point: str, version: str) -> str:
    """Submit one video and lose its create at `point`; return the video id."""
    video = rig.draft("Lost answer", script_content=" ".join(["word"] * 150))  # 60 s
    svc = rig.svc
    if point in ("before_send", "after_send"):
        dying = DyingEngine(rig.engine, point)
        svc = make_services(rig.db, dying, rig.store, rig.clock, rig.data_dir)
    elif point == "5xx_after_accept":
        rig.sim.inject("error_after_accept", method="POST", status=502)
    else:
        losing = make_engine(rig.sim, api_version=version, transport=LosingTransport(1))
        svc = make_services(rig.db, losing, rig.store, rig.clock, rig.data_dir)
    try:
        svc.videos.submit(rig.actor, video.id)
    except Exception as exc:
        print(f"the worker's submit ended with {type(exc).__name__}: {exc}")
    return video.id


def run_rounds(rig: Rig, rounds: int = 6) -> None:
    """A new worker, rounds minutes apart (grace periods and leases run out)."""
    worker = rig.pipeline()
    for _ in range(rounds):
        rig.advance(120)
        worker.run_round()


def ledger(rig: Rig) -> list[Any]:
    with rig.sim.state.lock:
        return list(rig.sim.state.jobs.values())


@pytest.mark.parametrize("point", LOSS_POINTS)
def test_a_lost_create_renders_once_on_v3_and_waits_on_v2(
    world: Rig, point: str, version: str
) -> None:
    if version == "v3":
        v3_renders_and_charges_once(world, point)
    else:
        v2_ends_waiting(world, point)


def v3_renders_and_charges_once(world: Rig, point: str) -> None:
    credits = world.sim.state.credits
    video_id = lose_a_create(world, point, "v3")
    run_rounds(world)
    video = world.video(video_id)
    assert video.status is VideoStatus.COMPLETED and video.archived_at is not None
    [render] = ledger(world)  # exactly one render in HeyGen's ledger
    [job] = world.svc.videos.jobs(world.actor, video_id)
    assert render.callback_id == job.id and job.engine_video_id == render.id
    assert render.charged == 6.0 and world.sim.state.credits == credits - 6.0, "one charge"
    assert job.cost_credits == Decimal(6), "and we book that one charge: 60 s of Avatar IV"


def v2_ends_waiting(world: Rig, point: str) -> None:
    video_id = lose_a_create(world, point, "v2")
    sent = len(ledger(world))
    assert sent == (0 if point == "before_send" else 1)
    run_rounds(world)
    assert len(ledger(world)) == sent, "never sent again by itself"
    video = world.video(video_id)
    assert video.status is VideoStatus.DRAFT
    assert "waits for the engine's webhook" in (video.error_message or "")
    [job] = world.svc.videos.jobs(world.actor, video_id)
    assert job.status is VideoStatus.FAILED and job.failure_kind is FailureKind.OUTCOME_UNKNOWN


@pytest.mark.parametrize("signing", ["legacy", "standard"])
def test_an_orphaned_renders_late_webhook_is_adopted_by_callback_id(
    sim: CountingSimulator, pg_database: Any, tmp_path: Path, signing: str
) -> None:
    sim.deliverer.signing = signing
    receiver = Receiver()
    try:
        registrar = make_engine(sim, api_version="v2")
        endpoint = registrar.register_webhook(receiver.url)
        engine = make_engine(sim, api_version="v2", webhook_secret=endpoint.secret)
        rig = build_rig(sim, pg_database, tmp_path, engine=engine)
        video_id = lose_a_create(rig, "after_send", "v2")
        run_rounds(rig, 2)
        assert rig.video(video_id).status is VideoStatus.DRAFT, "waiting"
        rig.advance(60)  # HeyGen finishes the render and posts its webhook
        assert sim.wait_for_webhooks()
        [(headers, body)] = receiver.received
        client: FlaskClient = create_app(rig.svc, {"TESTING": True}).test_client()
        answer = client.post("/api/heygen/webhook", data=body, headers=headers)
        assert answer.status_code == 200 and answer.json["status"] == "completed"
        [render] = ledger(rig)
        [job] = rig.svc.videos.jobs(rig.actor, video_id)
        assert (job.engine_video_id, job.status, job.failure_kind) == (
            render.id,
            VideoStatus.COMPLETED,
            None,
        )
        assert rig.video(video_id).engine_video_id == render.id
        run_rounds(rig, 2)
        assert rig.video(video_id).archived_at is not None
        assert len(ledger(rig)) == 1
        engine.close()
        registrar.close()
    finally:
        receiver.close()
