"""The simulator's control panel over HTTP, under /_sim/ (no key needed: loopback only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .faults import Fault
from .wire import Request, Response, ok

if TYPE_CHECKING:
    from .server import HeyGenSimulator


def handle(sim: HeyGenSimulator, req: Request) -> Response:
    """POST /_sim/advance {seconds}; POST|DELETE /_sim/faults; GET /_sim/state|deliveries;
    POST /_sim/credits {credits}."""
    body = req.json() if req.body else {}
    body = body if isinstance(body, dict) else {}
    route = (req.method, req.path)
    if route == ("POST", "/_sim/advance"):
        sim.advance(float(body.get("seconds", 0)))
        return ok({"now": sim.clock.now()})
    if route == ("POST", "/_sim/faults"):
        return _arm(sim, body)
    if route == ("DELETE", "/_sim/faults"):
        sim.faults.clear()
        sim.deliverer.flush_held()
        return ok({"cleared": True})
    if route == ("POST", "/_sim/credits"):
        with sim.state.lock:
            sim.state.credits = float(body.get("credits", 0))
        return ok({"credits": sim.state.credits})
    if route == ("GET", "/_sim/state"):
        sim.tick()
        return ok(sim.state.snapshot())
    if route == ("GET", "/_sim/deliveries"):
        return ok([_delivery(a) for a in sim.deliveries])
    return ok({"error": f"unknown admin route {req.method} {req.path}"}, 404)


def _arm(sim: HeyGenSimulator, body: dict[str, Any]) -> Response:
    try:
        sim.faults.arm(Fault(**body))
    except (TypeError, ValueError) as exc:
        return ok({"error": f"bad fault: {exc}"}, 400)
    return ok({"armed": sim.faults.pending()})


def _delivery(attempt: Any) -> dict[str, Any]:
    out = attrs.asdict(attempt)
    out["body"] = attempt.body.decode("utf-8", "replace")
    return out
