"""Webhook deliveries: signed to registered endpoints, unsigned to callback_url, with retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import attrs

from .faults import FaultBox


@attrs.define
class Delivery:
    url: str
    body: bytes
    event_type: str
    secret: str | None = None
    attempt: int = 0
    delivery_id: str = attrs.field(factory=lambda: f"msg_{uuid.uuid4().hex}")  # same on retries


@attrs.frozen
class Attempt:
    """One try at delivering an event, as the tests see it."""

    url: str
    event_type: str
    signed: bool
    attempt: int
    status: int | None
    body: bytes


class Deliverer:
    """A background thread that POSTs events, retrying failures with backoff."""

    def __init__(
        self, faults: FaultBox, attempts: int = 4, retry_delay: float = 0.2, signing: str = "legacy"
    ) -> None:
        if signing not in ("legacy", "standard", "both"):
            raise ValueError("webhook_signing must be legacy, standard or both")
        self.signing = signing
        self.faults = faults
        self.max_attempts = attempts
        self.retry_delay = retry_delay
        self.log: list[Attempt] = []
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._held: list[Delivery] = []
        self._thread = threading.Thread(target=self._run, name="heygen-sim-webhooks", daemon=True)
        self._lock = threading.Lock()
        self._client: Any = None
        self._scheduled = 0  # retries waiting on a timer

    def start(self) -> None:
        import httpx

        self._client = httpx.Client(timeout=httpx.Timeout(5.0, connect=1.0))
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        if self._client is not None:
            self._client.close()

    def send(self, url: str, event: dict[str, Any], secret: str | None) -> None:
        """Queue one event, applying any armed webhook fault."""
        body = json.dumps(event, separators=(",", ":")).encode()
        item = Delivery(url, body, str(event.get("event_type")), secret)
        if self.faults.take(frozenset({"drop_webhook"})):
            return
        reorder = self.faults.take(frozenset({"reorder_webhooks"}))
        with self._lock:
            if reorder is not None:  # hold it; the next unheld event releases all, newest first
                self._held.append(item)
                return
            batch = [item, *reversed(self._held)]
            self._held.clear()
        for one in batch:
            self._queue.put(one)
            if self.faults.take(frozenset({"duplicate_webhook"})):
                self._queue.put(attrs.evolve(one))

    def flush_held(self) -> None:
        with self._lock:
            batch, self._held = list(reversed(self._held)), []
        for one in batch:
            self._queue.put(one)

    def idle(self) -> bool:
        with self._lock:
            return self._queue.unfinished_tasks == 0 and self._scheduled == 0

    def wait_idle(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.01)
        return self.idle()

    def signed(self, item: Delivery) -> dict[str, str]:
        """Signature headers (heygen-v3.md §7: HeyGen's scheme is unconfirmed, both are used)."""
        secret = item.secret or ""
        out: dict[str, str] = {}
        if self.signing in ("legacy", "both"):
            mac = hmac.new(secret.encode(), item.body, hashlib.sha256)
            out["Signature"] = mac.hexdigest()
        if self.signing in ("standard", "both"):
            from standardwebhooks.webhooks import Webhook

            now = datetime.now(UTC)  # real time: receivers check it against theirs
            out["webhook-id"] = item.delivery_id
            out["webhook-timestamp"] = str(int(now.timestamp()))
            out["webhook-signature"] = Webhook(secret).sign(item.delivery_id, now, item.body)
        return out

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._deliver(item)
            finally:
                self._queue.task_done()

    def _deliver(self, item: Delivery) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "HeyGen-Simulator"}
        if item.secret:
            headers |= self.signed(item)
        status: int | None
        try:
            status = self._client.post(item.url, content=item.body, headers=headers).status_code
        except Exception:  # any network failure counts as a failed attempt
            status = None
        self.log.append(
            Attempt(item.url, item.event_type, bool(item.secret), item.attempt, status, item.body)
        )
        if (status is None or status >= 300) and item.attempt + 1 < self.max_attempts:
            with self._lock:
                self._scheduled += 1
            retry = attrs.evolve(item, attempt=item.attempt + 1)
            timer = threading.Timer(self.retry_delay * 2**item.attempt, self._requeue, (retry,))
            timer.daemon = True
            timer.start()

    def _requeue(self, item: Delivery) -> None:
        self._queue.put(item)
        with self._lock:
            self._scheduled -= 1
