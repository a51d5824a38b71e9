"""
Contract: a write of several rows is all or nothing, on every backend. Each
scenario makes a service's writes in the service's order, has the last of them
refused by the database (a unique key), and checks that the rows written before
it are as they were: updates, deletes and the pipeline's schedule and lease
rolled back, not only inserts. On Supabase each of these writes is one SQL
function call (tests/supabase/test_multirow_rpc.py pins that nothing else is
sent, so nothing had to be undone by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

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
LATER = NOW + timedelta(minutes=5)
TAKEN = "eng-taken"  # another video's engine id: a video saved with it is refused


def rendering(world: World, status: VideoStatus, engine_id: str) -> tuple[Video, RenderJob]:
    """An alice video whose render `engine_id` is at `status` (its job too), and a second
    video holding the engine id TAKEN."""
    with world.uow(world.alice) as uow:
        prop = uow.properties.add(a_property(world.alice.id))
        ready = {"script_content": "Welcome.", "avatar_id": "fake-anna"}
        video = uow.videos.add(a_video(world.alice.id, prop.id, **ready))
        other = uow.videos.add(a_video(world.alice.id, prop.id))
        uow.videos.update(attrs.evolve(other, engine_video_id=TAKEN))
        job = a_job(world.alice.id, video.id, engine_video_id=engine_id, status=status)
        if status.terminal:
            kind = FailureKind.RENDER_FAILED if status is VideoStatus.FAILED else None
            job = attrs.evolve(job, completed_at=job.started_at, failure_kind=kind)
        job = uow.render_jobs.add(job)
        fields = {"engine_video_id": engine_id, "status": status, "attempt_count": 1}
        video = uow.videos.update(attrs.evolve(video, **fields))
    return video, job


def state(world: World, video: Video) -> tuple[Video, list[RenderJob]]:
    with world.uow(SYSTEM) as uow:
        return uow.videos.get(video.id), uow.render_jobs.for_video(video.id)


def retry_due(world: World, video: Video) -> list[str]:
    """The videos the retry loop would take now (status draft or failed, retry due)."""
    with world.uow(SYSTEM) as uow:
        return [v.id for v in uow.videos.lease("retry", "probe", NOW, LATER, 10)]


@attrs.define
class Scenario:
    """`arrange` the rows, `refused` writes them as the service does (and is refused),
    `check` that nothing of it is left."""

    arrange: Callable[[World], Any]
    refused: Callable[[World, Any], None]
    check: Callable[[World, Any, Any], None]


# ---- archiving: the charged job, the lease, the video (Archiver.archive) -------
def _archive_arrange(world: World) -> Any:
    video, job = rendering(world, VideoStatus.COMPLETED, "eng-1")
    with world.uow(SYSTEM) as uow:
        [leased] = uow.videos.lease("archive", "w1", NOW, LATER, 10)
    assert leased.id == video.id
    return video, job


def _archive_refused(world: World, rows: Any) -> None:
    video, job = rows
    with world.uow(SYSTEM) as uow:
        current = uow.videos.lock(video.id)
        uow.render_jobs.update(job.charge(Decimal("1.5")))
        uow.videos.release(video.id, "w1", NOW, NOW)
        done = current.archive("https://files.test/v.mp4", None, NOW)
        uow.videos.update(attrs.evolve(done, engine_video_id=TAKEN))


def _archive_check(world: World, rows: Any, before: Any) -> None:
    with world.uow(SYSTEM) as uow:  # w1's lease still holds: nobody else takes the video
        assert uow.videos.lease("archive", "w2", NOW, LATER, 10) == []


# ---- giving up on a stuck render: the job, the video (Pipeline._give_up) ------
def _give_up_arrange(world: World) -> Any:
    return rendering(world, VideoStatus.PROCESSING, "eng-1")


def _give_up_refused(world: World, rows: Any) -> None:
    video, job = rows
    with world.uow(SYSTEM) as uow:
        current = uow.videos.lock(video.id)
        uow.render_jobs.update(job.fail(FailureKind.STUCK, "still unfinished", NOW))
        uow.videos.update(attrs.evolve(current.give_up("stuck"), engine_video_id=TAKEN))


def _give_up_check(world: World, rows: Any, before: Any) -> None:
    assert before[1][0].status is VideoStatus.PROCESSING


# ---- a failure report: the job, the retry, the video (Pipeline._apply) --------
def _failure_arrange(world: World) -> Any:
    video, job = rendering(world, VideoStatus.PROCESSING, "eng-1")
    with world.uow(SYSTEM) as uow:
        uow.videos.schedule_retry(video.id, NOW)
    return video, job


def _failure_refused(world: World, rows: Any) -> None:
    video, job = rows
    with world.uow(SYSTEM) as uow:
        current = uow.videos.lock(video.id)
        report = EngineReport("eng-1", VideoStatus.FAILED, error="boom")
        uow.render_jobs.update(job.observe(report, NOW))
        uow.videos.schedule_retry(video.id, None)
        uow.videos.update(attrs.evolve(current.observe(report), engine_video_id=TAKEN))


def _failure_check(world: World, rows: Any, before: Any) -> None:
    with world.uow(SYSTEM) as uow:  # the schedule is still NOW: failed, it would be due
        uow.videos.update(attrs.evolve(before[0], status=VideoStatus.FAILED))
    assert retry_due(world, rows[0]) == [rows[0].id]


# ---- a report adopted by its handle: the orphan job, the video (LostCreates.adopt)
def _adopt_arrange(world: World) -> Any:
    video, _ = rendering(world, VideoStatus.FAILED, "eng-lost")
    with world.uow(SYSTEM) as uow:  # the create's answer was lost: no engine id known
        orphan = uow.render_jobs.add(
            a_job(world.alice.id, video.id, attempt_count=2, started_at=NOW)
        )
    return video, orphan


def _adopt_refused(world: World, rows: Any) -> None:
    video, orphan = rows
    report = EngineReport("eng-2", VideoStatus.COMPLETED, handle=orphan.id, duration=30.0)
    with world.uow(SYSTEM) as uow:
        current = uow.videos.lock(video.id)
        uow.render_jobs.update(orphan.adopt(report, NOW))
        started = current.retry("eng-2").observe(report)
        uow.videos.update(attrs.evolve(started, engine_video_id=TAKEN))


def _adopt_check(world: World, rows: Any, before: Any) -> None:
    assert before[1][-1].engine_video_id is None  # still the orphan


# ---- an automatic retry's new attempt: the retry, the job (RenderStarter._open_job)
def _attempt_arrange(world: World) -> Any:
    video, job = rendering(world, VideoStatus.PROCESSING, "eng-1")  # its job unfinished
    with world.uow(SYSTEM) as uow:
        uow.videos.schedule_retry(video.id, NOW)
        uow.videos.update(attrs.evolve(uow.videos.get(video.id), status=VideoStatus.FAILED))
    return video, job


def _attempt_refused(world: World, rows: Any) -> None:
    video, _ = rows
    with world.uow(SYSTEM) as uow:
        uow.videos.lock(video.id)
        uow.videos.schedule_retry(video.id, None)  # the retry loop's on_open
        uow.render_jobs.add(a_job(world.alice.id, video.id, attempt_count=2))


def _attempt_check(world: World, rows: Any, before: Any) -> None:
    assert retry_due(world, rows[0]) == [rows[0].id]  # the schedule was not cleared


# ---- a webhook: the delivery marked seen, the job, the video (Pipeline.apply_report)
def _webhook_refused(world: World, rows: Any) -> None:
    video, job = rows
    report = EngineReport("eng-1", VideoStatus.COMPLETED, video_url="https://f.test/v.mp4")
    with world.uow(SYSTEM) as uow:
        assert uow.webhook_deliveries.claim("delivery-1", NOW)
        current = uow.videos.lock(video.id)
        uow.render_jobs.update(job.observe(report, NOW))
        uow.videos.update(attrs.evolve(current.observe(report), engine_video_id=TAKEN))


def _webhook_check(world: World, rows: Any, before: Any) -> None:
    with world.uow(SYSTEM) as uow:  # not marked as seen: its redelivery is applied
        assert uow.webhook_deliveries.claim("delivery-1", NOW)


# ---- removing a photo: its row, the rest's places (PropertyService.remove_photo)
def _removal_arrange(world: World) -> Any:
    with world.uow(world.alice) as uow:
        prop = uow.properties.add(a_property(world.alice.id))
        return [uow.media.add(a_photo(world.alice.id, prop.id, order=n)) for n in range(3)]


def _removal_refused(world: World, photos: Any) -> None:
    first, second, third = photos
    clash = [attrs.evolve(second, order=0), attrs.evolve(third, order=0)]
    with world.uow(world.alice) as uow:
        uow.media.delete(first.id, reorder=clash)


def _uploads_refused(world: World, photos: Any) -> None:
    """Three new photos at once (PropertyService.add_photos); the last one's place is taken."""
    prop_id = photos[0].property_id
    new = [a_photo(world.alice.id, prop_id, order=n) for n in (3, 4, 2)]
    with world.uow(world.alice) as uow:
        uow.media.add_all(new)


