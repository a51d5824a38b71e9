"""
On Supabase every PostgREST request is its own transaction, so a write of several
rows is atomic only when it is one request: one SQL function call. These tests
are the contract's multi-row scenarios (tests/contract/test_multirow_writes.py)
on Supabase: the same checks that nothing of a refused write is left, and what
reached PostgREST while it ran: exactly one write, the SQL function, and no
write sent on its own or undone by hand afterwards. Then a whole render
through the services: its multi-row steps go as one call each as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import OutboxMailer
from revideo.adapters.supabase import SupabaseBackend
from revideo.bootstrap import bootstrap
from revideo.domain.errors import Duplicate, EngineOutcomeUnknown
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor
from revideo.domain.video import EngineReport, VideoStatus
from revideo.services.videos import VideoInput
from revideo.settings import load
from tests.contract.conftest import World
from tests.contract.test_multirow_writes import (
    SCENARIOS,
    _photos,
    _removal_arrange,
    _removal_refused,
    _uploads_refused,
    state,
)
from tests.supabase.standin.project import StandInProject
from tests.support import Clock, sample_property

READS = ("GET", "HEAD")
ONE_SAVE = [("POST", "rpc/revideo_save_video")]


def writes(standin: StandInProject) -> list[tuple[str, str]]:
    return [(method, path) for method, path in standin.rest.calls if method not in READS]


@pytest.fixture
def world(supabase_backend: SupabaseBackend) -> World:
    return World(
        db=supabase_backend,
        alice=supabase_backend.add_user("alice@example.test"),
        bob=supabase_backend.add_user("bob@example.test"),
        admin=supabase_backend.add_user("admin@example.test"),
    )


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_refused_video_write_was_one_request(
    world: World, standin: StandInProject, name: str
) -> None:
    scenario = SCENARIOS[name]
    rows = scenario.arrange(world)
    before = state(world, rows[0])
    standin.rest.calls.clear()
    with pytest.raises(Duplicate):
        scenario.refused(world, rows)
    assert writes(standin) == ONE_SAVE
    assert state(world, rows[0]) == before
    scenario.check(world, rows, before)


def test_a_refused_photo_removal_was_one_request(world: World, standin: StandInProject) -> None:
    photos = _removal_arrange(world)
    standin.rest.calls.clear()
    with pytest.raises(Duplicate):
        _removal_refused(world, photos)
    assert writes(standin) == [("POST", "rpc/revideo_remove_media")]
    assert list(_photos(world, photos)) == photos  # the deleted row is back, unchanged


def test_a_refused_upload_of_several_photos_was_one_request(
    world: World, standin: StandInProject
) -> None:
    photos = _removal_arrange(world)
    standin.rest.calls.clear()
    with pytest.raises(Duplicate):
        _uploads_refused(world, photos)
    assert writes(standin) == [("POST", "rpc/revideo_add_media")]
    assert list(_photos(world, photos)) == photos


def test_a_removal_deletes_the_row_and_closes_the_gallery_up(
    world: World, standin: StandInProject
) -> None:
    first, second, third = _removal_arrange(world)
    standin.rest.calls.clear()
    with world.uow(world.alice) as uow:
        closed = [attrs.evolve(second, order=0), attrs.evolve(third, order=1)]
        uow.media.delete(first.id, reorder=closed)
    assert writes(standin) == [("POST", "rpc/revideo_remove_media")]
    kept = _photos(world, [first])
    assert [(p.id, p.order) for p in kept] == [(second.id, 0), (third.id, 1)]


ALONE = {("PATCH", "videos"), ("PATCH", "video_render_jobs"), ("DELETE", "videos"),
         ("POST", "rpc/revideo_release"), ("POST", "rpc/revideo_schedule_retry")}  # fmt: skip
"""A row of a multi-row change written on its own: never sent by a service's step."""


