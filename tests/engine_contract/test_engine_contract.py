"""
One contract, every engine: the fake, HeyGen (v3 and v2) over the local
simulator, and the offline local engine. What the pipeline relies on must hold
for each of them alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from revideo.domain.errors import EngineRejected, WebhookRejected
from revideo.domain.video import VideoStatus
from revideo.ports.video_engine import RenderRequest, VideoEngine
from tests.support import Clock

SCRIPT = "Welcome to a sunny loft by the river. Two bedrooms, and a roof terrace."


@attrs.frozen
class Driver:
    """An engine, and how to let time pass for it."""

    engine: VideoEngine
    wait: Callable[[], None]


@pytest.fixture(
    params=[
        "fake",
        pytest.param("heygen-v3", marks=pytest.mark.integration),
        pytest.param("heygen-v2", marks=pytest.mark.integration),
        pytest.param("local", marks=[pytest.mark.integration, pytest.mark.slow]),
    ]
)
def driver(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Driver]:
    kind = str(request.param)
    if kind == "fake":
        from revideo.adapters.memory.engine import FakeVideoEngine

        clock = Clock()
        yield Driver(FakeVideoEngine(clock), lambda: clock.advance(minutes=5))
    elif kind.startswith("heygen"):
        from revideo.adapters.heygen import HeyGenEngine
        from revideo.adapters.heygen.simulator import HeyGenSimulator

        with HeyGenSimulator("contract-key", speed=0, media_dir=tmp_path) as sim:
            version = kind.split("-")[1]
            engine = HeyGenEngine(
                "contract-key", base_url=sim.base_url, api_version=version, sleep=lambda s: None
            )
            with engine:
                yield Driver(engine, lambda: sim.advance(600))
    else:
        from revideo.adapters.local_engine import LocalEngine

        engine = LocalEngine(tmp_path / "renders")
        yield Driver(engine, lambda: time.sleep(0.5))
        close = getattr(engine, "close", None)
        if close:
            close()


def request_for(engine: VideoEngine, handle: str, **changes: object) -> RenderRequest:
    base = RenderRequest(
        handle=handle,
        title="Loft",
        script=SCRIPT,
        avatar_id=engine.avatars()[0].id,
        voice_id=engine.voices()[0].id,
    )
    return attrs.evolve(base, **changes)


def settle(driver: Driver, engine_id: str, seconds: float = 90) -> VideoStatus:
    deadline = time.monotonic() + seconds
    while True:
        driver.wait()
        report = driver.engine.status(engine_id)
        if report.status.terminal or time.monotonic() > deadline:
            return report.status


def test_lists_avatars_and_voices(driver: Driver) -> None:
    for items in (driver.engine.avatars(), driver.engine.voices()):
        ids = [item.id for item in items]
        assert ids and len(ids) == len(set(ids)) and all(ids)


def test_a_render_runs_to_completion_with_a_file(driver: Driver) -> None:
    engine = driver.engine
    engine_id = engine.create(request_for(engine, "job-1"))
    first = engine.status(engine_id)
    assert first.engine_video_id == engine_id and first.status.in_flight
    if engine.idempotent_create:  # a lost answer may be re-sent: the same render comes back
        assert engine.create(request_for(engine, "job-1")) == engine_id
    assert settle(driver, engine_id) is VideoStatus.COMPLETED
    done = engine.status(engine_id)
    assert done.video_url and done.duration and done.duration > 0
    data = b"".join(engine.fetch(done.video_url))
    assert len(data) > 100


def test_unknown_avatar_and_overlong_script_are_rejected(driver: Driver) -> None:
    engine = driver.engine
    with pytest.raises(EngineRejected) as exc:
        engine.create(request_for(engine, "job-2", avatar_id="no-such-avatar"))
    assert exc.value.reason in ("unknown_avatar", "unsupported_avatar")
    with pytest.raises(EngineRejected) as exc:
        engine.create(request_for(engine, "job-3", script="word " * engine.max_script_chars))
    assert exc.value.reason == "script_too_long"


def test_unknown_render_is_not_found(driver: Driver) -> None:
    with pytest.raises(EngineRejected) as exc:
        driver.engine.status("0123456789abcdef0123456789abcdef")
    assert exc.value.reason == "not_found"


def test_a_forged_webhook_is_refused(driver: Driver) -> None:
    body = b'{"event_type": "avatar_video.success", "event_data": {"video_id": "x"}}'
    try:
        result = driver.engine.parse_webhook(body, {"Signature": "0" * 64})
    except WebhookRejected:
        return
    assert result is None, "an engine without webhooks must not accept one"
