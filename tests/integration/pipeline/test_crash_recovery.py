"""
Crash injection at every step of submit and of completion handling.

A step is any call through a port: each engine call, each media write, each
commit (just before it and just after it). A first run without crashes lists
the steps; then, for each of them, a fresh video is driven from submit to
archive by a worker that crashes at that step, and a fresh worker recovers,
so every step has had its crash. Steps are named by kind and occurrence
(the 3rd commit), which threads cannot reorder. The crash is an exception, or the process is
killed outright (a forked worker calls os._exit: no finally, no rollback but
the server's). After recovery every video is completed and archived, the
simulator accepted exactly one render for it, and no job is left open.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.postgres import PostgresDatabase
from revideo.domain.video import VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET
from tests.integration.pipeline.harness import (
    KILLED,
    Crash,
    CrashingBackend,
    CrashingEngine,
    CrashingStore,
    CrashPlan,
    Rig,
    Step,
    make_engine,
    make_services,
)
from tests.support import archived_path

pytestmark = pytest.mark.integration
MAX_STEPS = 80


def drive(rig: Rig, video_id: str, plan: CrashPlan, db: Any, engine: Any, store: Any) -> None:
    """Submit the video and run worker rounds until it is archived, through crashy ports."""
    svc = make_services(
        CrashingBackend(db, plan),
        CrashingEngine(engine, plan),
        CrashingStore(store, plan),
        rig.clock,
        rig.data_dir,
    )
    svc.videos.submit(rig.actor, video_id)
    rig.advance(60)
    svc.pipeline.run_round()


def recover(rig: Rig, video_id: str) -> None:
    """A new worker: rounds (minutes apart, so leases and grace periods run out) until done."""
    worker = rig.pipeline()
    for _ in range(8):
        rig.advance(200)
        worker.run_round()
        video = rig.video(video_id)
        if video.status.terminal and (video.archived_at or video.status is VideoStatus.FAILED):
            return


def check(rig: Rig, video_id: str, label: str) -> None:
    video = rig.video(video_id)
    jobs = rig.svc.videos.jobs(rig.actor, video_id)
    if video.status is VideoStatus.DRAFT and not jobs:
        # the crash came before the first commit: nothing happened, the user sees an
        # error and generates again
        rig.svc.videos.submit(rig.actor, video_id)
        recover(rig, video_id)
        video = rig.video(video_id)
        jobs = rig.svc.videos.jobs(rig.actor, video_id)
    assert video.status is VideoStatus.COMPLETED, (label, video.status, video.error_message)
    assert video.archived_at is not None, label
    blob = b"".join(rig.store.open(VIDEOS_BUCKET, archived_path(video)))
    assert blob[4:8] == b"ftyp", label
    creates = rig.sim.creates_by_handle()
    assert sum(creates[j.id] for j in jobs) == 1, (label, "renders accepted", jobs)
    assert all(j.status.terminal for j in jobs), (label, jobs)
    done = [j for j in jobs if j.status is VideoStatus.COMPLETED]
    assert len(done) == 1 and done[0].cost_credits is not None, (label, jobs)
    assert done[0].engine_video_id == video.engine_video_id, label


def every_step(rig: Rig) -> list[Step]:
    """The steps of one undisturbed run, from submit to archive."""
    video = rig.draft("Reference run")
    plan = CrashPlan(None)
    drive(rig, video.id, plan, rig.db, rig.engine, rig.store)
    recover(rig, video.id)
    check(rig, video.id, "the run without crashes")
    assert len(plan.steps) < MAX_STEPS, plan.steps
    return plan.steps


def test_an_exception_at_any_step_is_recovered(rig: Rig) -> None:
    crashed_at: list[str] = []
    for step in every_step(rig):
        video = rig.draft(f"Crash at {step}")
        plan = CrashPlan(step)
        try:
            drive(rig, video.id, plan, rig.db, rig.engine, rig.store)
        except Crash:
            crashed_at.append(step[0])
        recover(rig, video.id)
        check(rig, video.id, f"exception at {step}")
    assert {"engine.create:before", "engine.create:after", "store.put:after"} <= set(crashed_at)
    assert len(crashed_at) >= 15, crashed_at


def test_a_killed_worker_at_any_step_is_recovered(rig: Rig, pg_server: Any) -> None:
    killed = 0
    for step in every_step(rig):
        video = rig.draft(f"Kill at {step}")
        status = _run_forked(rig, video.id, step, pg_server.app)
        assert status in (0, KILLED), f"worker failed at {step} (status {status})"
        killed += status == KILLED
        recover(rig, video.id)
        check(rig, video.id, f"killed at {step}")
    assert killed >= 15


def _run_forked(rig: Rig, video_id: str, step: Step, dsn: str) -> int:
    """Drive the video in a forked worker killed at `step`; return its exit status."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: its own connections, never the parent's pool
        code = 1
        try:
            db = PostgresDatabase.connect(dsn, min_size=1, max_size=2)
            engine = make_engine(rig.sim)
            store = FilesMediaStore(rig.store.root, base_url=rig.store.base_url)
            drive(rig, video_id, CrashPlan(step, kill=True), db, engine, store)
            code = 0
        except BaseException:
            traceback.print_exc()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    # the child's clocks moved only in its own memory: move ours the same way
    rig.clock.advance(seconds=60)
    return os.waitstatus_to_exitcode(status)
