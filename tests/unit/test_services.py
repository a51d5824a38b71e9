"""The use cases over the in-memory adapters and the fake engine."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.domain.ads import AdInput, AdPlatform
from revideo.domain.errors import (
    AuthError,
    Duplicate,
    EngineOutcomeUnknown,
    EngineRejected,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationError,
)
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor, Role
from revideo.domain.video import EngineReport, VideoStatus
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET
from revideo.ports.repositories import AdFilter, PropertyFilter
from revideo.services.videos import VideoInput
from tests.support import PNG, Clock, memory_services, sample_property, user


@pytest.fixture
def db(clock: Clock) -> InMemoryDatabase:
    return InMemoryDatabase(clock=clock)


@pytest.fixture
def engine(clock: Clock) -> FakeVideoEngine:
    return FakeVideoEngine(clock)


@pytest.fixture
def svc(clock: Clock, db: InMemoryDatabase, engine: FakeVideoEngine):  # type: ignore[no-untyped-def]
    return memory_services(clock, backend=db, engine=engine)


@pytest.fixture
def alice(db: InMemoryDatabase) -> Actor:
    return user(db, "alice@example.com")


@pytest.fixture
def bob(db: InMemoryDatabase) -> Actor:
    return user(db, "bob@example.com")


@pytest.fixture
def admin(db: InMemoryDatabase) -> Actor:
    return user(db, "admin@example.com", Role.ADMIN)


def draft(svc, actor: Actor, **overrides):  # type: ignore[no-untyped-def]
    prop = svc.properties.create(actor, sample_property())
    fields = {"avatar_id": "fake-anna", "voice_id": "fake-voice-en", "script_content": "Hi."}
    return svc.videos.create_draft(actor, VideoInput(prop.id, "Tour", **(fields | overrides)))


def test_owner_crud_and_isolation(svc, alice: Actor, bob: Actor, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    prop = svc.properties.create(alice, sample_property())
    assert svc.properties.list(alice).total == 1
    assert svc.properties.list(bob).total == 0
    with pytest.raises(NotFound):
        svc.properties.get(bob, prop.id)
    with pytest.raises(NotFound):
        svc.properties.delete(bob, prop.id)
    assert svc.properties.get(admin, prop.id) == prop
    with pytest.raises(Forbidden):
        svc.properties.update(admin, prop.id, sample_property("Taken over"))
    with pytest.raises(AuthError):
        svc.properties.create(Actor.anonymous(), sample_property())
    assert svc.properties.list(Actor.anonymous()).total == 0
    svc.properties.update(alice, prop.id, sample_property("Renamed", city="Dallas"))
    assert svc.properties.get(alice, prop.id).title == "Renamed"
    assert svc.properties.cities(alice) == ["Dallas"]
    svc.properties.delete(alice, prop.id)
    assert svc.properties.list(alice).total == 0


def test_property_filters_and_pages(svc, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    from revideo.domain.page import PageRequest

    for i in range(25):
        svc.properties.create(
            alice, sample_property(f"Home {i}", city="Austin" if i % 2 else "Waco")
        )
    page = svc.properties.list(alice, PropertyFilter(city="waco"), PageRequest(2, 10))
    assert page.total == 13 and len(page.items) == 3 and not page.has_next
    assert svc.properties.list(alice, PropertyFilter(search="home 2")).total == 6  # 2, 20..24
    newest = svc.properties.list(alice).items[0]
    assert newest.title == "Home 24"


def test_photos_keep_order_and_reject_bad_files(svc, alice: Actor, bob: Actor) -> None:  # type: ignore[no-untyped-def]
    prop = svc.properties.create(alice, sample_property())
    a = svc.properties.add_photo(alice, prop.id, PNG, "image/png")
    b = svc.properties.add_photo(alice, prop.id, PNG, "image/png")
    c = svc.properties.add_photo(alice, prop.id, PNG, "image/png")
    assert [m.order for m in (a, b, c)] == [0, 1, 2]
    with pytest.raises(ValidationError) as exc:
        svc.properties.add_photo(alice, prop.id, b"GIF89a....", "image/png")
    assert exc.value.field == "photos"
    with pytest.raises(ValidationError):
        svc.properties.add_photo(alice, prop.id, PNG, "image/gif")
    with pytest.raises(NotFound):
        svc.properties.add_photo(bob, prop.id, PNG, "image/png")
    assert len(svc.store.objects) == 3
    svc.properties.reorder_photos(alice, prop.id, [c.id, a.id, b.id])
    svc.properties.remove_photo(alice, a.id)
    photos = svc.properties.photos(alice, prop.id)
    assert [(m.id, m.order) for m in photos] == [(c.id, 0), (b.id, 1)]
    assert (PHOTOS_BUCKET, a.storage_path) not in svc.store.objects
    assert a.storage_path.startswith(f"{alice.user_id}/{prop.id}/")


class HtmlFiles(FakeVideoEngine):
    """An engine whose file link answers with a web page (an unfollowed redirect, say)."""

    def fetch(self, url: str):  # type: ignore[no-untyped-def]
        yield b"<html><body>Moved: https://cdn.example/real.mp4</body></html>"


def test_what_is_not_media_is_not_archived(
    clock: Clock, db: InMemoryDatabase, alice: Actor
) -> None:
    engine = HtmlFiles(clock)
    svc = memory_services(clock, backend=db, engine=engine)
    video = svc.videos.submit(alice, draft(svc, alice).id)
    clock.advance(minutes=5)
    svc.pipeline.sync()
    assert svc.pipeline.archive().failed == 1
    kept = svc.videos.get(alice, video.id)
    assert kept.archived_at is None and (kept.video_url or "").startswith("fake://")
    with pytest.raises(NotFound):
        b"".join(svc.store.open(VIDEOS_BUCKET, f"{alice.user_id}/{video.id}.mp4"))


def test_render_to_archive(svc, engine: FakeVideoEngine, clock: Clock, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    video = svc.videos.submit(alice, draft(svc, alice).id)
    assert video.status is VideoStatus.PENDING and video.attempt_count == 1
    (job,) = svc.videos.jobs(alice, video.id)
    assert job.engine_video_id == video.engine_video_id and job.cost_credits == Decimal(1)
    assert engine.renders[video.engine_video_id].request.handle == job.id
    clock.advance(seconds=10)
    assert svc.pipeline.sync().changed == 1
    assert svc.videos.get(alice, video.id).status is VideoStatus.PROCESSING
    clock.advance(seconds=60)
    svc.pipeline.sync()
    done = svc.videos.get(alice, video.id)
    assert done.status is VideoStatus.COMPLETED and done.video_url.startswith("fake://")
    assert svc.pipeline.archive().changed == 1
    kept = svc.videos.get(alice, video.id)
    assert kept.archived_at == clock.now
    # a new path for every attempt (cached copies of an older render never answer for it)
    path = f"{alice.user_id}/{video.id}/1-{video.engine_video_id}.mp4"
    assert kept.video_url == svc.store.public_url(VIDEOS_BUCKET, path)
    assert svc.pipeline.archive().checked == 0, "archived videos are not copied again"
    assert svc.videos.jobs(alice, video.id)[0].status is VideoStatus.COMPLETED


def test_the_job_is_written_before_the_engine_is_called(
    svc, db, clock: Clock, alice: Actor
) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []

    class Watching(FakeVideoEngine):
        def create(self, request):  # type: ignore[no-untyped-def]
            seen.append(len(db.tables.jobs))
            return super().create(request)

    watched = memory_services(clock, backend=db, engine=Watching(clock))
    watched.videos.submit(alice, draft(watched, alice).id)
    assert seen == [1]


def test_lost_answer_is_reconciled_without_paying_twice(
    svc, engine: FakeVideoEngine, clock: Clock, alice: Actor
) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)

    class AcceptedButLost(FakeVideoEngine):
        def create(self, request):  # type: ignore[no-untyped-def]
            engine.create(request)
            raise EngineOutcomeUnknown(request.handle, "timed out after sending")

    flaky = memory_services(clock, backend=svc.backend, engine=AcceptedButLost(clock))
    with pytest.raises(EngineOutcomeUnknown):
        flaky.videos.submit(alice, video.id)
    with pytest.raises(InvalidTransition):
        svc.videos.submit(alice, video.id)  # a start is already under way
    assert svc.pipeline.reconcile().checked == 0, "within the grace period nothing is settled"
    clock.advance(minutes=5)
    result = svc.pipeline.reconcile()
    assert (result.checked, result.changed) == (1, 1)
    settled = svc.videos.get(alice, video.id)
    assert settled.status is VideoStatus.PENDING
    assert engine.create_calls == 2 and len(engine.renders) == 1, "re-sent, rendered once"


def test_a_create_that_never_arrived_is_sent_again_by_reconcile(
    svc, engine: FakeVideoEngine, clock: Clock, alice: Actor
) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)
    engine.reject_next(EngineOutcomeUnknown("x", "connection reset"))
    with pytest.raises(EngineOutcomeUnknown):
        svc.videos.submit(alice, video.id)
    assert engine.renders == {}
    clock.advance(minutes=5)
    assert svc.pipeline.reconcile().changed == 1
    assert svc.videos.get(alice, video.id).status is VideoStatus.PENDING
    assert len(engine.renders) == 1


class NoReplayEngine(FakeVideoEngine):
    """An engine whose creates carry no idempotency key (like HeyGen v2)."""

    idempotent_create = False


def test_without_idempotency_a_lost_answer_waits_and_its_webhook_is_adopted(
    clock: Clock, db: InMemoryDatabase, alice: Actor
) -> None:
    engine = NoReplayEngine(clock)
    svc = memory_services(clock, backend=db, engine=engine)
    video = draft(svc, alice)

    class AcceptedButLost(NoReplayEngine):
        def create(self, request):  # type: ignore[no-untyped-def]
            engine.create(request)
            raise EngineOutcomeUnknown(request.handle, "timed out after sending")

    with pytest.raises(EngineOutcomeUnknown):
        memory_services(clock, backend=db, engine=AcceptedButLost(clock)).videos.submit(
            alice, video.id
        )
    clock.advance(minutes=5)
    assert svc.pipeline.reconcile().failed == 1
    waiting = svc.videos.get(alice, video.id)
    assert waiting.status is VideoStatus.DRAFT and "waits for the engine's webhook" in (
        waiting.error_message or ""
    )
    [job] = svc.videos.jobs(alice, video.id)
    assert job.failure_kind is FailureKind.OUTCOME_UNKNOWN
    assert engine.create_calls == 1, "never sent again by itself"
    svc.pipeline.retry()
    assert engine.create_calls == 1, "nor retried automatically"
    clock.advance(minutes=1)
    [render] = engine.renders.values()
    late = engine.status(render.id)  # the render's last word, naming our attempt
    assert late.status is VideoStatus.COMPLETED and late.handle == job.id
    adopted = svc.pipeline.apply_report(late)
    assert adopted is not None and adopted.status is VideoStatus.COMPLETED
    assert adopted.engine_video_id == render.id
    [job] = svc.videos.jobs(alice, video.id)
    assert job.engine_video_id == render.id and job.status is VideoStatus.COMPLETED
    assert job.failure_kind is None and job.cost_credits is not None


def test_rejected_render_keeps_the_draft_with_the_reason(svc, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice, avatar_id="nobody")
    with pytest.raises(EngineRejected) as exc:
        svc.videos.submit(alice, video.id)
    assert exc.value.reason == "unknown_avatar"
    after = svc.videos.get(alice, video.id)
    assert after.status is VideoStatus.DRAFT and "nobody" in (after.error_message or "")
    assert svc.videos.jobs(alice, video.id)[0].status is VideoStatus.FAILED


def test_incomplete_draft_is_refused_before_any_job(svc, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice, script_content="")
    with pytest.raises(ValidationError) as exc:
        svc.videos.submit(alice, video.id)
    assert exc.value.field == "script_content"
    assert svc.videos.jobs(alice, video.id) == []


def test_failure_then_retry_opens_a_new_attempt(
    svc, engine: FakeVideoEngine, clock: Clock, alice: Actor
) -> None:  # type: ignore[no-untyped-def]
    engine.fail_next("avatar could not be rendered")
    video = svc.videos.submit(alice, draft(svc, alice).id)
    clock.advance(minutes=2)
    svc.pipeline.sync()
    failed = svc.videos.get(alice, video.id)
    assert failed.status is VideoStatus.FAILED
    assert failed.error_message == "avatar could not be rendered"
    with pytest.raises(InvalidTransition):
        failed.submit("x")  # a failed video is retried, not submitted
    again = svc.videos.retry(alice, video.id)
    assert again.status is VideoStatus.PENDING and again.attempt_count == 2
    jobs = svc.videos.jobs(alice, video.id)
    assert [j.attempt_count for j in jobs] == [1, 2]
    assert [j.status for j in jobs] == [VideoStatus.FAILED, VideoStatus.PENDING]


def test_reports_are_idempotent_and_unknown_ids_ignored(svc, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    video = svc.videos.submit(alice, draft(svc, alice).id)
    done = EngineReport(video.engine_video_id, VideoStatus.COMPLETED, video_url="https://v")
    late = EngineReport(video.engine_video_id, VideoStatus.PROCESSING)
    first = svc.pipeline.apply_report(done)
    assert svc.pipeline.apply_report(done) == first
    assert svc.pipeline.apply_report(late) == first
    assert svc.pipeline.apply_report(EngineReport("nobody", VideoStatus.FAILED)) is None


def test_stuck_render_is_failed_with_a_message(
    svc, engine: FakeVideoEngine, clock: Clock, alice: Actor
) -> None:  # type: ignore[no-untyped-def]
    engine.queue_time = timedelta(days=9)
    video = svc.videos.submit(alice, draft(svc, alice).id)
    clock.advance(hours=3)
    assert svc.pipeline.sync().failed == 1
    stuck = svc.videos.get(alice, video.id)
    assert stuck.status is VideoStatus.FAILED and "unfinished" in (stuck.error_message or "")


def test_delete_rules(svc, alice: Actor, bob: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)
    with pytest.raises(NotFound):
        svc.videos.delete(bob, video.id)
    running = svc.videos.submit(alice, video.id)
    with pytest.raises(InvalidTransition):
        svc.videos.delete(alice, running.id)
    other = draft(svc, alice)
    svc.videos.delete(alice, other.id)
    with pytest.raises(NotFound):
        svc.videos.get(alice, other.id)


def test_ads_and_analytics(svc, alice: Actor, bob: Actor, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)
    day = date(2026, 11, 20)
    svc.ads.add(
        alice,
        AdInput(video.id, "meta", day, spend_amount="30", impressions=400, clicks=10, leads=3),
    )
    svc.ads.add(alice, AdInput(video.id, "google", day, spend_amount="20", impressions=1000))
    with pytest.raises(Duplicate):
        svc.ads.add(alice, AdInput(video.id, "meta", day, spend_amount="1"))
    with pytest.raises(NotFound):
        svc.ads.add(bob, AdInput(video.id, "meta", date(2026, 11, 21)))
    summary = svc.analytics.summary(alice)
    assert summary.ads.spend == Decimal("50.00") and summary.ads.cpl == Decimal("16.6667")
    assert summary.count(VideoStatus.DRAFT) == 1
    assert svc.analytics.summary(bob).ads.cpl is None
    by_platform = svc.analytics.by_platform(alice, AdFilter(date_from=day, date_to=day))
    assert by_platform[AdPlatform.GOOGLE].cpm == Decimal("20.0000")
    with pytest.raises(Forbidden):
        svc.analytics.summary(bob, AdFilter(user_id=alice.user_id))
    assert svc.analytics.summary(admin, AdFilter(user_id=alice.user_id)).ads.leads == 3
    with pytest.raises(ValidationError):
        svc.analytics.daily(alice, AdFilter(date_from=day, date_to=date(2026, 1, 1)))


def test_roles_change_only_by_admin(svc, alice: Actor, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        svc.users.set_role(alice, alice.user_id, Role.ADMIN)
    assert svc.users.set_role(admin, alice.user_id, "admin").role is Role.ADMIN
    with pytest.raises(ValidationError):
        svc.users.set_role(admin, admin.user_id, "user")
    assert svc.users.list(admin).total == 2


def test_edit_a_draft_and_not_a_running_video(svc, alice: Actor, bob: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)
    edited = svc.videos.edit(alice, video.id, title="New title", aspect_ratio="9:16")
    assert (edited.title, edited.meta.aspect_ratio.value) == ("New title", "9:16")
    with pytest.raises(ValidationError) as exc:
        svc.videos.edit(alice, video.id, status="completed")
    assert exc.value.field == "status"
    with pytest.raises(NotFound):
        svc.videos.edit(bob, video.id, title="Mine now")
    svc.videos.submit(alice, video.id)
    with pytest.raises(InvalidTransition):
        svc.videos.edit(alice, video.id, title="Too late")


def test_update_and_delete_ad_records(svc, alice: Actor, bob: Actor, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    video = draft(svc, alice)
    day = date(2026, 11, 20)
    record = svc.ads.add(
        alice, AdInput(video.id, "meta", day, spend_amount="10", impressions=50, leads=1)
    )
    changed = svc.ads.update(alice, record.id, AdInput(video.id, "meta", day, spend_amount="12"))
    assert changed.spend_amount == Decimal("12.00") and changed.leads == 0
    assert svc.ads.get(admin, record.id) == changed
    with pytest.raises(Forbidden):
        svc.ads.delete(admin, record.id)
    with pytest.raises(NotFound):
        svc.ads.update(bob, record.id, AdInput(video.id, "meta", day))
    svc.ads.delete(alice, record.id)
    assert svc.ads.list(alice).total == 0


def test_profile_of_the_signed_in_user(svc, alice: Actor) -> None:  # type: ignore[no-untyped-def]
    assert svc.users.me(alice).email == "alice@example.com"
    assert svc.users.update_me(alice, "  Alice A. ").full_name == "Alice A."
    with pytest.raises(AuthError):
        svc.users.me(Actor.anonymous())
    assert svc.users.by_email("ALICE@example.com").id == alice.user_id
