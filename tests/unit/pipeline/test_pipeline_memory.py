"""The pipeline's rules over the in-memory adapters and the fake engine (fast)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import InMemoryMediaStore
from revideo.domain.errors import EngineUnavailable, TooLarge
from revideo.domain.failure import FailureKind
from revideo.domain.profile import Actor
from revideo.domain.render_job import RenderJob
from revideo.domain.video import EngineReport, VideoStatus
from revideo.services.pipeline import Pipeline, RoundResult
from revideo.services.videos import RenderPolicy, VideoInput
from tests.support import Clock, memory_services, sample_property, user


class CountingEngine(FakeVideoEngine):
    """The fake engine, counting status calls per render; can be busy for a while."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.polls: Counter[str] = Counter()
        self.busy_for = 0

    def status(self, engine_video_id: str) -> EngineReport:
        with self._lock:
            self.polls[engine_video_id] += 1
            if self.busy_for > 0:
                self.busy_for -= 1
                raise EngineUnavailable("429 Too Many Requests", retry_after=7)
        return super().status(engine_video_id)


@pytest.fixture
def engine(clock: Clock) -> CountingEngine:
    return CountingEngine(clock)


@pytest.fixture
def world(clock: Clock, engine: CountingEngine):  # type: ignore[no-untyped-def]
    db = InMemoryDatabase(clock=clock)
    svc = memory_services(clock, backend=db, engine=engine)
    actor = user(db, "ann@example.com")
    prop = svc.properties.create(actor, sample_property())
    return svc, actor, prop.id


def submit(world, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    svc, actor, prop_id = world
    fields = {"script_content": "Hi.", "avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
    drafts = [
        svc.videos.create_draft(actor, VideoInput(prop_id, f"V{n}", **fields)) for n in range(count)
    ]
    return [svc.videos.submit(actor, d.id).engine_video_id for d in drafts]


def test_concurrent_workers_split_a_round_without_overlap(world, engine, clock) -> None:  # type: ignore[no-untyped-def]
    ids = submit(world, 60)
    svc = world[0]
    workers = [Pipeline(svc.pipeline.ctx, engine, svc.store) for _ in range(3)]
    clock.advance(seconds=10)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda w: w.sync(), workers))
    assert sum(r.checked for r in results) == 60
    assert set(engine.polls) == set(ids) and set(engine.polls.values()) == {1}
    assert sum(w.sync().checked for w in workers) == 0, "polled videos wait for poll_every"
    clock.advance(seconds=31)
    assert workers[0].sync().checked == 60


def test_a_busy_engine_pauses_the_round_for_its_retry_after(world, engine, clock) -> None:  # type: ignore[no-untyped-def]
    submit(world, 20)
    engine.busy_for = 1
    # One poll at a time, so the busy answer closes the gate before the next poll starts
    # whatever the threads' timing (with 8 at once, a busy machine could finish the
    # other polls of the batch first).
    pipeline = world[0].pipeline
    pipeline = attrs.evolve(pipeline, policy=attrs.evolve(pipeline.policy, poll_concurrency=1))
    first = pipeline.sync()
    assert first.deferred > 0 and first.checked + first.deferred < 20, "no new polls"
    clock.advance(seconds=6)
    assert pipeline.sync().checked == 0, "Retry-After (7 s) is honoured"
    clock.advance(seconds=2)
    assert pipeline.sync().checked == 20 - first.checked


def test_a_stopped_round_leaves_the_rest_for_later(world, engine, clock) -> None:  # type: ignore[no-untyped-def]
    import threading

    submit(world, 10)
    stop = threading.Event()
    stop.set()
    assert world[0].pipeline.run_round(stop) == {}
    assert sum(engine.polls.values()) == 0


def job(kind: FailureKind | None, error: str = "", engine_id: str | None = "e1") -> RenderJob:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    status = VideoStatus.FAILED if kind is not None else VideoStatus.COMPLETED
    return RenderJob(
        "j", "v", "u", 1, start, status, engine_id, start, error_message=error, failure_kind=kind
    )


# What each kind means for an automatic retry (issue 16: the kind decides, never the text).
RETRY = {
    FailureKind.BUSY: True,  # the engine never took it: sending again cannot pay twice
    FailureKind.RENDER_FAILED: True,  # taken, then failed for a passing reason
    FailureKind.STUCK: False,  # may still be rendering, and billed
    FailureKind.GONE: False,
    FailureKind.OUTCOME_UNKNOWN: False,  # v2 lost answer: waits for the webhook or the user
    FailureKind.UNAUTHORIZED: False,
    FailureKind.UNKNOWN_AVATAR: False,
    FailureKind.UNKNOWN_VOICE: False,
    FailureKind.UNSUPPORTED_AVATAR: False,
    FailureKind.SCRIPT_TOO_LONG: False,
    FailureKind.NO_CREDIT: False,
    FailureKind.TRIAL_LIMIT: False,
    FailureKind.INVALID_REQUEST: False,
    FailureKind.NOT_FOUND: False,
}


