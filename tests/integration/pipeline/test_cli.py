"""`revideo videos ...` and `revideo worker`, configured through the environment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from revideo.domain.video import VideoStatus
from revideo.entrypoints.commands import _common
from revideo.entrypoints.commands.videos import command as videos
from tests.integration.pipeline.harness import KEY, SECRET, Rig

pytestmark = pytest.mark.integration


@pytest.fixture
def env(rig: Rig, pg_server: Any) -> Iterator[dict[str, str]]:
    values = {
        "REVIDEO_DATABASE_URL": pg_server.admin,  # may migrate (nothing is pending)
        "REVIDEO_DATA_DIR": str(rig.data_dir / "cli"),
        "REVIDEO_ENGINE": "heygen",
        "HEYGEN_API_KEY": KEY,
        "HEYGEN_BASE_URL": rig.sim.base_url,
        "HEYGEN_WEBHOOK_SECRET": SECRET,
        "REVIDEO_SECRET_KEY": "cli-tests",
        "REVIDEO_USER": "owner@example.com",
    }
    yield values


def run(env: dict[str, str], *args: str) -> Any:
    state = _common.Cli()  # each command a run of its own, as from a shell
    try:
        result = CliRunner().invoke(videos, list(args), env=env, catch_exceptions=False, obj=state)
    finally:
        state.close()
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in args else result.output


def test_generate_sync_show_list_as_json(rig: Rig, env: dict[str, str]) -> None:
    made = run(env, "generate", rig.property_id, "--title", "Open house", "--json")
    assert made["status"] == "pending" and made["engine_video_id"]
    rig.sim.advance(60)
    rounds = run(env, "sync", "--json")
    assert rounds["sync"]["changed"] == 1 and rounds["archive"]["changed"] == 1
    shown = run(env, "show", made["id"], "--json")
    assert shown["video"]["status"] == "completed" and shown["video"]["archived_at"]
    assert [j["status"] for j in shown["jobs"]] == ["completed"]
    assert shown["jobs"][0]["cost_credits"] is not None
    listed = run(env, "list", "--status", "completed", "--json")
    assert [v["id"] for v in listed["items"]] == [made["id"]]


def test_retry_of_a_failed_video_and_a_clear_error_otherwise(rig: Rig, env: dict[str, str]) -> None:
    rig.sim.state.max_video_seconds = 0.5  # too long: fails, and is not retried by itself
    made = run(env, "generate", rig.property_id, "--json")
    rig.sim.advance(60)
    run(env, "sync", "--json")
    assert rig.video(made["id"]).status is VideoStatus.FAILED
    rig.sim.state.max_video_seconds = 300.0
    again = run(env, "retry", made["id"], "--json")
    assert again["status"] == "pending" and again["attempt_count"] == 2
    refused = CliRunner().invoke(videos, ["retry", made["id"]], env=env)
    assert refused.exit_code == 1 and "cannot retry while pending" in refused.output


def test_worker_polls_then_stops_cleanly_on_sigterm(rig: Rig, env: dict[str, str]) -> None:
    video = rig.submitted(1)[0]
    rig.sim.advance(60)
    worker = subprocess.Popen(
        [sys.executable, "-m", "revideo.entrypoints.cli", "worker", "--interval", "0.2"],
        env=os.environ | env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while rig.video(video.id).archived_at is None and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            time.sleep(0.1)
        assert rig.video(video.id).archived_at is not None
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert "started" in err and "worker stopped after" in err and "Traceback" not in err
