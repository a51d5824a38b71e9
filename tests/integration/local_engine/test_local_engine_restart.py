"""Crash safety: a render killed midway is redone on restart; handles make create idempotent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from revideo.adapters.local_engine import LocalEngine
from revideo.domain.video import AspectRatio, VideoStatus
from revideo.ports.video_engine import RenderRequest
from tests.integration.local_engine.media import local_file, probe

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHILD = """
import sys, time
from pathlib import Path
from revideo.adapters.local_engine import LocalEngine
from revideo.domain.video import AspectRatio
from revideo.ports.video_engine import RenderRequest
engine = LocalEngine(Path(sys.argv[1]))
script = " ".join(["This sentence keeps the narrator busy for a little while."] * 4)
print(engine.create(RenderRequest(handle="restart-1", title="Restart", script=script,
    avatar_id="marcus_urban", voice_id="en-us", aspect_ratio=AspectRatio.SQUARE)), flush=True)
time.sleep(600)
"""


def mp4s(root: Path) -> list[Path]:
    return sorted(root.rglob("*.mp4"))


def test_a_render_killed_midway_is_redone_on_restart_and_never_half_visible(
    tmp_path: Path,
) -> None:
    work = tmp_path / "engine"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(work)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so the kill takes FFmpeg down too
    )
    try:
        assert child.stdout is not None
        job_id = child.stdout.readline().strip()
        deadline = time.monotonic() + 60
        while not mp4s(work) and time.monotonic() < deadline:  # FFmpeg has started writing
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    partial = mp4s(work)
    assert partial and all(job_id in str(p.parent) for p in partial), partial
    assert all(p.name != f"{job_id}.mp4" for p in partial)  # nothing under the final name

    with LocalEngine(work) as engine:
        report = engine.status(job_id)
        assert report.status is VideoStatus.PROCESSING and report.video_url is None
        report = engine.wait(job_id, timeout=120)
        assert report.status is VideoStatus.COMPLETED, report.error
        assert report.video_url
        video = local_file(engine, report.video_url, tmp_path)
    p = probe(video)
    assert (p.width, p.height, p.video_codec) == (720, 720, "h264")
    assert report.duration is not None and abs(p.video_seconds - report.duration) <= 0.5
    assert [m.name for m in mp4s(work)] == [f"{job_id}.mp4"]  # the partial file is gone


def test_create_is_idempotent_by_handle_across_restarts(tmp_path: Path) -> None:
    work = tmp_path / "engine"
    request = RenderRequest(
        handle="job-42",
        title="Once",
        script="Rendered once.",
        avatar_id="daniel_coastal",
        voice_id="en-us",
        aspect_ratio=AspectRatio.SQUARE,
    )
    with LocalEngine(work) as engine:
        first = engine.create(request)
        assert engine.create(request) == first
        assert engine.find("job-42") == first
        assert engine.wait(first, timeout=60).status is VideoStatus.COMPLETED
        assert engine.find("another-handle") is None
    rendered = work / "videos" / f"{first}.mp4"
    made = rendered.stat().st_mtime_ns

    with LocalEngine(work) as again:
        assert again.requeue() == []
        assert again.find("job-42") == first
        assert again.create(request) == first
        assert again.status(first).status is VideoStatus.COMPLETED
    assert rendered.stat().st_mtime_ns == made
    assert len(list((work / "jobs").glob("*.json"))) == 1


def test_close_calls_off_a_render_under_way_and_the_next_start_redoes_it(
    tmp_path: Path,
) -> None:
    work = tmp_path / "engine"
    script = " ".join(["This sentence keeps the narrator busy for a little while."] * 6)
    request = RenderRequest(handle="closing-1", title="Closing", script=script,
                            avatar_id="marcus_urban", voice_id="en-us",
                            aspect_ratio=AspectRatio.SQUARE)  # fmt: skip
    engine = LocalEngine(work)
    job_id = engine.create(request)
    deadline = time.monotonic() + 120
    while not mp4s(work) and time.monotonic() < deadline:  # FFmpeg has started writing
        time.sleep(0.02)
    assert mp4s(work), "the render never started"
    engine.close()  # returns once FFmpeg is stopped, not when the render would have ended

    assert [p for p in psutil.Process().children(recursive=True) if "ffmpeg" in p.name()] == []
    assert not (work / "videos" / f"{job_id}.mp4").exists()
    with LocalEngine(work) as again:
        assert again.status(job_id).status is VideoStatus.PROCESSING  # called off, not failed
        report = again.wait(job_id, timeout=180)
    assert report.status is VideoStatus.COMPLETED, report.error