def test_every_failure_kind_has_a_retry_decision() -> None:
    assert set(RETRY) == set(FailureKind)


@given(st.sampled_from(list(FailureKind)), st.text(max_size=60), st.sampled_from(["e1", None]))
def test_the_failure_kind_alone_decides_a_retry(kind: FailureKind, words: str, sent) -> None:  # type: ignore[no-untyped-def]
    """Whatever the message says ("credit", "avatar", "PERMANENT", old prefixes...)."""
    assert RenderPolicy().retry_worthy(job(kind, words, sent)) is RETRY[kind]


@given(st.text(max_size=60))
def test_an_attempt_without_a_failure_is_not_retried(words: str) -> None:
    assert not RenderPolicy().retry_worthy(job(None, words))


def test_the_cap_counts_every_attempt() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    policy = RenderPolicy(max_auto_attempts=2, retry_delay=timedelta(minutes=3))
    failed = job(FailureKind.RENDER_FAILED, "Video generation failed")
    assert policy.auto_retry_due([failed], now) == now + timedelta(minutes=3)
    assert policy.auto_retry_due([failed, failed], now) is None
    assert policy.auto_retry_due([], now) is None


@pytest.mark.parametrize(
    ("kind", "words", "retried"),
    [
        # The words of a hopeless cause, on a passing failure: retried all the same.
        (None, "not enough credit, invalid avatar, quota", True),
        # A hopeless kind with harmless words: never retried.
        (FailureKind.SCRIPT_TOO_LONG, "Video generation failed", False),
    ],
)
def test_a_failed_render_is_retried_by_its_kind(world, engine, clock, kind, words, retried) -> None:  # type: ignore[no-untyped-def]
    svc = world[0]
    engine.fail_next(words, kind)
    [engine_id] = submit(world, 1)
    clock.advance(seconds=60)
    svc.pipeline.sync()
    clock.advance(minutes=2)
    svc.pipeline.retry()
    video = next(iter(engine.renders.values())).request.handle
    with svc.backend.unit_of_work(Actor.service()) as uow:
        jobs = uow.render_jobs.for_video(uow.render_jobs.get(video).video_id)
    assert jobs[0].engine_video_id == engine_id and jobs[0].status is VideoStatus.FAILED
    assert jobs[0].failure_kind is (kind or FailureKind.RENDER_FAILED)
    assert len(jobs) == (2 if retried else 1)


def test_leases_are_for_the_system_only_in_effect(world, clock) -> None:  # type: ignore[no-untyped-def]
    submit(world, 2)
    svc = world[0]
    now = clock()
    with svc.backend.unit_of_work(Actor.service()) as uow:
        first = uow.videos.lease("sync", "a", now, now + timedelta(minutes=1), 10)
        again = uow.videos.lease("sync", "b", now, now + timedelta(minutes=1), 10)
        uow.videos.release(first[0].id, "b", now, now)  # not b's: nothing happens
        after = uow.videos.lease("sync", "b", now, now + timedelta(minutes=1), 10)
    assert len(first) == 2 and again == [] and after == []


class LimitedStore(InMemoryMediaStore):
    """The in-memory store with a size limit, as Supabase Storage has one (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.attempts = 0

    def put(self, actor, bucket, path, data, content_type, *, filename=None):  # type: ignore[no-untyped-def]
        self.attempts += 1
        blob = data if isinstance(data, bytes) else b"".join(data)
        if len(blob) > self.limit:
            raise TooLarge(f"larger than the limit ({self.limit} bytes)", self.limit, "LIMIT")
        return super().put(actor, bucket, path, blob, content_type, filename=filename)


def test_a_render_too_large_for_the_store_keeps_the_engine_link_and_is_not_retried(
    world,
    engine,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    (engine_id,) = submit(world, 1)
    svc = world[0]
    store = LimitedStore(limit=100)
    pipeline = Pipeline(svc.pipeline.ctx, engine, store)
    for seconds in (10, 60):
        clock.advance(seconds=seconds)
        pipeline.sync()
    assert pipeline.archive().changed == 1
    video = next(v for v in svc.videos.list(world[1]).items if v.engine_video_id == engine_id)
    assert video.status is VideoStatus.COMPLETED and video.archived_at is None
    assert video.video_url is not None and video.video_url.startswith("fake://")
    assert (
        video.error_message == "not archived: larger than the limit (100 bytes); the setting: LIMIT"
    )
    tried = store.attempts
    clock.advance(days=30)
    assert pipeline.archive() == RoundResult() and store.attempts == tried
    assert store.objects == {}
