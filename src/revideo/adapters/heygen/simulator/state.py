"""The simulator's world: catalogue, render queue, credits, webhook endpoints, idempotency."""

from __future__ import annotations

import base64
import heapq
import math
import secrets
import threading
import time
import uuid
from typing import Any

import attrs

from .clock import SimClock
from .faults import RENDER_KINDS, FaultBox

AVATARS = (  # (id, name, gender, kind)
    ("Daisy-inskirt-20220818", "Daisy", "female", "avatar"),
    ("Tyler-incasualsuit-20220721", "Tyler", "male", "avatar"),
    ("look_photo_anna", "Anna (photo)", "female", "talking_photo"),
)
VOICES = (  # (id, name, language, gender): public voices
    ("2d5b0e6cf36f460aa7fc47e3eee4ba54", "Sara", "English", "female"),
    ("1bd001e7e50f421d891986aad5158bc8", "Paul", "English", "male"),
)
# The account's own cloned voices: `GET /v3/voices` lists them only with
# type=private, public being the default (heygen-v3.md §7 [H]).
PRIVATE_VOICES = (("c10e5e1f00000000000000000000cafe", "My cloned voice", "English", "female"),)
ALL_VOICE_IDS = frozenset(v[0] for v in VOICES + PRIVATE_VOICES)
# Credits a minute by v3 engine, billed per second; none sent means Avatar IV
# (heygen-v3.md §7 [H][P]). v2 bills 1 credit a minute in 30-second increments
# (heygen-api.md §6 [S14]).
V3_ENGINES = {"avatar_iv": 6.0, "avatar_iii": 0.2, "avatar_v": 6.0}
IDEMPOTENCY_TTL = 24 * 3600.0  # a key's answer is replayed for 24 h (heygen-v3.md §7 [C])
UNSUPPORTED_AVATARS = frozenset({"Avatar-IV-only-look"})  # known, but not for this API


@attrs.define
class Job:
    """One render in the queue."""

    id: str
    version: str
    created_at: float
    title: str
    callback_id: str | None
    callback_url: str | None
    width: int
    height: int
    seconds: float
    script: str = ""
    test: bool = False
    caption: bool = False
    engine: str = "avatar_iv"
    charged: float = 0.0  # credits taken when it completed (the ledger)
    state: str = "waiting"  # waiting | pending | processing | completed | failed
    started_at: float | None = None
    finished_at: float | None = None
    fail_with: dict[str, Any] | None = None
    stuck: bool = False
    error: dict[str, Any] | None = None

    @property
    def terminal(self) -> bool:
        return self.state in ("completed", "failed")


@attrs.define
class Endpoint:
    endpoint_id: str
    url: str
    events: list[str] | None
    secret: str
    created_at: float
    status: str = "enabled"

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events


@attrs.define
class Replay:
    """The first answer to an Idempotency-Key, and until when that call is still running."""

    created_at: float  # simulated clock
    status: int = 0
    body: bytes = b""
    running_until: float = math.inf  # monotonic seconds; inf while the handler runs


