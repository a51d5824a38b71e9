"""Several workers at once over PostgreSQL leases: each video polled once a round, all archived."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest

from revideo.domain.video import VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET
from revideo.services.pipeline import Pipeline, RoundResult
from tests.integration.pipeline.harness import Rig
from tests.support import archived_path

pytestmark = pytest.mark.integration


class PollCounter:
    """The engine as one worker sees it, counting the status polls of its sync loop.

    Counted at the port, not in the simulator's request log: HTTP retries and the
    archiver's fresh-link reads are requests too, but not a second poll.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.counting = False
        self.polls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def status(self, engine_video_id: str) -> Any:
        if self.counting:
            with self._lock:
                self.polls[engine_video_id] += 1
        return self.inner.status(engine_video_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@attrs.define
class Worker:
    pipeline: Pipeline
    engine: PollCounter

    def run_round(self) -> dict[str, RoundResult]:
        """Pipeline.run_round's loops in its order, counting the polls of `sync`."""
        results = {"reconcile": self.pipeline.reconcile()}
        self.engine.counting = True
        try:
            results["sync"] = self.pipeline.sync()
        finally:
            self.engine.counting = False
        results["retry"] = self.pipeline.retry()
        results["archive"] = self.pipeline.archive()
        return results


def worker(rig: Rig) -> Worker:
    engine = PollCounter(rig.engine)
    return Worker(rig.pipeline(engine=engine), engine)


def round_of(workers: list[Worker]) -> tuple[list[dict[str, RoundResult]], Counter[str]]:
    """One round of every worker at once; their results and the polls of each video."""
    for w in workers:
        w.engine.polls.clear()
    with ThreadPoolExecutor(len(workers)) as pool:
        results = list(pool.map(lambda w: w.run_round(), workers))
    return results, sum((w.engine.polls for w in workers), Counter())


def test_two_workers_over_200_videos_never_poll_one_twice_in_a_round(rig: Rig) -> None:
    videos = rig.submitted(200)
    engine_ids = {v.engine_video_id for v in videos}
    workers = [worker(rig), worker(rig)]
    for n in range(6):
        rig.advance(20)
        results, polls = round_of(workers)
        assert set(polls) <= engine_ids
        twice = sorted(i for i, count in polls.items() if count > 1)
        assert twice == [], f"round {n}: polled more than once: {twice}"
        if n == 0:
            assert set(polls) == engine_ids, "every in-flight video is due in the first round"
            shares = [r["sync"].checked for r in results]
            assert sum(shares) == 200 and min(shares) > 0, shares
        if all(rig.video(v.id).archived_at for v in videos):
            break
    for v in videos:
        done = rig.video(v.id)
        assert done.status is VideoStatus.COMPLETED and done.archived_at is not None
        assert rig.store.open(VIDEOS_BUCKET, archived_path(done))
    assert sum(rig.sim.creates_by_handle().values()) == 200


def test_a_crashed_workers_leases_run_out_and_another_takes_over(rig: Rig) -> None:
    videos = rig.submitted(5)
    first, second = rig.pipeline(), rig.pipeline()
    rig.advance(20)
    taken = first._lease("sync", 5)  # a worker leases, then dies without polling
    assert len(taken) == 5
    assert second.sync().checked == 0, "live leases keep others away"
    rig.advance(rig.svc.pipeline.policy.lease_ttl.total_seconds() + 1)
    assert second.sync().checked == 5
    assert {rig.video(v.id).status for v in videos} == {VideoStatus.COMPLETED}
