"""
HTTP calls to HeyGen: retried reads, never-blindly-resent creates, file streams.

Reads (status, lists, quota) retry transport errors, 408, 429 and 5xx with
capped exponential backoff, honouring Retry-After. A create carrying an
Idempotency-Key (v3) is re-sent after a timeout, a 5xx or a 409
`request_in_progress`: HeyGen answers a repeated key with the first call's
answer (heygen-v3.md §7). A create without one is re-sent only when HeyGen
certainly did not take it (the connection never opened, or a 429); a timeout or
5xx after the body went out raises EngineOutcomeUnknown instead. File links
follow at most MAX_REDIRECTS redirects, without the API key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from revideo.domain.errors import (
    EngineError,
    EngineOutcomeUnknown,
    EngineRejected,
    EngineUnavailable,
)

from .errors import body_error, classify, error_info, retry_after

# The request never reached HeyGen: safe to send again, even a create.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class ClientPerThread:
    """An httpx.Client for each thread that calls HeyGen.

    One shared client serialises a worker's concurrent polls on its connection
    pool's lock (bench/sync.py: ~20 ms of each 50 ms poll at 25 in flight), so
    each polling thread keeps a client, and its one connection, of its own. The
    clients of threads that have ended are closed when a new thread asks.
    """

    def __init__(self, make: Callable[[], httpx.Client]) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._by_thread: dict[threading.Thread, httpx.Client] = {}

    def get(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is not None and not client.is_closed:
            return client
        client = self._local.client = self._make()
        with self._lock:
            ended = [t for t in self._by_thread if not t.is_alive()]
            gone = [self._by_thread.pop(t) for t in ended]
            self._by_thread[threading.current_thread()] = client
        for old in gone:
            if old is not client:
                old.close()
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._by_thread = list(self._by_thread.values()), {}
        for client in set(clients):
            client.close()


class HeyGenHttp:
    """HTTP clients (one per thread) plus HeyGen's retry rules."""

    def __init__(
        self,
        clients: ClientPerThread,
        *,
        max_retries: int = 3,
        sleep: Callable[[float], None],
        base_delay: float = 0.5,
        max_backoff: float = 8.0,
        max_wait: float = 10.0,
    ) -> None:
        self.clients = clients
        self.max_retries = max_retries
        self.sleep = sleep
        self.base_delay = base_delay
        self.max_backoff = max_backoff
        self.max_wait = max_wait

    @property
    def client(self) -> httpx.Client:
        return self.clients.get()

    def read(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a safe request, retrying where that is harmless; return the decoded body."""
        for attempt in range(self.max_retries + 1):
            try:
                response = self.client.request(method, path, **kwargs)
                return decode(response)
            except httpx.HTTPError as exc:
                err: EngineError = _transport_error(exc, path)
                cause: Exception = exc
            except EngineUnavailable as exc:
                err, cause = exc, exc
            self._pause_or_raise(attempt, err, cause)
        raise AssertionError("unreachable")  # pragma: no cover

    def create(
        self, path: str, body: dict[str, Any], handle: str, idempotency_key: str | None = None
    ) -> Any:
        """POST a render; re-send only when HeyGen certainly did not take it, or the key
        makes a repeat harmless."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        for attempt in range(self.max_retries + 1):
            try:
                response = self.client.post(path, json=body, headers=headers)
            except _NOT_SENT as exc:
                self._pause_or_raise(attempt, _transport_error(exc, path), exc)
                continue
            except httpx.HTTPError as exc:
                msg = f"HeyGen did not answer the create request ({type(exc).__name__})"
                self._resend_or_raise(
                    attempt, idempotency_key, EngineOutcomeUnknown(handle, msg), exc
                )
                continue
            try:
                return decode(response, unreadable_ok=False)
            except EngineUnavailable as exc:
                if 400 <= response.status_code != 429:  # may have been taken
                    msg = f"{exc.message}; the render may have started"
                    unknown = EngineOutcomeUnknown(handle, msg)
                    self._resend_or_raise(attempt, idempotency_key, unknown, exc, exc.retry_after)
                    continue
                self._pause_or_raise(attempt, exc, exc)
            except _Unreadable as exc:
                raise EngineOutcomeUnknown(handle, str(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _resend_or_raise(
        self,
        attempt: int,
        key: str | None,
        err: EngineOutcomeUnknown,
        cause: Exception,
        asked: float | None = None,
    ) -> None:
        """With an idempotency key, wait and send again; without one, the outcome is unknown."""
        delay = self.delay(attempt, asked) if key and attempt < self.max_retries else None
        if delay is None:
            raise err from cause
        self.sleep(delay)

    def post_once(self, path: str, body: dict[str, Any]) -> Any:
        """POST exactly once (a call HeyGen offers no idempotency for); errors as `decode`."""
        try:
            response = self.client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise _transport_error(exc, path) from exc
        return decode(response)

    def stream(self, url: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """Yield the bytes at a presigned file URL (the API key is not sent there)."""
        request = self.client.build_request("GET", url)
        request.headers.pop("x-api-key", None)
        response = self._open(request)
        try:
            yield from response.iter_bytes(chunk_size)
        except httpx.HTTPError as exc:
            raise EngineUnavailable(f"the download from HeyGen broke off: {exc}") from exc
        finally:
            response.close()

    def _open(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(self.max_retries + 1):
            try:
                response = self._follow(request)
            except httpx.HTTPError as exc:
                self._pause_or_raise(attempt, _transport_error(exc, "file"), exc)
                continue
            if response.status_code < 300:
                return response
            response.close()
            if response.status_code in (401, 403, 404, 410):
                raise EngineRejected(
                    "not_found",
                    f"HeyGen file link refused (HTTP {response.status_code}): it has expired or "
                    "is wrong; ask for the video's status again for a fresh link",
                )
            if response.status_code < 400:
                raise EngineRejected(
                    "not_found", f"HeyGen's file link redirected more than {MAX_REDIRECTS} times"
                )
            self._pause_or_raise(attempt, _status_error(response, b""), None)
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, request: httpx.Request) -> httpx.Response:
        """Send a file request, following up to MAX_REDIRECTS redirects (never with our key)."""
        response = self.client.send(request, stream=True)
        for _ in range(MAX_REDIRECTS):
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                return response
            response.close()
            target = request.url.join(location)
            request = httpx.Request("GET", target, headers={"User-Agent": "revideo"})
            response = self.client.send(request, stream=True)
        return response

    def _pause_or_raise(self, attempt: int, err: EngineError, cause: Exception | None) -> None:
        if not isinstance(err, EngineUnavailable) or attempt >= self.max_retries:
            raise err from cause
        delay = self.delay(attempt, err.retry_after)
        if delay is None:
            raise err from cause
        self.sleep(delay)

    def delay(self, attempt: int, asked: float | None) -> float | None:
        """Seconds to wait before retry `attempt`+1; None when Retry-After is too long."""
        if asked is not None:
            return asked if asked <= self.max_wait else None
        return float(min(self.base_delay * 2**attempt, self.max_backoff))


class _Unreadable(Exception):
    """A 2xx answer whose body is not the JSON we expect."""


def decode(response: httpx.Response, *, unreadable_ok: bool = True) -> Any:
    """The JSON body of a success; raise the mapped engine error otherwise."""
    content = response.read()
    if response.status_code >= 400:
        raise _status_error(response, content)
    try:
        payload = response.json()
    except ValueError as exc:
        msg = f"HeyGen sent an unreadable answer (HTTP {response.status_code})"
        if unreadable_ok:
            raise EngineUnavailable(msg) from exc
        raise _Unreadable(msg) from exc
    found = body_error(payload, response.status_code)
    if found is not None:
        raise classify(found, retry_after(response.headers.get("retry-after")))
    return payload


def _status_error(response: httpx.Response, content: bytes) -> EngineError:
    try:
        payload = response.json() if content else None
    except ValueError:
        payload = None
    info = error_info(response.status_code, payload, content.decode("utf-8", "replace"))
    return classify(info, retry_after(response.headers.get("retry-after")))


def _transport_error(exc: httpx.HTTPError, what: str) -> EngineUnavailable:
    if isinstance(exc, httpx.TimeoutException):
        return EngineUnavailable(f"HeyGen did not answer in time ({what})")
    return EngineUnavailable(f"cannot reach HeyGen ({what}): {type(exc).__name__}: {exc}")
