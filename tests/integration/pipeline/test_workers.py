"""Several workers at once over PostgreSQL leases, against the simulator's request log."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from revideo.domain.video import VideoStatus
from revideo.ports.media_store import VIDEOS_BUCKET
from revideo.services.pipeline import Pipeline, RoundResult
from tests.integration.pipeline.harness import Rig
from tests.support import archived_path

pytestmark = pytest.mark.integration


STATUS = "/v3/videos/"


Calls = list[tuple[str, str, int]]


def status_calls(calls: Calls) -> Counter[str]:
    """Status requests per engine video id."""
    asked = (path for method, path, _ in calls if method == "GET")
    return Counter(path[len(STATUS) :] for path in asked if path.startswith(STATUS))


def twice(calls: Calls) -> str:
    """Every request of the round about the videos asked for more than once (for the failure)."""
    ids = [i for i, n in status_calls(calls).items() if n > 1]
    return "\n".join(f"{m} {p} -> {s}" for m, p, s in calls if any(i in p for i in ids))


def round_of(workers: list[Pipeline]) -> list[dict[str, RoundResult]]:
    with ThreadPoolExecutor(len(workers)) as pool:
        return list(pool.map(lambda w: w.run_round(), workers))


def test_two_workers_over_200_videos_never_poll_one_twice_in_a_round(rig: Rig) -> None:
    videos = rig.submitted(200)
    engine_ids = {v.heygen_video_id for v in videos}
    workers = [rig.pipeline(), rig.pipeline()]
    rig.sim.take_calls()
    for n in range(6):
        rig.advance(20)
        results = round_of(workers)
        log = rig.sim.take_calls()
        calls = status_calls(log)
        assert set(calls) <= engine_ids
        assert max(calls.values(), default=0) <= 1, f"round {n}:\n{twice(log)}"
        if n == 0:
            assert set(calls) == engine_ids, "every in-flight video is due in the first round"
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
