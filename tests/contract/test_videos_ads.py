"""Contract: videos, render jobs, ad rows and analytics behave alike on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from revideo.domain import analytics
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import Duplicate, Forbidden, NotFound
from revideo.domain.failure import FailureKind
from revideo.domain.page import PageRequest
from revideo.domain.video import EngineReport, VideoMeta, VideoPurpose, VideoStatus
from revideo.ports.repositories import AdFilter, VideoFilter
from tests.contract.conftest import SYSTEM, World, a_job, a_property, a_video, an_ad, new_id
from tests.contract.test_profiles_properties import bare

DAY = date(2026, 11, 2)


class TestVideos:
    def test_round_trip_keeps_every_field(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            video = a_video(
                world.alice.id,
                prop.id,
                script_content="Welcome home.",
                avatar_id="anna",
                voice_id="v1",
                purpose=VideoPurpose.RENT,
                meta=VideoMeta(duration=12.5, width=1280, height=720),
            )
            uow.videos.add(video)
        sent = video.submit("eng-1")
        done = sent.observe(
            EngineReport("eng-1", VideoStatus.COMPLETED, "http://127.0.0.1/v.mp4", duration=9.75)
        )
        with world.uow(world.alice) as uow:
            uow.videos.update(done)
        with world.uow(world.alice) as uow:
            got = uow.videos.get(video.id)
            assert bare(got) == bare(done)
            assert uow.videos.by_engine_id("eng-1") == got
            assert uow.videos.by_engine_id("eng-404") is None

    def test_list_filters_newest_first(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            p1 = uow.properties.add(a_property(world.alice.id))
            p2 = uow.properties.add(a_property(world.alice.id))
        made = []
        for prop, title, purpose, script in (
            (p1, "Oak", "sale", "Welcome home."),
            (p2, "Elm", "rent", "A sunny Garden flat by the park."),
            (p1, "Oak 2", "rent", ""),
        ):
            with world.uow(world.alice) as uow:
                v = a_video(
                    world.alice.id,
                    prop.id,
                    title=title,
                    purpose=VideoPurpose(purpose),
                    script_content=script,
                )
                made.append(uow.videos.add(v))
        with world.uow(world.alice) as uow:
            uow.videos.update(made[1].submit("e-elm"))

            def ids(f: VideoFilter) -> list[str]:
                return [v.id for v in uow.videos.list(f, PageRequest()).items]

            assert ids(VideoFilter()) == [v.id for v in made[::-1]]
            assert ids(VideoFilter(property_id=p1.id)) == [made[2].id, made[0].id]
            assert ids(VideoFilter(status=VideoStatus.PENDING)) == [made[1].id]
            assert ids(VideoFilter(purpose=VideoPurpose.RENT)) == [made[2].id, made[1].id]
            assert ids(VideoFilter(search="oak 2")) == [made[2].id]
            assert ids(VideoFilter(search="garden FLAT")) == [made[1].id]  # in the script
            assert ids(VideoFilter(search="oak")) == [made[2].id, made[0].id]
            assert ids(VideoFilter(search="%")) == []  # literal text, not a pattern
            page = uow.videos.list(VideoFilter(), PageRequest(number=2, size=2))
            assert ([v.id for v in page.items], page.total) == ([made[0].id], 3)

    def test_an_engine_id_belongs_to_one_video(self, world: World) -> None:
        mine = world.owned(world.alice)
        with world.uow(world.alice) as uow:
            other = uow.videos.add(a_video(world.alice.id, mine.prop.id))
            uow.videos.update(mine.video.submit("same"))
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.videos.update(other.submit("same"))

    def test_delete_takes_jobs_and_ads_along(self, world: World) -> None:
        mine = world.owned(world.alice)
        with world.uow(world.alice) as uow:
            uow.videos.delete(mine.video.id)
        with world.uow(SYSTEM) as uow:
            for repo, key in ((uow.render_jobs, mine.job.id), (uow.ads, mine.ad.id)):
                with pytest.raises(NotFound):
                    repo.get(key)
            assert uow.properties.get(mine.prop.id).id == mine.prop.id


class TestRenderJobs:
    def test_attempts_oldest_first_and_updates_kept(self, world: World) -> None:
        mine = world.owned(world.alice)
        later = a_job(
            world.alice.id,
            mine.video.id,
            attempt_count=2,
            started_at=mine.job.started_at + timedelta(hours=1),
        )
        with world.uow(world.alice) as uow:
            charged = mine.job.sent("eng-9").charge(Decimal("1.25"))
            ended = mine.job.started_at + timedelta(minutes=5)
            charged = charged.fail(FailureKind.RENDER_FAILED, "the render failed", ended)
            uow.render_jobs.update(charged)  # one unfinished attempt at a time
            uow.render_jobs.add(later)
        with world.uow(world.alice) as uow:
            jobs = uow.render_jobs.for_video(mine.video.id)
            assert [j.id for j in jobs] == [mine.job.id, later.id]
            assert jobs[0] == charged
            assert uow.render_jobs.get(later.id) == later

    @pytest.mark.parametrize("kind", [FailureKind.OUTCOME_UNKNOWN, FailureKind.NO_CREDIT])
    def test_the_failure_kind_is_kept_and_cleared_on_adoption(
        self, world: World, kind: FailureKind
    ) -> None:
        mine = world.owned(world.alice)
        failed = mine.job.fail(kind, "why, for people", mine.job.started_at)
        with world.uow(world.alice) as uow:
            uow.render_jobs.update(failed)
        with world.uow(SYSTEM) as uow:
            assert uow.render_jobs.get(mine.job.id) == failed
            report = EngineReport("eng-late", VideoStatus.COMPLETED, "http://127.0.0.1/v.mp4")
            adopted = failed.adopt(report, mine.job.started_at)
            uow.render_jobs.update(adopted)
        with world.uow(world.alice) as uow:
            got = uow.render_jobs.get(mine.job.id)
            if kind is FailureKind.OUTCOME_UNKNOWN:  # an orphan: the engine's render is ours
                assert (got.failure_kind, got.status, got.engine_video_id) == (
                    None,
                    VideoStatus.COMPLETED,
                    "eng-late",
                )
            else:  # refused at the door: nothing to adopt
                assert got == failed

    def test_unsettled_jobs_started_before_a_time(self, world: World) -> None:
        mine = world.owned(world.alice)
        t0 = mine.job.started_at
        with world.uow(world.alice) as uow:  # one unfinished attempt per video: three videos
            other, third = (uow.videos.add(a_video(world.alice.id, mine.prop.id)) for _ in range(2))
            late = uow.render_jobs.add(
                a_job(world.alice.id, other.id, started_at=t0 + timedelta(hours=2))
            )
            sent = uow.render_jobs.add(
                a_job(world.alice.id, third.id, started_at=t0 - timedelta(hours=1)).sent("x")
            )
        with world.uow(SYSTEM) as uow:
            assert [j.id for j in uow.render_jobs.unsettled(t0 + timedelta(hours=1))] == [
                mine.job.id
            ]
            found = uow.render_jobs.unsettled(t0 + timedelta(hours=3))
        assert [j.id for j in found] == [mine.job.id, late.id]
        assert sent.id not in {j.id for j in found}

    def test_duplicate_ids_and_foreign_videos_are_refused(self, world: World) -> None:
        mine = world.owned(world.alice)
        theirs = world.owned(world.bob)
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.render_jobs.add(mine.job)
        with world.uow(world.bob) as uow:  # a video of bob's with no unfinished attempt
            idle = uow.videos.add(a_video(world.bob.id, theirs.prop.id))
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.render_jobs.add(a_job(world.alice.id, idle.id))


class TestAds:
    def test_round_trip_update_and_delete(self, world: World) -> None:
        mine = world.owned(world.alice)
        with world.uow(world.alice) as uow:
            assert bare(uow.ads.get(mine.ad.id)) == bare(mine.ad)
            changed = attrs.evolve(mine.ad, spend_amount=Decimal("99.99"), leads=7)
            assert bare(uow.ads.update(changed)) == bare(changed)
        with world.uow(world.alice) as uow:
            assert uow.ads.get(mine.ad.id).spend_amount == Decimal("99.99")
            uow.ads.delete(mine.ad.id)
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.ads.get(mine.ad.id)

    def test_video_platform_day_is_a_natural_key(self, world: World) -> None:
        mine = world.owned(world.alice)
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.ads.add(an_ad(world.alice.id, mine.video.id, DAY))
        with world.uow(world.alice) as uow:
            other_day = uow.ads.add(an_ad(world.alice.id, mine.video.id, DAY + timedelta(days=1)))
            uow.ads.add(an_ad(world.alice.id, mine.video.id, DAY, platform="google"))
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.ads.update(attrs.evolve(other_day, date_recorded=DAY))

    def test_list_filters_newest_day_first(self, world: World) -> None:
        mine = world.owned(world.alice, day=DAY)
        with world.uow(world.alice) as uow:
            prop2 = uow.properties.add(a_property(world.alice.id))
            v2 = uow.videos.add(a_video(world.alice.id, prop2.id))
            r2 = uow.ads.add(
                an_ad(world.alice.id, v2.id, DAY + timedelta(days=2), platform="google")
            )
            r3 = uow.ads.add(an_ad(world.alice.id, mine.video.id, DAY + timedelta(days=1)))
        with world.uow(world.alice) as uow:

            def ids(f: AdFilter) -> list[str]:
                return [a.id for a in uow.ads.list(f, PageRequest()).items]

            assert ids(AdFilter()) == [r2.id, r3.id, mine.ad.id]
            assert ids(AdFilter(date_from=DAY + timedelta(days=1))) == [r2.id, r3.id]
            assert ids(AdFilter(date_to=DAY)) == [mine.ad.id]
            assert ids(AdFilter(platform=AdPlatform.GOOGLE)) == [r2.id]
            assert ids(AdFilter(video_id=mine.video.id)) == [r3.id, mine.ad.id]
            assert ids(AdFilter(property_id=prop2.id)) == [r2.id]
            assert ids(AdFilter(user_id=world.bob.id)) == []
            assert uow.ads.list(AdFilter(), PageRequest(number=2, size=2)).total == 3


class TestAnalytics:
    def test_figures_match_the_domain_formulas_over_visible_rows(self, world: World) -> None:
        mine = world.owned(world.alice, day=DAY)
        theirs = world.owned(world.bob, day=DAY)
        with world.uow(world.alice) as uow:
            extra = [
                an_ad(
                    world.alice.id,
                    mine.video.id,
                    DAY + timedelta(days=1),
                    spend_amount=Decimal("0.01"),
                    leads=0,
                ),
                an_ad(
                    world.alice.id, mine.video.id, DAY, platform="youtube", impressions=0, clicks=0
                ),
            ]
            for record in extra:
                uow.ads.add(record)
            uow.render_jobs.update(mine.job.charge(Decimal("2.5")))
            uow.videos.update(mine.video.submit("e-a"))
        rows = [mine.ad, *extra]
        with world.uow(world.alice) as uow:
            summary = uow.analytics.summary(AdFilter())
            daily = uow.analytics.daily(AdFilter())
            platforms = uow.analytics.by_platform(AdFilter())
        assert summary.ads == analytics.totals(rows)
        assert summary.ads.cpl == analytics.cpl(Decimal("25.01"), 4)
        assert dict(summary.videos_by_status) == {VideoStatus.PENDING: 1}
        assert summary.usage_cost == Decimal("2.5")
        assert [(p.day, p.totals) for p in daily] == [
            (DAY, analytics.totals([rows[0], rows[2]])),
            (DAY + timedelta(days=1), analytics.totals([rows[1]])),
        ]
        assert platforms == {
            AdPlatform.META: analytics.totals(rows[:2]),
            AdPlatform.YOUTUBE: analytics.totals([rows[2]]),
        }
        with world.uow(world.admin) as uow:
            everyone = uow.analytics.summary(AdFilter())
            only_bob = uow.analytics.summary(AdFilter(user_id=world.bob.id))
        assert everyone.ads == analytics.totals([*rows, theirs.ad])
        assert everyone.total_videos == 2
        assert only_bob.ads == analytics.totals([theirs.ad])

    def test_filters_cut_every_figure_and_nothing_visible_is_empty(self, world: World) -> None:
        mine = world.owned(world.alice, day=DAY)
        with world.uow(world.alice) as uow:
            prop2 = uow.properties.add(a_property(world.alice.id))
            v2 = uow.videos.add(a_video(world.alice.id, prop2.id))
            uow.ads.add(an_ad(world.alice.id, v2.id, DAY, leads=0))
            cut = uow.analytics.summary(AdFilter(property_id=prop2.id))
            by_video = uow.analytics.summary(AdFilter(video_id=mine.video.id))
            nothing = uow.analytics.summary(AdFilter(date_from=DAY + timedelta(days=5)))
        assert (cut.ads.leads, cut.total_videos, cut.usage_cost) == (0, 1, Decimal(0))
        assert cut.ads.cpl is None
        assert by_video.ads == analytics.totals([mine.ad])
        assert nothing.ads == analytics.AdTotals()
        assert nothing.total_videos == 2
        with world.uow(world.bob) as uow:
            assert uow.analytics.summary(AdFilter()).total_videos == 0
            assert uow.analytics.daily(AdFilter()) == []
            assert uow.analytics.by_platform(AdFilter(video_id=new_id())) == {}


class TestWebhookDeliveries:
    def test_a_delivery_id_is_claimed_once_and_only_by_the_system(self, world: World) -> None:
        at = datetime(2026, 11, 2, tzinfo=UTC)
        with world.uow(SYSTEM) as uow:
            assert uow.webhook_deliveries.claim("msg_1", at)
            assert not uow.webhook_deliveries.claim("msg_1", at)
        with world.uow(SYSTEM) as uow:
            assert not uow.webhook_deliveries.claim("msg_1", at + timedelta(days=1))
            assert uow.webhook_deliveries.claim("msg_2", at)

    def test_a_rolled_back_claim_is_not_kept(self, world: World) -> None:
        at = datetime(2026, 11, 2, tzinfo=UTC)
        with pytest.raises(RuntimeError), world.uow(SYSTEM) as uow:
            assert uow.webhook_deliveries.claim("msg_undone", at)
            raise RuntimeError("the report could not be applied")
        with world.uow(SYSTEM) as uow:
            assert uow.webhook_deliveries.claim("msg_undone", at)

    def test_users_cannot_claim_deliveries(self, world: World) -> None:
        with pytest.raises((Forbidden, NotFound)), world.uow(world.alice) as uow:
            uow.webhook_deliveries.claim("msg_user", datetime(2026, 11, 2, tzinfo=UTC))


class TestReleaseMany:
    def test_release_many_ends_only_the_owners_leases_with_each_due_time(
        self, world: World
    ) -> None:
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            ids = [
                uow.videos.add(a_video(world.alice.id, prop.id).submit(f"eng-{n}")).id
                for n in range(3)
            ]
        now = datetime(2026, 11, 2, 12, tzinfo=UTC)
        later = now + timedelta(hours=1)
        with world.uow(SYSTEM) as uow:
            taken = uow.videos.lease("sync", "w1", now, now + timedelta(minutes=5), 10)
            assert sorted(v.id for v in taken) == sorted(ids)
            first, second, third = ids
            uow.videos.release_many([(first, now), (second, later)], "w1", now)
            uow.videos.release_many([(third, now)], "someone-else", now)  # not theirs
            uow.videos.release_many([], "w1", now)
        with world.uow(SYSTEM) as uow:
            again = uow.videos.lease("sync", "w2", now, now + timedelta(minutes=5), 10)
            assert [v.id for v in again] == [first], "second is due later, third still leased"


NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


class TestLeases:
    """The pipeline's leases (VideoRepository.lease/release/schedule_retry), as the system."""

    def videos(self, world: World, *statuses: str) -> list[str]:
        """One video of alice's per status given ('draft', 'pending', 'completed', 'failed')."""
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            made = [uow.videos.add(a_video(world.alice.id, prop.id)) for _ in statuses]
        for n, (video, status) in enumerate(zip(made, statuses, strict=True)):
            if status == "draft":
                continue
            moved = video.submit(f"eng-{video.id}")
            if status != "pending":
                end = VideoStatus(status)
                moved = moved.observe(EngineReport(f"eng-{video.id}", end, f"http://127.0.0.1/{n}"))
            with world.uow(world.alice) as uow:
                uow.videos.update(moved)
        return [v.id for v in made]

    def take(
        self, world: World, loop: str, owner: str, now: datetime, limit: int = 10
    ) -> list[str]:
        with world.uow(SYSTEM) as uow:
            return [
                v.id for v in uow.videos.lease(loop, owner, now, now + timedelta(minutes=5), limit)
            ]

    def test_each_loop_takes_its_videos_and_a_live_lease_keeps_others_away(
        self, world: World
    ) -> None:
        _draft, pending, completed, _failed = self.videos(
            world, "draft", "pending", "completed", "failed"
        )
        assert self.take(world, "sync", "w1", NOW) == [pending]
        assert self.take(world, "sync", "w2", NOW) == [], "leased by w1"
        assert self.take(world, "archive", "w2", NOW) == [completed]
        assert self.take(world, "retry", "w2", NOW) == [], "no retry is scheduled"
        assert self.take(world, "sync", "w2", later(301)) == [pending], "w1's lease ran out"

    def test_leases_are_shared_out_up_to_the_limit_in_id_order(self, world: World) -> None:
        made = self.videos(world, "pending", "pending", "pending", "pending")
        first = self.take(world, "sync", "w1", NOW, limit=3)
        second = self.take(world, "sync", "w2", NOW, limit=3)
        assert len(first) == 3 and first == sorted(first)
        assert sorted(first + second) == sorted(made)

    def test_release_by_the_owner_sets_when_it_is_next_due(self, world: World) -> None:
        (pending,) = self.videos(world, "pending")
        self.take(world, "sync", "w1", NOW)
        with world.uow(SYSTEM) as uow:
            uow.videos.release(pending, "w2", NOW, NOW)  # not w2's lease: nothing happens
        assert self.take(world, "sync", "w2", NOW) == []
        with world.uow(SYSTEM) as uow:
            uow.videos.release(pending, "w1", later(30), NOW)
        assert self.take(world, "sync", "w2", later(29)) == [], "not due yet"
        assert self.take(world, "sync", "w2", later(30)) == [pending]

    def test_a_scheduled_retry_is_due_at_its_time_and_can_be_cancelled(self, world: World) -> None:
        draft, failed, pending = self.videos(world, "draft", "failed", "pending")
        with world.uow(SYSTEM) as uow:
            uow.videos.schedule_retry(failed, later(60))
            uow.videos.schedule_retry(draft, later(60))
            uow.videos.schedule_retry(pending, later(60))  # not draft or failed: never taken
        assert self.take(world, "retry", "w1", later(59)) == []
        assert self.take(world, "retry", "w1", later(60)) == sorted([draft, failed])
        with world.uow(SYSTEM) as uow:
            uow.videos.release(failed, "w1", later(60), later(60))
            uow.videos.schedule_retry(failed, None)
            uow.videos.release(draft, "w1", later(60), later(60))
        assert self.take(world, "retry", "w2", later(120)) == [draft]

    def test_a_deleted_video_is_never_leased(self, world: World) -> None:
        pending, other = self.videos(world, "pending", "pending")
        self.take(world, "sync", "w1", NOW)
        with world.uow(SYSTEM) as uow:
            uow.videos.release(pending, "w1", NOW, NOW)
            uow.videos.release(other, "w1", NOW, NOW)
        with world.uow(world.alice) as uow:
            uow.videos.update(uow.videos.get(pending).give_up("stuck"))
            uow.videos.delete(pending)
        assert self.take(world, "sync", "w2", NOW) == [other]