class SimState:
    """Everything the simulator remembers; every method is thread-safe."""

    def __init__(self, clock: SimClock, faults: FaultBox, **plan: Any) -> None:
        self.clock = clock
        self.faults = faults
        self.pending_seconds: float = plan.get("pending_seconds", 5.0)
        self.render_seconds: float = plan.get("render_seconds", 30.0)
        self.concurrency: int = plan.get("concurrency", 3)
        self.credits: float = float(plan.get("credits", 100))
        self.max_video_seconds: float = plan.get("max_video_seconds", 300.0)
        self.test_daily_limit: int = plan.get("test_daily_limit", 10)
        self.jobs: dict[str, Job] = {}
        self.endpoints: dict[str, Endpoint] = {}
        self.replays: dict[str, Replay] = {}
        self.tests_today = 0
        self.lock = threading.RLock()
        self._free_at = [-math.inf] * self.concurrency  # heap: when each slot frees up
        # Nothing can change before this simulated time unless a job is added: every
        # request ticks, and a full tick over many renders is not free.
        self._quiet_until = -math.inf

    # ---- render queue -------------------------------------------------
    def add_job(self, version: str, **fields: Any) -> Job:
        with self.lock:
            job = Job(id=uuid.uuid4().hex, version=version, created_at=self.clock.now(), **fields)
            fault = self.faults.take(RENDER_KINDS)
            if fault is not None and fault.kind == "stuck_render":
                job.stuck = True
            elif fault is not None:
                job.fail_with = _error(10001, fault.message or "Video generation failed")
            elif job.seconds > self.max_video_seconds:
                limit = f"Video is too long (> {self.max_video_seconds:.1f}s)"
                job.fail_with = _error(40119, "Video is too long", limit)
            if job.test:
                self.tests_today += 1
            self.jobs[job.id] = job
            self._quiet_until = -math.inf
            return job

    def seconds_until_slot(self) -> int:
        """Whole seconds until the earliest running render ends (at least 1)."""
        with self.lock:
            ends = [
                self._due(j) for j in self.jobs.values() if j.state in ("pending", "processing")
            ]
            soonest = min((e for e in ends if e is not None), default=self.clock.now() + 1)
            return max(1, math.ceil(soonest - self.clock.now()))

    def tick(self) -> list[Job]:
        """Move every render along to the present; return those that just ended."""
        ended: list[Job] = []
        with self.lock:
            now = self.clock.now()
            if now < self._quiet_until:
                return ended
            while self._start_waiting(now) | self._finish_due(now, ended):
                pass
            changes = [math.inf]
            for job in self.jobs.values():
                started = job.started_at
                if job.state == "pending" and started is not None:
                    job.state = "processing" if now >= started + self.pending_seconds else "pending"
                    if job.state == "pending":
                        changes.append(started + self.pending_seconds)
                due = self._due(job) if job.state in ("pending", "processing") else None
                if due is not None:
                    changes.append(due)
            self._quiet_until = min(changes)
        return ended

    def _start_waiting(self, now: float) -> bool:
        started = False
        for job in sorted(self.jobs.values(), key=lambda j: j.created_at):
            if job.state != "waiting" or not self._free_at:
                continue
            start = max(job.created_at, self._free_at[0])
            if start > now:
                break
            heapq.heappop(self._free_at)
            job.state, job.started_at, started = "pending", start, True
        return started

    def _finish_due(self, now: float, ended: list[Job]) -> bool:
        finished = False
        for job in self.jobs.values():
            due = self._due(job) if job.state in ("pending", "processing") else None
            if due is None or due > now:
                continue
            job.finished_at = due
            if job.fail_with is not None:
                job.state, job.error = "failed", job.fail_with
            else:
                job.state = "completed"
                if not job.test:  # test renders cost nothing (heygen-api.md §2 [S6])
                    job.charged = cost(job.version, job.engine, job.seconds)
                    self.credits = max(0.0, self.credits - job.charged)
            heapq.heappush(self._free_at, due)
            ended.append(job)
            finished = True
        return finished

    def _due(self, job: Job) -> float | None:
        if job.stuck or job.started_at is None:
            return None
        return job.started_at + self.pending_seconds + self.render_seconds

    # ---- idempotency keys (heygen-v3.md §7 [C]) ---------------------------
    def claim_key(self, key: str) -> Replay | None:
        """The earlier call with `key` within 24 h, or None after claiming it for this one."""
        with self.lock:
            now = self.clock.now()
            found = self.replays.get(key)
            if found is not None and now - found.created_at < IDEMPOTENCY_TTL:
                return found
            self.replays[key] = Replay(now)
            return None

    def settle_key(self, key: str, status: int, body: bytes, after: float) -> None:
        """Keep the answer for replays; the call runs `after` more seconds (a slow answer)."""
        with self.lock:
            self.replays[key] = attrs.evolve(
                self.replays[key], status=status, body=body, running_until=time.monotonic() + after
            )

    def forget_key(self, key: str) -> None:
        """The call never took effect (429, 5xx before accepting): the key is free again."""
        with self.lock:
            self.replays.pop(key, None)

    # ---- webhooks -----------------------------------------------------
    def add_endpoint(self, url: str, events: list[str] | None, prefix: str = "") -> Endpoint:
        with self.lock:
            # v1 and v3 secrets alike are `whsec_` + base64 (heygen-api.md §4, heygen-v3.md §4).
            secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
            ep = Endpoint(
                endpoint_id=f"{prefix}{uuid.uuid4().hex[:16]}",
                url=url,
                events=events,
                secret=secret,
                created_at=self.clock.now(),
            )
            self.endpoints[ep.endpoint_id] = ep
            return ep

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "now": self.clock.now(),
                "credits": self.credits,
                "jobs": [attrs.asdict(j) for j in self.jobs.values()],
                "endpoints": [ep.endpoint_id for ep in self.endpoints.values()],
                "faults": self.faults.pending(),
            }


def cost(version: str, engine: str, seconds: float) -> float:
    """Credits a render costs: v3 per second by engine, v2 per started 30 seconds."""
    if version == "v3":
        return math.ceil(max(seconds, 1.0)) * V3_ENGINES[engine] / 60.0
    return math.ceil(max(seconds, 1.0) / 30.0) * 30.0 / 60.0


def estimate_seconds(script: str, speed: float = 1.0) -> float:
    """How long a narration of `script` lasts: 150 words a minute at speed 1."""
    words = max(len(script.split()), 1)
    return round(max(words / 2.5 / max(speed, 0.1), 1.0), 2)


def _error(code: int, message: str, detail: str = "") -> dict[str, Any]:
    return {"code": code, "message": message, "detail": detail or message}
