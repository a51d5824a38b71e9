"""
The render pipeline on the real PostgreSQL and the HeyGen simulator over loopback.

`Rig` holds one world: a counting simulator (frozen clock), a HeyGenEngine on
it, files media, services on a hand-driven clock, and one user with a
property. Crash injection wraps the ports (engine, media store, database) in
adapters that count every step and crash at a chosen one: by raising, or by
killing the process (`os._exit`, no cleanup at all).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.heygen import HeyGenEngine
from revideo.adapters.heygen.simulator import HeyGenSimulator
from revideo.adapters.memory.store import OutboxMailer
from revideo.bootstrap import Services, bootstrap
from revideo.domain.profile import Actor
from revideo.domain.video import EngineReport, Video
from revideo.ports.media_store import StoredObject
from revideo.ports.video_engine import Avatar, RenderRequest, Voice
from revideo.services.pipeline import Pipeline
from revideo.services.videos import RenderPolicy, VideoInput
from revideo.settings import load
from tests.support import Clock, sample_property

KEY = "sim-pipeline-key"
SECRET = "whsec_cGlwZWxpbmUtdGVzdHMtc2VjcmV0"  # base64: a Standard Webhooks secret too
AVATAR = "Daisy-inskirt-20220818"
VOICE = "2d5b0e6cf36f460aa7fc47e3eee4ba54"
KILLED = 86  # exit status of a process killed by a crash plan


class CountingSimulator(HeyGenSimulator):
    """The simulator, counting the renders it accepted."""

    def creates_by_handle(self) -> Counter[str]:
        """How many renders the simulator accepted for each callback_id."""
        with self.state.lock:
            return Counter(j.callback_id or "" for j in self.state.jobs.values())


def make_engine(sim: HeyGenSimulator, **options: Any) -> HeyGenEngine:
    options = {"sleep": lambda s: None, "max_retries": 2, "webhook_secret": SECRET} | options
    return HeyGenEngine(KEY, base_url=sim.base_url, **options)


def make_services(
    backend: Any, engine: Any, store: Any, clock: Clock, data_dir: Path, **env: str
) -> Services:
    settings = load(
        {"REVIDEO_DATA_DIR": str(data_dir), "REVIDEO_ENGINE": "heygen", "HEYGEN_API_KEY": KEY}
        | {"REVIDEO_SECRET_KEY": "pipeline-tests", "REVIDEO_CRON_SECRET": "cron-secret"}
        | env,
        dotenv=False,
    )
    return bootstrap(
        settings, backend=backend, engine=engine, store=store, mailer=OutboxMailer(), clock=clock
    )


@attrs.define
class Rig:
    sim: CountingSimulator
    db: Any
    engine: HeyGenEngine
    store: FilesMediaStore
    clock: Clock
    svc: Services
    actor: Actor
    property_id: str
    data_dir: Path

    def pipeline(self, policy: RenderPolicy | None = None, **options: Any) -> Pipeline:
        """A pipeline (a worker of its own) over the rig's database and engine."""
        return Pipeline(
            self.svc.pipeline.ctx,
            options.pop("engine", self.engine),
            options.pop("store", self.store),
            policy or self.svc.pipeline.policy,
        )

    def advance(self, seconds: float) -> None:
        """Move both clocks: ours and the simulator's (over HTTP: works from a forked worker)."""
        import httpx

        self.clock.advance(seconds=seconds)
        answer = httpx.post(f"{self.sim.base_url}/_sim/advance", json={"seconds": seconds})
        answer.raise_for_status()

    def draft(self, title: str = "Tour", **fields: Any) -> Video:
        values = {"script_content": "Welcome home.", "avatar_id": AVATAR, "voice_id": VOICE}
        data = VideoInput(self.property_id, title, **(values | fields))
        return self.svc.videos.create_draft(self.actor, data)

    def submitted(self, count: int) -> list[Video]:
        drafts = [self.draft(f"Video {n}") for n in range(count)]
        return [self.svc.videos.submit(self.actor, d.id) for d in drafts]

    def video(self, video_id: str) -> Video:
        return self.svc.videos.get(self.actor, video_id)


