"""
Contract: a write of several rows is all or nothing, on every backend. Each test
makes the service's writes in the service's order, has the last of them refused
by the database (a unique key), and checks that the rows written before it are
as they were: updates, deletes and the pipeline's schedule and lease rolled back,
not only inserts. On Supabase these writes are one SQL function call each
(tests/supabase/test_multirow_rpc.py pins that no other write is sent).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from revideo.domain.errors import Duplicate
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor
from revideo.domain.render_job import RenderJob
from revideo.domain.video import EngineReport, Video, VideoStatus
from tests.contract.conftest import World, a_job, a_photo, a_property, a_video

SYSTEM = Actor.service()
NOW = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
TAKEN = "eng-taken"  # another video's engine id: a video saved with it is refused


def rendering(world: World, status: VideoStatus, engine_id: str) -> tuple[Video, RenderJob]:
    """An alice video whose render `engine_id` is at `status` (its job too), and a second
    video holding the engine id TAKEN."""
    with world.uow(world.alice) as uow:
        prop = uow.properties.add(a_property(world.alice.id))
        ready = {"script_content": "Welcome.", "avatar_id": "fake-anna"}
        video = uow.videos.add(a_video(world.alice.id, prop.id, **ready))
        other = uow.videos.add(a_video(world.alice.id, prop.id))
        uow.videos.update(attrs.evolve(other, heygen_video_id=TAKEN))
        job = a_job(world.alice.id, video.id, heygen_job_id=engine_id, status=status)
        if status.terminal:
            kind = FailureKind.RENDER_FAILED if status is VideoStatus.FAILED else None
            job = attrs.evolve(job, completed_at=job.started_at, failure_kind=kind)
        job = uow.render_jobs.add(job)
        fields = {"heygen_video_id": engine_id, "status": status, "attempt_count": 1}
        video = uow.videos.update(attrs.evolve(video, **fields))
    return video, job


def state(world: World, video: Video) -> tuple[Video, list[RenderJob]]:
    with world.uow(SYSTEM) as uow:
        return uow.videos.get(video.id), uow.render_jobs.for_video(video.id)


class TestVideoWritesAreAllOrNothing:
    def test_archiving_keeps_the_charge_and_the_lease_when_the_video_is_refused(
        self, world: World
    ) -> None:
        video, job = rendering(world, VideoStatus.COMPLETED, "eng-1")
        with world.uow(SYSTEM) as uow:
            [leased] = uow.videos.lease("archive", "w1", NOW, NOW + timedelta(minutes=5), 10)
        before = state(world, video)
        with pytest.raises(Duplicate), world.uow(SYSTEM) as uow:  # as Archiver.archive
            current = uow.videos.lock(video.id)
            uow.videos.release(video.id, "w1", NOW, NOW)
            uow.render_jobs.update(job.charge(Decimal("1.5")))
            done = current.archive("https://files.test/v.mp4", None, NOW)
            uow.videos.update(attrs.evolve(done, heygen_video_id=TAKEN))
        assert state(world, video) == before  # no charge, not archived, same updated_at
        with world.uow(SYSTEM) as uow:  # w1's lease still holds: nobody else takes it
            assert uow.videos.lease("archive", "w2", NOW, NOW + timedelta(minutes=5), 10) == []
        assert leased.id == video.id

    def test_giving_up_leaves_the_job_unfinished_when_the_video_is_refused(
        self, world: World
    ) -> None:
        video, job = rendering(world, VideoStatus.PROCESSING, "eng-1")
        before = state(world, video)
        with pytest.raises(Duplicate), world.uow(SYSTEM) as uow:  # as Pipeline._give_up
            current = uow.videos.lock(video.id)
            uow.render_jobs.update(job.fail(FailureKind.STUCK, "still unfinished", NOW))
            uow.videos.update(attrs.evolve(current.give_up("stuck"), heygen_video_id=TAKEN))
        assert state(world, video) == before
        assert before[1][0].status is VideoStatus.PROCESSING

    def test_a_failure_keeps_the_job_and_the_retry_schedule_when_the_video_is_refused(
        self, world: World
    ) -> None:
        video, job = rendering(world, VideoStatus.PROCESSING, "eng-1")
        with world.uow(SYSTEM) as uow:
            uow.videos.schedule_retry(video.id, NOW)  # due, as a draft or failed video would be
        before = state(world, video)
        with pytest.raises(Duplicate), world.uow(SYSTEM) as uow:  # as Pipeline._apply
            current = uow.videos.lock(video.id)
            report = EngineReport("eng-1", VideoStatus.FAILED, error="boom")
            uow.render_jobs.update(job.observe(report, NOW))
            uow.videos.schedule_retry(video.id, None)
            failed = current.observe(report)
            uow.videos.update(attrs.evolve(failed, heygen_video_id=TAKEN))
        assert state(world, video) == before
        with world.uow(SYSTEM) as uow:  # a failed copy of the video would still be due
            uow.videos.update(attrs.evolve(before[0], status=VideoStatus.FAILED))
            due = uow.videos.lease("retry", "w1", NOW, NOW + timedelta(minutes=5), 10)
        assert [v.id for v in due] == [video.id]

    def test_adopting_a_report_leaves_the_orphan_when_the_video_is_refused(
        self, world: World
    ) -> None:
        video, job = rendering(world, VideoStatus.FAILED, "eng-lost")
        with world.uow(SYSTEM) as uow:  # the create's answer was lost: no engine id known
            orphan = uow.render_jobs.add(
                a_job(world.alice.id, video.id, attempt_count=2, started_at=NOW)
            )
        before = state(world, video)
        report = EngineReport("eng-2", VideoStatus.COMPLETED, handle=orphan.id, duration=30.0)
        with pytest.raises(Duplicate), world.uow(SYSTEM) as uow:  # as LostCreates.adopt
            current = uow.videos.lock(video.id)
            uow.render_jobs.update(orphan.adopt(report, NOW))
            started = current.retry("eng-2").observe(report)
            uow.videos.update(attrs.evolve(started, heygen_video_id=TAKEN))
        assert state(world, video) == before
        assert before[1][-1].heygen_job_id is None

    def test_a_new_attempt_keeps_the_retry_schedule_when_the_job_is_refused(
        self, world: World
    ) -> None:
        video, job = rendering(world, VideoStatus.PROCESSING, "eng-1")  # still unfinished
        with world.uow(SYSTEM) as uow:
            uow.videos.schedule_retry(video.id, NOW)
            uow.videos.update(attrs.evolve(uow.videos.get(video.id), status=VideoStatus.FAILED))
        before = state(world, video)
        with pytest.raises(Duplicate), world.uow(SYSTEM) as uow:  # as RenderStarter._open_job
            uow.videos.lock(video.id)
            uow.videos.schedule_retry(video.id, None)  # the retry loop's on_open
            uow.render_jobs.add(a_job(world.alice.id, video.id, attempt_count=2))
        assert state(world, video) == before
        with world.uow(SYSTEM) as uow:  # the schedule is still there
            due = uow.videos.lease("retry", "w1", NOW, NOW + timedelta(minutes=5), 10)
        assert [v.id for v in due] == [video.id]
        assert job.status is VideoStatus.PROCESSING


class TestPhotoRemovalIsAllOrNothing:
    def test_a_refused_reorder_keeps_the_deleted_photo_and_every_place(
        self, world: World
    ) -> None:
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            photos = [uow.media.add(a_photo(world.alice.id, prop.id, order=n)) for n in range(3)]
        first, second, third = photos
        clash = [attrs.evolve(second, order=0), attrs.evolve(third, order=0)]
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.media.delete(first.id, reorder=clash)
        with world.uow(world.alice) as uow:
            kept = uow.media.for_property(prop.id)
        assert [(p.id, p.order) for p in kept] == [(p.id, p.order) for p in photos]
        assert kept[0] == first

    def test_a_removal_deletes_the_row_and_closes_the_gallery_up(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            photos = [uow.media.add(a_photo(world.alice.id, prop.id, order=n)) for n in range(3)]
        first, second, third = photos
        with world.uow(world.alice) as uow:
            uow.media.delete(
                first.id, reorder=[attrs.evolve(second, order=0), attrs.evolve(third, order=1)]
            )
        with world.uow(world.alice) as uow:
            kept = uow.media.for_property(prop.id)
        assert [(p.id, p.order) for p in kept] == [(second.id, 0), (third.id, 1)]
