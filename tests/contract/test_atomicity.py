"""
Contract: a unit of work is all or nothing, and two starts of one render race
to one attempt, on every backend (memory, PostgreSQL, Supabase through the
stand-in, where PostgREST makes every request its own transaction).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest

from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import InMemoryMediaStore, OutboxMailer
from revideo.bootstrap import bootstrap
from revideo.domain.errors import Duplicate, InvalidTransition
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor
from revideo.domain.video import Video
from revideo.settings import load
from tests.contract.conftest import World, a_job, a_photo, a_property, a_video


class Boom(Exception):
    """Raised inside a unit of work to make it fail after its writes."""


class TestRollback:
    def test_updates_deletes_and_inserts_of_a_failed_unit_are_undone(self, world: World) -> None:
        mine = world.owned(world.alice)
        with world.uow(world.alice) as uow:
            second = uow.media.add(a_photo(world.alice.id, mine.prop.id, order=1))
        with pytest.raises(Boom), world.uow(world.alice) as uow:
            uow.properties.update(attrs.evolve(mine.prop, title="Renamed"))
            uow.videos.update(attrs.evolve(mine.video, title="Retitled", script_content="x"))
            uow.media.set_orders([attrs.evolve(second, order=0), attrs.evolve(mine.photo, order=1)])
            uow.media.delete(mine.photo.id)
            uow.ads.delete(mine.ad.id)
            extra = uow.videos.add(a_video(world.alice.id, mine.prop.id))
            raise Boom
        with world.uow(world.alice) as uow:
            assert uow.properties.get(mine.prop.id).title == mine.prop.title
            video = uow.videos.get(mine.video.id)
            assert (video.title, video.script_content) == (mine.video.title, "")
            photos = uow.media.for_property(mine.prop.id)
            assert [(p.id, p.order) for p in photos] == [(mine.photo.id, 0), (second.id, 1)]
            assert uow.ads.get(mine.ad.id).spend_amount == mine.ad.spend_amount
            assert uow.render_jobs.get(mine.job.id) == mine.job
            with pytest.raises(LookupError):
                uow.videos.get(extra.id)

    def test_a_unit_that_succeeds_keeps_every_write(self, world: World) -> None:
        mine = world.owned(world.alice)
        with world.uow(world.alice) as uow:
            uow.properties.update(attrs.evolve(mine.prop, title="Renamed"))
            uow.media.delete(mine.photo.id)
        with world.uow(world.alice) as uow:
            assert uow.properties.get(mine.prop.id).title == "Renamed"
            assert uow.media.for_property(mine.prop.id) == ()


class TestOneUnfinishedAttempt:
    def test_a_second_unfinished_job_of_a_video_is_refused(self, world: World) -> None:
        mine = world.owned(world.alice)  # its job is still pending
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.render_jobs.add(a_job(world.alice.id, mine.video.id, attempt_count=2))
        with world.uow(world.alice) as uow:
            gone = mine.job.sent("eng-1").fail(FailureKind.GONE, "gone", mine.job.started_at)
            done = uow.render_jobs.update(gone)
            uow.render_jobs.add(a_job(world.alice.id, mine.video.id, attempt_count=2))
        assert done.status.terminal

    def test_two_threads_submitting_one_video_start_one_render(self, world: World) -> None:
        engine = FakeVideoEngine()
        services = _services(world.db, engine)
        me = Actor.user(world.alice.id)
        videos = [_ready_video(world) for _ in range(3)]
        for video in videos:
            gate = threading.Barrier(2, timeout=30)

            def submit(video: Video = video, gate: threading.Barrier = gate) -> str:
                gate.wait()
                try:
                    services.videos.submit(me, video.id)
                except InvalidTransition:
                    return "refused"
                return "started"

            with ThreadPoolExecutor(2) as pool:
                outcomes = sorted(f.result() for f in [pool.submit(submit) for _ in range(2)])
            assert outcomes == ["refused", "started"], video.id
            jobs = services.videos.jobs(me, video.id)
            assert len(jobs) == 1, jobs
            assert services.videos.get(me, video.id).engine_video_id == jobs[0].engine_video_id
        assert engine.create_calls == len(videos)
        assert len(engine.renders) == len(videos)


def _services(backend: Any, engine: FakeVideoEngine) -> Any:
    env = {"REVIDEO_DATA_DIR": "/nonexistent", "REVIDEO_ENGINE": "fake", "REVIDEO_SECRET_KEY": "t"}
    return bootstrap(
        load(env, dotenv=False),
        backend=backend,
        engine=engine,  # type: ignore[arg-type]
        store=InMemoryMediaStore(),
        mailer=OutboxMailer(),
    )


def _ready_video(world: World) -> Video:
    """A draft of alice's with everything a render needs, never rendered."""
    ready = {"script_content": "Welcome home.", "avatar_id": "fake-anna"}
    with world.uow(world.alice) as uow:
        prop = uow.properties.add(a_property(world.alice.id))
        video = a_video(world.alice.id, prop.id, voice_id="fake-voice-en", **ready)
        return uow.videos.add(video)  # type: ignore[no-any-return]