def _draft(supabase_backend: SupabaseBackend, tmp_path: Path, engine: FakeVideoEngine) -> Any:
    env = {"REVIDEO_DATA_DIR": str(tmp_path), "REVIDEO_ENGINE": "fake", "REVIDEO_SECRET_KEY": "t"}
    svc = bootstrap(
        load(env, dotenv=False),
        backend=supabase_backend,
        engine=engine,  # type: ignore[arg-type]
        store=supabase_backend.media_store(),
        mailer=OutboxMailer(),
        clock=engine.clock,
    )
    me = Actor.user(supabase_backend.add_user("alice@example.test").id)
    prop = svc.properties.create(me, sample_property())
    ready = {"script_content": "Hi.", "avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
    return svc, me, svc.videos.create_draft(me, VideoInput(prop.id, "Tour", **ready))


def test_a_failed_render_retried_by_itself_writes_each_step_in_one_call(
    supabase_backend: SupabaseBackend, standin: StandInProject, tmp_path: Path
) -> None:
    clock = Clock()
    engine = FakeVideoEngine(clock)
    svc, me, draft = _draft(supabase_backend, tmp_path, engine)
    engine.fail_next("the renderer crashed", FailureKind.RENDER_FAILED)  # worth a retry
    standin.rest.calls.clear()
    svc.videos.submit(me, draft.id)
    clock.advance(seconds=60)
    svc.pipeline.sync()  # failed: the job, the retry and the video in one call
    assert svc.videos.get(me, draft.id).status is VideoStatus.FAILED
    clock.advance(minutes=2)
    assert svc.pipeline.retry().changed == 1  # the retry cleared with the new attempt
    jobs = svc.videos.jobs(me, draft.id)
    assert [j.status for j in jobs] == [VideoStatus.FAILED, VideoStatus.PENDING]
    assert svc.videos.get(me, draft.id).engine_video_id == jobs[1].engine_video_id
    sent = writes(standin)
    assert ALONE.isdisjoint(sent), sent
    assert ("POST", "video_render_jobs") in sent  # the first attempt: nothing held with it


def test_a_lost_creates_report_is_adopted_in_one_call(
    supabase_backend: SupabaseBackend, standin: StandInProject, tmp_path: Path
) -> None:
    clock = Clock()
    engine = FakeVideoEngine(clock)
    svc, me, draft = _draft(supabase_backend, tmp_path, engine)
    engine.reject_next(EngineOutcomeUnknown("h", "the answer was lost"))
    with pytest.raises(EngineOutcomeUnknown):
        svc.videos.submit(me, draft.id)
    (orphan,) = svc.videos.jobs(me, draft.id)
    standin.rest.calls.clear()
    report = EngineReport("eng-late", VideoStatus.COMPLETED, video_url="fake://late.mp4",
                          handle=orphan.id, duration=12.0)  # fmt: skip
    adopted = svc.pipeline.apply_report(report)
    assert adopted is not None and adopted.engine_video_id == "eng-late"
    assert adopted.status is VideoStatus.COMPLETED
    (job,) = svc.videos.jobs(me, draft.id)
    assert job.engine_video_id == "eng-late" and job.status is VideoStatus.COMPLETED
    assert writes(standin) == ONE_SAVE


def test_a_webhook_is_marked_seen_with_its_report_in_one_call(
    supabase_backend: SupabaseBackend, standin: StandInProject, tmp_path: Path
) -> None:
    clock = Clock()
    engine = FakeVideoEngine(clock)
    svc, me, draft = _draft(supabase_backend, tmp_path, engine)
    video = svc.videos.submit(me, draft.id)
    clock.advance(seconds=60)
    report = engine.status(video.engine_video_id or "")
    delivered = attrs.evolve(report, delivery_id="delivery-7")
    standin.rest.calls.clear()
    done = svc.pipeline.apply_report(delivered)
    assert done is not None and done.status is VideoStatus.COMPLETED
    assert writes(standin) == ONE_SAVE  # the delivery id rode along with the report
    standin.rest.calls.clear()
    assert svc.pipeline.apply_report(delivered) is None  # a replay: ignored
    assert writes(standin) == []


def test_a_render_from_submit_to_archive_writes_each_step_in_one_call(
    supabase_backend: SupabaseBackend, standin: StandInProject, tmp_path: Path
) -> None:
    clock = Clock()
    svc, me, draft = _draft(supabase_backend, tmp_path, FakeVideoEngine(clock))
    standin.rest.calls.clear()
    video = svc.videos.submit(me, draft.id)
    for seconds in (10, 60):
        clock.advance(seconds=seconds)
        svc.pipeline.sync()
    assert svc.pipeline.archive().changed == 1
    done = svc.videos.get(me, video.id)
    assert done.status is VideoStatus.COMPLETED and done.archived_at is not None
    (job,) = svc.videos.jobs(me, done.id)
    assert job.status is VideoStatus.COMPLETED and job.cost_credits is not None  # charged
    sent = writes(standin)
    assert ALONE.isdisjoint(sent), sent  # never a row of a multi-row change on its own
    assert ("POST", "video_render_jobs") in sent  # the new attempt (nothing held with it)
    assert sent.count(("POST", "rpc/revideo_save_video")) >= 3  # accepted, completed, archived
