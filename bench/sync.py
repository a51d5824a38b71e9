"""
Status sync throughput: one `Pipeline.sync` round over many in-flight videos.

Starts the HeyGen simulator on loopback with every status call slowed by
`--latency` seconds, submits `--videos` renders that stay in flight, then times
one sync round (leases, concurrent polls, one transaction per video) at each
concurrency limit L. The floor is what L perfect parallel callers need:
videos × latency / L. Prints wall ÷ floor (goal <= 1.3) and peak memory.

    python bench/sync.py                      # 1000 videos, 50 ms, L = 10 and 25
    python bench/sync.py --limits 5 10 --memory   # the in-memory database instead
    python bench/sync.py --limits 25 --profile    # and where each poll's time goes
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.heygen import HeyGenEngine
from revideo.adapters.heygen.simulator import HeyGenSimulator
from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.store import OutboxMailer
from revideo.bootstrap import bootstrap
from revideo.domain.profile import Actor
from revideo.domain.property import Address, PropertyInput, Specs
from revideo.services.pipeline import Pipeline
from revideo.services.videos import VideoInput
from revideo.settings import load

KEY = "bench-key"


class Clock:
    """Our side's clock, moved by hand between rounds."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class FastSimulator(HeyGenSimulator):
    """The simulator with TCP_NODELAY on its answers (else Nagle adds ~40 ms to each)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handler = self._server.RequestHandlerClass
        self._server.RequestHandlerClass = type(
            "NoDelayHandler", (handler,), {"disable_nagle_algorithm": True}
        )


class Simulator:
    """The simulator in a process of its own, as HeyGen is: its CPU is not ours."""

    def __init__(self, media_dir: Path, plan: dict[str, Any]) -> None:
        self.media_dir, self.plan = media_dir, plan

    def __enter__(self) -> str:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.media_dir, self.plan))
        self.process.start()
        return str(parent.recv())

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join()


def _serve(conn: Any, media_dir: Path, plan: dict[str, Any]) -> None:
    with FastSimulator(KEY, speed=0, media_dir=media_dir, **plan) as sim:
        conn.send(sim.base_url)
        threading.Event().wait()


def backend(use_memory: bool, data_dir: Path, clock: Clock) -> Any:
    if use_memory:
        return InMemoryDatabase(clock=clock)
    from revideo.adapters.postgres import PostgresDatabase, embedded

    return PostgresDatabase.connect(embedded.ensure_server(data_dir / "pg"), max_size=40)


def seed(svc: Any, db: Any, count: int) -> None:
    profile = db.add_user("bench@example.com")
    actor = Actor.user(profile.id, email=profile.email)
    prop = svc.properties.create(
        actor,
        PropertyInput(
            title="Bench house",
            category="residential",
            address=Address(street="1 Main St", city="Austin", state="TX", zip="78701"),
            specs=Specs(price="500000", beds=3),
        ),
    )
    for n in range(count):
        data = VideoInput(
            prop.id, f"Video {n}", "Welcome home.", "Daisy-inskirt-20220818",
            "2d5b0e6cf36f460aa7fc47e3eee4ba54",
        )  # fmt: skip
        svc.videos.submit(actor, svc.videos.create_draft(actor, data).id)


def one_round(svc: Any, clock: Clock, limit: int, traced: bool = False) -> tuple[float, int, Any]:
    """Wall time, peak traced memory (0 unless `traced`) and result of one sync round.

    tracemalloc hooks every allocation and slows a CPU-bound round by half or
    more, so the timed round runs without it and memory is taken in another.
    """
    pipeline = Pipeline(
        svc.pipeline.ctx,
        svc.engine,
        svc.store,
        attrs.evolve(svc.pipeline.policy, poll_concurrency=limit),
    )
    clock.now += timedelta(minutes=5)  # every video is due again
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = pipeline.sync()
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    return wall, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per status call")
    parser.add_argument("--limits", type=int, nargs="+", default=[10, 25])
    parser.add_argument("--memory", action="store_true", help="in-memory database")
    parser.add_argument("--profile", action="store_true", help="a third, profiled round")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="revideo-bench-sync-"))
    clock = Clock()
    db = backend(args.memory, data_dir, clock)
    plan = {"concurrency": args.videos * 2, "credits": 10**7, "pending_seconds": 10**6}
    server = Simulator(data_dir / "sim", plan)
    try:
        with server as base_url:
            engine = HeyGenEngine(KEY, base_url=base_url)
            env = {"REVIDEO_DATA_DIR": str(data_dir), "REVIDEO_SECRET_KEY": "bench"}
            svc = bootstrap(
                load(env, dotenv=False),
                backend=db,
                engine=engine,
                store=FilesMediaStore(data_dir / "media"),
                mailer=OutboxMailer(),
                clock=clock,
            )
            t = time.perf_counter()
            seed(svc, db, args.videos)
            print(f"seeded {args.videos} in-flight videos in {time.perf_counter() - t:.1f} s")
            slow = {"kind": "slow", "count": 10**9, "method": "GET", "seconds": args.latency}
            httpx.post(f"{base_url}/_sim/faults", json=slow).raise_for_status()
            for limit in args.limits:
                wall, _, result = one_round(svc, clock, limit)
                _, peak, _ = one_round(svc, clock, limit, traced=True)
                floor = args.videos * args.latency / limit
                print(
                    f"L={limit:>3}: {result.checked} polled in {wall:.2f} s, floor {floor:.2f} s,"
                    f" ratio {wall / floor:.2f} (goal <= 1.3),"
                    f" peak traced memory {peak / 2**20:.1f} MiB (a second, traced round)"
                )
                if args.profile:
                    from _poll_profile import profiled, report

                    with profiled() as profiles:
                        _, _, again = one_round(svc, clock, limit)
                    print(report(profiles, again.checked))
            engine.close()
    finally:
        getattr(db, "close", lambda: None)()
        if not args.memory:
            from revideo.adapters.postgres import embedded

            embedded.stop_server(data_dir / "pg")
        shutil.rmtree(data_dir, ignore_errors=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
