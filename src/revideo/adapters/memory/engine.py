"""A working fake VideoEngine whose renders progress on a controllable clock."""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from revideo.domain.credits import CreditRate
from revideo.domain.errors import EngineRejected, WebhookRejected
from revideo.domain.failure import FailureKind
from revideo.domain.parsing import json_document, same_secret
from revideo.domain.video import EngineReport, VideoStatus
from revideo.ports.clock import Clock, utcnow
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

_MP4 = b"\x00\x00\x00\x18ftypmp42"
_JPEG = b"\xff\xd8\xff\xe0"
AVATARS = (Avatar("fake-anna", "Anna", "female"), Avatar("fake-ben", "Ben", "male"))
VOICES = (Voice("fake-voice-en", "English", "en"), Voice("fake-voice-es", "Spanish", "es"))


@attrs.define
class FakeRender:
    id: str
    request: RenderRequest
    created_at: datetime
    fail_with: str | None = None
    failure: FailureKind | None = None


class FakeVideoEngine:
    """Accepts renders and reports them pending → processing → completed.

    A render is pending for `queue_time`, processing for `render_time`, then
    completed; `fail_next(reason)` makes the next accepted render fail, and
    `reject_next(error)` makes the next `create` raise `error`.
    """

    name = "fake"
    idempotent_create = True  # a handle seen before gets its render back
    credit_rate: CreditRate | None = CreditRate(Decimal("1"), 1, "the fake engine's own price")

    def __init__(
        self,
        clock: Clock = utcnow,
        *,
        queue_time: timedelta = timedelta(seconds=5),
        render_time: timedelta = timedelta(seconds=30),
        max_script_chars: int = 1500,
        credits: Decimal | None = Decimal("100"),
        secret: str = "fake-secret",
    ) -> None:
        self.clock = clock
        self.queue_time = queue_time
        self.render_time = render_time
        self.max_script_chars = max_script_chars
        self.credits = credits
        self.secret = secret
        self.renders: dict[str, FakeRender] = {}
        self.create_calls = 0
        self._by_handle: dict[str, str] = {}
        self._fail_next: str | None = None
        self._fail_kind: FailureKind | None = None
        self._errors: list[Exception] = []
        self._lock = threading.Lock()

    def fail_next(self, reason: str, kind: FailureKind | None = None) -> None:
        """Fail the next render with `reason`; `kind` is the failure kind it reports."""
        self._fail_next = reason
        self._fail_kind = kind

    def reject_next(self, error: Exception) -> None:
        self._errors.append(error)

    def create(self, request: RenderRequest) -> str:
        with self._lock:
            self.create_calls += 1
            if self._errors:
                raise self._errors.pop(0)
            self._validate(request)
            if request.handle in self._by_handle:
                return self._by_handle[request.handle]
            # unique across processes too: a second CLI run must not reuse an earlier id
            render_id = f"fake-{uuid.uuid4().hex}"
            self.renders[render_id] = FakeRender(
                render_id, request, self.clock(), self._fail_next, self._fail_kind
            )
            self._fail_next, self._fail_kind = None, None
            self._by_handle[request.handle] = render_id
            if self.credits is not None:
                self.credits -= 1
            return render_id

    def _validate(self, request: RenderRequest) -> None:
        if request.avatar_id not in {a.id for a in AVATARS}:
            raise EngineRejected("unknown_avatar", f"unknown avatar {request.avatar_id!r}")
        if request.voice_id not in {v.id for v in VOICES}:
            raise EngineRejected("unknown_voice", f"unknown voice {request.voice_id!r}")
        if len(request.script) > self.max_script_chars:
            raise EngineRejected("script_too_long", "the script is too long for this engine")
        if self.credits is not None and self.credits < 1:
            raise EngineRejected("no_credit", "no credits left")

    def status(self, engine_video_id: str) -> EngineReport:
        render = self.renders.get(engine_video_id)
        if render is None:
            raise EngineRejected("not_found", f"no render {engine_video_id!r}")
        return self._report(render)

    def _report(self, render: FakeRender) -> EngineReport:
        elapsed = self.clock() - render.created_at
        handle = render.request.handle
        if elapsed < self.queue_time:
            return EngineReport(render.id, VideoStatus.PENDING, handle=handle)
        if elapsed < self.queue_time + self.render_time:
            return EngineReport(render.id, VideoStatus.PROCESSING, handle=handle)
        if render.fail_with:
            return EngineReport(
                render.id,
                VideoStatus.FAILED,
                error=render.fail_with,
                handle=handle,
                failure=render.failure,
            )
        return EngineReport(
            render.id,
            VideoStatus.COMPLETED,
            video_url=f"fake://{render.id}.mp4",
            thumbnail_url=f"fake://{render.id}.jpg",
            duration=float(len(render.request.script.split())) / 2.5,
            width=1280,
            height=720,
            handle=handle,
        )

    def find(self, handle: str) -> str | None:
        return self._by_handle.get(handle)

    def fetch(self, url: str) -> Iterator[bytes]:
        name = url.removeprefix("fake://")
        if name.split(".")[0] not in self.renders:
            raise EngineRejected("not_found", f"no file {url!r}")
        magic = _MP4 if name.endswith(".mp4") else _JPEG  # a file of the kind it claims to be
        yield magic + f"fake file {name}\n".encode() * 64

    def avatars(self) -> list[Avatar]:
        return list(AVATARS)

    def voices(self) -> list[Voice]:
        return list(VOICES)

    def remaining_quota(self) -> Decimal | None:
        return self.credits

    def close(self) -> None:
        """Nothing to release."""

    def sign(self, body: bytes) -> str:
        return hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        given = {k.lower(): v for k, v in headers.items()}.get("signature", "")
        if not same_secret(given, self.sign(body)):
            raise WebhookRejected("bad signature")
        try:
            event = json_document("body", body)
            render = self.renders[event["video_id"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"malformed event: {exc}") from None
        return self._report(render)
