"""Contract: the summary's render cost is the sum of the render jobs' costs under every cut,
whatever the writes did to them (on PostgreSQL and Supabase each video carries that sum,
kept by a trigger; the memory fake sums the jobs)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from revideo.domain.failure import FailureKind
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import World, a_job, a_property, a_video


def test_cost_follows_every_job_write_under_every_cut(world: World) -> None:
    mine = world.owned(world.alice)
    theirs = world.owned(world.bob)
    ended = mine.job.started_at + timedelta(minutes=5)
    with world.uow(world.alice) as uow:
        failed = mine.job.sent("e-1").charge(Decimal("1.25"))
        uow.render_jobs.update(failed.fail(FailureKind.RENDER_FAILED, "failed", ended))
        retry = a_job(
            world.alice.id,
            mine.video.id,
            attempt_count=2,
            started_at=ended,
            cost_credits=Decimal("0.5"),
        )
        uow.render_jobs.add(retry)
        prop2 = uow.properties.add(a_property(world.alice.id))
        v2 = uow.videos.add(a_video(world.alice.id, prop2.id))
        free = uow.render_jobs.add(a_job(world.alice.id, v2.id))
    with world.uow(world.alice) as uow:
        uow.render_jobs.update(retry.sent("e-2").charge(Decimal("0.75")))  # a restated charge
        uow.render_jobs.update(free.sent("e-3"))  # a write that leaves the cost alone
    with world.uow(world.bob) as uow:
        uow.render_jobs.update(theirs.job.charge(Decimal("9")))
    with world.uow(world.alice) as uow:
        everything = uow.analytics.summary(AdFilter())
        first = uow.analytics.summary(AdFilter(property_id=mine.prop.id))
        second = uow.analytics.summary(AdFilter(video_id=v2.id))
    assert everything.usage_cost == Decimal("2.00")  # 1.25 + 0.75
    assert first.usage_cost == Decimal("2.00")
    assert second.usage_cost == Decimal(0)
    assert dict(everything.videos_by_status) == {VideoStatus.DRAFT: 2}
    with world.uow(world.admin) as uow:
        everyone = uow.analytics.summary(AdFilter())
        bob = uow.analytics.summary(AdFilter(user_id=world.bob.id))
    assert everyone.usage_cost == Decimal("11.00")
    assert bob.usage_cost == Decimal("9")
    assert everyone.total_videos == 3
