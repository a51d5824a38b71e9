"""HeyGenEngine: the VideoEngine port over HeyGen's v3 (default) or legacy v2 API."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import httpx

from revideo.domain.errors import ConfigError, EngineRejected
from revideo.domain.video import MAX_SCRIPT_CHARS, EngineReport
from revideo.ports.video_engine import Avatar, RenderRequest, Voice

from . import pricing, webhooks, wire
from .http import ClientPerThread, HeyGenHttp
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
        avatar_engine: str | None = None,
    ) -> None:
        _check_settings(api_key, base_url, api_version)
        self.api_version = api_version
        self.avatar_engine = pricing.check_engine(api_version, avatar_engine)
        # v3 creates carry an Idempotency-Key: re-sending one cannot render twice.
        self.idempotent_create = api_version == "v3"
        self.credit_rate = pricing.rate(api_version, self.avatar_engine)
        self.webhook_secret = webhook_secret or None
        headers = {"X-Api-Key": api_key, "Accept": "application/json", "User-Agent": "revideo"}
        url = httpx.URL(base_url.rstrip("/"))
        if client is not None:
            client.base_url = url
            client.headers.update(headers)

        tls = _SharedTls()

        def new_client() -> httpx.Client:
            return httpx.Client(
                base_url=url,
                headers=headers,
                timeout=timeout,
                transport=transport,
                verify=tls.get(),
            )

        self._clients = ClientPerThread(new_client if client is None else lambda: client)
        self._http = HeyGenHttp(
            self._clients, max_retries=max_retries, sleep=sleep, max_wait=max_retry_wait
        )
        self._api: V3Api | V2Api = (
            V3Api(self._http, self.avatar_engine)
            if api_version == "v3"
            else V2Api(self._http, v2_scene_chars)
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

    def fetch(self, url: str) -> Iterator[bytes]:
        """Stream a presigned video or thumbnail URL (an expired one: EngineRejected)."""
        return self._http.stream(url)

    def avatars(self) -> list[Avatar]:
        """Avatars and talking photos (ids of talking photos start 'talking_photo:')."""
        return list(self._cached("avatars", self._api.avatars))

    def voices(self) -> list[Voice]:
        return list(self._cached("voices", self._api.voices))

    def remaining_quota(self) -> Decimal | None:
        """Credits left: `GET /v3/users/me` on v3, `GET /v2/user/remaining_quota` on v2."""
        return self._api.remaining_quota()

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        """Verify the delivery (either signing scheme, see webhooks), then read the event."""
        delivery_id = webhooks.verify(body, headers, self.webhook_secret)
        return webhooks.parse(body, delivery_id)

    # ---- beyond the port -----------------------------------------------
    def register_webhook(self, url: str, events: list[str] | None = None) -> wire.WebhookEndpoint:
        """Register an endpoint for video events; keep the returned secret."""
        wanted = list(events) if events is not None else list(wire.VIDEO_EVENTS)
        return self._api.register_webhook(url, wanted)

    def close(self) -> None:
        self._clients.close()

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


class _SharedTls:
    """One TLS context for all the engine's clients: loading the CA bundle costs ~50 ms of
    CPU, far too much to pay for every polling thread's client."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: ssl.SSLContext | None = None

    def get(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = httpx.create_ssl_context()
            return self._context


def _check_settings(api_key: str, base_url: str, api_version: str) -> None:
    if not api_key or not api_key.strip():
        raise ConfigError("HEYGEN_API_KEY", "is required for the HeyGen engine")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("HEYGEN_BASE_URL", "must start with http:// or https://")
    if api_version not in VERSIONS:
        raise ConfigError("HEYGEN_API_VERSION", f"must be one of {', '.join(VERSIONS)}")