def _photos(world: World, photos: Any) -> Any:
    with world.uow(world.alice) as uow:
        return uow.media.for_property(photos[0].property_id)


SCENARIOS = {
    "archive": Scenario(_archive_arrange, _archive_refused, _archive_check),
    "give-up": Scenario(_give_up_arrange, _give_up_refused, _give_up_check),
    "failure-and-retry": Scenario(_failure_arrange, _failure_refused, _failure_check),
    "adoption": Scenario(_adopt_arrange, _adopt_refused, _adopt_check),
    "attempt-and-retry": Scenario(_attempt_arrange, _attempt_refused, _attempt_check),
    "webhook": Scenario(_give_up_arrange, _webhook_refused, _webhook_check),
}


class TestMultiRowWritesAreAllOrNothing:
    @pytest.mark.parametrize("name", list(SCENARIOS))
    def test_a_refused_video_write_leaves_nothing_of_the_rest(
        self, world: World, name: str
    ) -> None:
        scenario = SCENARIOS[name]
        rows = scenario.arrange(world)
        before = state(world, rows[0])
        with pytest.raises(Duplicate):
            scenario.refused(world, rows)
        assert state(world, rows[0]) == before  # every job as it was, the video's updated_at
        scenario.check(world, rows, before)

    def test_a_refused_reorder_keeps_the_deleted_photo_and_every_place(self, world: World) -> None:
        photos = _removal_arrange(world)
        with pytest.raises(Duplicate):
            _removal_refused(world, photos)
        assert list(_photos(world, photos)) == photos  # the deleted row is back, unchanged

    def test_a_refused_photo_leaves_none_of_the_photos_uploaded_with_it(self, world: World) -> None:
        photos = _removal_arrange(world)
        with pytest.raises(Duplicate):
            _uploads_refused(world, photos)
        assert list(_photos(world, photos)) == photos

    def test_photos_added_at_once_come_back_in_their_order(self, world: World) -> None:
        photos = _removal_arrange(world)
        new = [a_photo(world.alice.id, photos[0].property_id, order=n) for n in (4, 3)]
        with world.uow(world.alice) as uow:
            added = uow.media.add_all(new)
        assert [(p.id, p.order) for p in added] == [(p.id, p.order) for p in new]
        assert [p.order for p in _photos(world, photos)] == [0, 1, 2, 3, 4]

    def test_a_removal_deletes_the_row_and_closes_the_gallery_up(self, world: World) -> None:
        first, second, third = _removal_arrange(world)
        with world.uow(world.alice) as uow:
            closed = [attrs.evolve(second, order=0), attrs.evolve(third, order=1)]
            uow.media.delete(first.id, reorder=closed)
        kept = _photos(world, [first])
        assert [(p.id, p.order) for p in kept] == [(second.id, 0), (third.id, 1)]
