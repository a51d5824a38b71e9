"""429 storms, an engine that is down, failed renders, expiring links, a failing store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from revideo.domain.errors import EngineOutcomeUnknown, EngineRejected, StorageError
from revideo.domain.profile import Actor
from revideo.domain.video import VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET
from revideo.services.videos import RenderPolicy
from tests.integration.pipeline.harness import Rig
from tests.support import archived_path

pytestmark = pytest.mark.integration
WEEK = 7 * 24 * 3600


def settle(rig: Rig, rounds: int = 8, step: float = 120, **options: Any) -> None:
    worker = rig.pipeline(**options)
    for _ in range(rounds):
        rig.advance(step)
        worker.run_round()


def test_a_429_storm_defers_polls_and_loses_nothing(rig: Rig) -> None:
    videos = rig.submitted(40)
    rig.sim.inject("rate_limit", 60, method="GET", retry_after=7)
    rig.advance(60)
    first = rig.svc.pipeline.sync()
    assert first.deferred > 0, "the busy engine paused the round"
    settle(rig)
    for v in videos:
        done = rig.video(v.id)
        assert done.status is VideoStatus.COMPLETED and done.archived_at is not None
    assert not rig.sim.faults.pending(), "the storm was used up"


def test_a_render_sent_while_the_engine_is_down_is_settled_once(rig: Rig) -> None:
    video = rig.draft()
    rig.sim.inject("server_error", 10_000, status=502)
    with pytest.raises(EngineOutcomeUnknown):
        rig.svc.videos.submit(rig.actor, video.id)
    settle(rig, rounds=3)  # still down: reconcile cannot ask, nothing is decided
    (job,) = rig.svc.videos.jobs(rig.actor, video.id)
    assert not job.settled
    rig.sim.faults.clear()
    settle(rig)
    done = rig.video(video.id)
    assert done.status is VideoStatus.COMPLETED and done.archived_at is not None
    jobs = rig.svc.videos.jobs(rig.actor, video.id)
    assert sum(rig.sim.creates_by_handle()[j.id] for j in jobs) == 1
    assert len(jobs) == 1, "the same attempt was sent again (its Idempotency-Key), not a new one"


def test_failed_renders_are_retried_up_to_the_cap(rig: Rig) -> None:
    rig.sim.inject("fail_render", 1, message="Video generation failed")
    once = rig.submitted(1)[0]
    settle(rig)
    done = rig.video(once.id)
    assert done.status is VideoStatus.COMPLETED and done.attempt_count == 2
    rig.sim.inject("fail_render", 5, message="Video generation failed")
    always = rig.submitted(1)[0]
    settle(rig, rounds=10)
    gave_up = rig.video(always.id)
    assert gave_up.status is VideoStatus.FAILED and gave_up.error_message
    assert len(rig.svc.videos.jobs(rig.actor, always.id)) == RenderPolicy().max_auto_attempts


def test_failures_that_cannot_succeed_are_not_retried(rig: Rig) -> None:
    rig.sim.state.max_video_seconds = 0.5  # every render is now "too long"
    long = rig.submitted(1)[0]
    settle(rig, rounds=4)
    failed = rig.video(long.id)
    assert failed.status is VideoStatus.FAILED and "too long" in (failed.error_message or "")
    assert len(rig.svc.videos.jobs(rig.actor, long.id)) == 1
    unknown = rig.draft(avatar_id="no-such-avatar")
    with pytest.raises(EngineRejected):
        rig.svc.videos.submit(rig.actor, unknown.id)
    settle(rig, rounds=3)
    assert len(rig.svc.videos.jobs(rig.actor, unknown.id)) == 1
    assert rig.video(unknown.id).status is VideoStatus.DRAFT


def test_an_archived_video_plays_after_the_engine_link_expired(rig: Rig) -> None:
    video = rig.submitted(1)[0]
    rig.advance(60)
    rig.svc.pipeline.sync()
    engine_url = rig.video(video.id).video_url or ""
    original = httpx.get(engine_url).content
    rig.svc.pipeline.archive()
    rig.advance(WEEK + 3600)
    assert httpx.get(engine_url).status_code == 403, "the simulator's link has expired"
    kept = rig.video(video.id)
    assert kept.video_url == rig.store.public_url(VIDEOS_BUCKET, archived_path(kept))
    ours = b"".join(rig.store.open(VIDEOS_BUCKET, archived_path(kept)))
    assert ours == original and ours[4:8] == b"ftyp"


class FlakyStore:
    """A MediaStore whose first `failures` writes fail (a full disk, a storage outage)."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    def put(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        data: Iterable[bytes],
        content_type: str,
        **options: Any,
    ) -> Any:
        if self.failures > 0:
            self.failures -= 1
            for _ in data:
                pass
            raise StorageError("the storage is full")
        return self.inner.put(actor, bucket, path, data, content_type, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_failed_archive_keeps_the_engine_link_and_is_retried_with_a_fresh_one(
    rig: Rig,
) -> None:
    video = rig.submitted(1)[0]
    rig.advance(60)
    rig.svc.pipeline.sync()
    engine_url = rig.video(video.id).video_url
    flaky = rig.pipeline(store=FlakyStore(rig.store, 3))
    assert flaky.archive().failed == 1
    assert rig.video(video.id).video_url == engine_url and not rig.video(video.id).archived_at
    assert flaky.archive().checked == 0, "not again before archive_retry"
    rig.advance(WEEK + 3600)  # meanwhile the stored engine link expired
    retry = RenderPolicy().archive_retry + timedelta(seconds=1)
    for _ in range(3):
        flaky.archive()
        rig.advance(retry.total_seconds())
    kept = rig.video(video.id)
    assert kept.archived_at is not None and kept.video_url != engine_url
    assert b"".join(rig.store.open(VIDEOS_BUCKET, archived_path(kept)))[4:8] == b"ftyp"
