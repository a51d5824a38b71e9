"""HeyGenEngine: the VideoEngine port over HeyGen's v3 (default) or legacy v2 API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import httpx

from revideo.domain.errors import ConfigError, EngineRejected
from revideo.domain.video import MAX_SCRIPT_CHARS, EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import webhooks, wire
from .http import HeyGenHttp
from .v2 import V2Api
from .v3 import V3Api

DEFAULT_BASE_URL = "https://api.heygen.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
VERSIONS = ("v3", "v2")


class HeyGenEngine:
    """Renders avatar videos with HeyGen; one httpx.Client, retries only where safe."""

    name = "heygen"
    max_script_chars = MAX_SCRIPT_CHARS

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = "v3",
        webhook_secret: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        max_retry_wait: float = 10.0,
        cache_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        v2_scene_chars: int = 1500,
    ) -> None:
        _check_settings(api_key, base_url, api_version)
        self.api_version = api_version
        self.webhook_secret = webhook_secret or None
        self._client = client or httpx.Client(timeout=timeout, transport=transport)
        self._client.base_url = httpx.URL(base_url.rstrip("/"))
        self._client.headers.update(
            {"X-Api-Key": api_key, "Accept": "application/json", "User-Agent": "revideo"}
        )
        self._http = HeyGenHttp(
            self._client, max_retries=max_retries, sleep=sleep, max_wait=max_retry_wait
        )
        self._api: V3Api | V2Api = (
            V3Api(self._http) if api_version == "v3" else V2Api(self._http, v2_scene_chars)
        )
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, list[Any]]] = {}

    # ---- the VideoEngine port ------------------------------------------
    def create(self, request: RenderRequest) -> str:
        """Start a render named by request.handle (sent as callback_id); return HeyGen's id."""
        if len(request.script) > self.max_script_chars:
            raise EngineRejected(
                "script_too_long",
                f"the script has {len(request.script)} characters; "
                f"HeyGen takes at most {self.max_script_chars}",
            )
        return self._api.create(request, self._is_talking_photo(request.avatar_id))

    def create_body(self, request: RenderRequest) -> dict[str, Any]:
        """The JSON `create` would send (for dry runs and debugging)."""
        return self._api.create_body(request, self._is_talking_photo(request.avatar_id))

    def status(self, engine_video_id: str) -> EngineReport:
        """The render's state; EngineRejected('not_found') for an id HeyGen does not know."""
        return self._api.status(engine_video_id)

    def find(self, handle: str) -> str | None:
        """HeyGen's id for the render sent with callback_id `handle`, or None."""
        return self._api.find(handle)

    def fetch(self, url: str) -> Iterator[bytes]:
        """Stream a presigned video or thumbnail URL (an expired one: EngineRejected)."""
        return self._http.stream(url)

    def avatars(self) -> list[Avatar]:
        """Avatars and talking photos (ids of talking photos start 'talking_photo:')."""
        return list(self._cached("avatars", self._api.avatars))

    def voices(self) -> list[Voice]:
        return list(self._cached("voices", self._api.voices))

    def remaining_quota(self) -> Decimal | None:
        """Credits left: HeyGen's remaining_quota seconds / 60 (GET /v2/user/remaining_quota)."""
        data = wire.data_of(self._http.read("GET", "/v2/user/remaining_quota"))
        seconds = wire.number(data, "remaining_quota")
        return None if seconds is None else Decimal(str(seconds)) / 60

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        """Verify the Signature header against webhook_secret, then read the event."""
        webhooks.verify(body, headers, self.webhook_secret)
        return webhooks.parse(body)

    # ---- beyond the port -----------------------------------------------
    def register_webhook(self, url: str, events: list[str] | None = None) -> wire.WebhookEndpoint:
        """Register an endpoint for video events; keep the returned secret."""
        wanted = list(events) if events is not None else list(wire.VIDEO_EVENTS)
        return self._api.register_webhook(url, wanted)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HeyGenEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cached(self, key: str, load: Callable[[], list[Any]]) -> list[Any]:
        now = self._clock()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._cache_seconds:
            return hit[1]
        value = load()
        self._cache[key] = (now, value)
        return value

    def _is_talking_photo(self, avatar_id: str) -> bool:
        raw, marked = wire.avatar_ref(avatar_id)
        if marked:
            return True
        hit = self._cache.get("avatars")
        photos = {a.id for a in (hit[1] if hit else []) if a.kind == "talking_photo"}
        return avatar_id in photos or wire.TALKING_PHOTO + raw in photos


def _check_settings(api_key: str, base_url: str, api_version: str) -> None:
    if not api_key or not api_key.strip():
        raise ConfigError("HEYGEN_API_KEY", "is required for the HeyGen engine")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("HEYGEN_BASE_URL", "must start with http:// or https://")
    if api_version not in VERSIONS:
        raise ConfigError("HEYGEN_API_VERSION", f"must be one of {', '.join(VERSIONS)}")