def build_rig(
    sim: CountingSimulator, db: Any, data_dir: Path, engine: HeyGenEngine | None = None
) -> Rig:
    clock = Clock()
    engine = engine or make_engine(sim)
    store = FilesMediaStore(data_dir / "media", base_url="http://127.0.0.1/media")
    svc = make_services(db, engine, store, clock, data_dir)
    profile = db.add_user("owner@example.com")
    actor = Actor.user(profile.id, email=profile.email)
    prop = svc.properties.create(actor, sample_property())
    return Rig(sim, db, engine, store, clock, svc, actor, prop.id, data_dir)


# ---- crash injection ---------------------------------------------------------


class Crash(Exception):
    """A crash injected by a CrashPlan."""


Step = tuple[str, int]  # a step's name and which occurrence of that name it is (1, 2, ...)


class CrashPlan:
    """Records the steps taken through the wrapped ports and crashes at the chosen one.

    A step is chosen by name and occurrence ("commit:before", 3), not by its
    place in the whole sequence: the pipeline leases its next batch while a
    thread works on the first, so the order of steps across threads varies
    from run to run, while each name's occurrences do not go missing.
    """

    def __init__(self, at: Step | None, *, kill: bool = False) -> None:
        self.at = at
        self.kill = kill
        self.steps: list[Step] = []
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def step(self, name: str) -> None:
        with self._lock:
            self._seen[name] += 1
            self.steps.append((name, self._seen[name]))
            crash = self.steps[-1] == self.at
        if crash and self.kill:
            os._exit(KILLED)
        if crash:
            raise Crash(f"crash at {name} #{self._seen[name]}")


class CrashingEngine:
    """A VideoEngine that passes every call on, with a step before and after it."""

    def __init__(self, inner: Any, plan: CrashPlan) -> None:
        self.inner = inner
        self.plan = plan
        self.name: str = inner.name
        self.max_script_chars: int = inner.max_script_chars
        self.idempotent_create: bool = inner.idempotent_create
        self.credit_rate = inner.credit_rate

    def _call(self, name: str, *args: Any) -> Any:
        self.plan.step(f"engine.{name}:before")
        result = getattr(self.inner, name)(*args)
        self.plan.step(f"engine.{name}:after")
        return result

    def create(self, request: RenderRequest) -> str:
        return str(self._call("create", request))

    def status(self, engine_video_id: str) -> EngineReport:
        report: EngineReport = self._call("status", engine_video_id)
        return report

    def fetch(self, url: str) -> Iterator[bytes]:
        self.plan.step("engine.fetch:before")
        yield from self.inner.fetch(url)
        self.plan.step("engine.fetch:after")

    def avatars(self) -> list[Avatar]:
        return list(self.inner.avatars())

    def voices(self) -> list[Voice]:
        return list(self.inner.voices())

    def remaining_quota(self) -> Decimal | None:
        quota: Decimal | None = self._call("remaining_quota")
        return quota

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        report: EngineReport | None = self.inner.parse_webhook(body, headers)
        return report

    def close(self) -> None:
        self.inner.close()


class CrashingStore:
    """A MediaStore with a step before and after every write."""

    def __init__(self, inner: Any, plan: CrashPlan) -> None:
        self.inner = inner
        self.plan = plan

    def put(
        self, actor: Actor, bucket: str, path: str, data: Any, content_type: str, **options: Any
    ) -> Any:
        self.plan.step("store.put:before")
        stored: StoredObject = self.inner.put(actor, bucket, path, data, content_type, **options)
        self.plan.step("store.put:after")
        return stored

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class CrashingBackend:
    """The database, with a step just before and just after every commit."""

    def __init__(self, inner: Any, plan: CrashPlan) -> None:
        self.inner = inner
        self.plan = plan

    def unit_of_work(self, actor: Actor) -> _CrashingUnitOfWork:
        return _CrashingUnitOfWork(self.inner.unit_of_work(actor), self.plan)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _CrashingUnitOfWork:
    def __init__(self, inner: Any, plan: CrashPlan) -> None:
        self.inner = inner
        self.plan = plan

    def __enter__(self) -> Any:
        return self.inner.__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            try:
                self.plan.step("commit:before")
            except Crash as crash:
                self.inner.__exit__(Crash, crash, None)  # rolled back
                raise
        self.inner.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self.plan.step("commit:after")
