"""Faults the simulator injects on demand: 429 bursts, 5xx, slow answers, bad renders, webhooks."""

from __future__ import annotations

import threading

import attrs

# Faults that change the answer to an API request.
REQUEST_KINDS = frozenset({"rate_limit", "server_error", "slow", "error_after_accept"})
# Faults that change a render.
RENDER_KINDS = frozenset({"fail_render", "stuck_render"})
# Faults that change webhook deliveries.
WEBHOOK_KINDS = frozenset(
    {"drop_webhook", "duplicate_webhook", "reorder_webhooks", "unsolicited_webhook"}
)
KINDS = REQUEST_KINDS | RENDER_KINDS | WEBHOOK_KINDS


@attrs.define
class Fault:
    """One armed fault: fires `count` times, optionally only on one method and path."""

    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    count: int = 1
    path: str | None = None
    method: str | None = None
    retry_after: int = 1
    status: int = 500
    seconds: float = 0.0
    message: str = ""

    def matches(self, method: str, path: str) -> bool:
        if self.path is not None and path != self.path:
            return False
        return self.method is None or self.method.upper() == method.upper()


class FaultBox:
    """The armed faults; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, kinds: frozenset[str], method: str = "", path: str = "") -> Fault | None:
        """Consume one firing of the first armed fault of `kinds` that matches."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method or "GET", path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [attrs.asdict(f) for f in self._faults]
