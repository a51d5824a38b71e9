"""
Where each poll's milliseconds go: `python bench/sync.py --profile`.

Every worker thread of the round runs under its own cProfile (polls, leases and the
batched releases); the merged profile is summed per poll. Socket calls are shown
apart: `recv` includes the simulated latency and waiting for the GIL after it; the
others (`poll`, `settimeout`, `send`) are mostly waits for the GIL on a busy machine.
"""

from __future__ import annotations

import cProfile
import pstats
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from revideo.services.pipeline import Pipeline

_WRAPPED = ("_poll", "_lease", "_release_checked")
_PARTS = (  # (label, function name, file fragment)
    ("a whole poll (_poll)", "_poll", "pipeline.py"),
    ("  the status call (HeyGenEngine.status)", "status", "heygen/engine.py"),
    ("    socket recv (latency + GIL)", "<method 'recv' of '_socket.socket' objects>", "~"),
    ("    select poll (httpcore idle check)", "<method 'poll' of 'select.poll' objects>", "~"),
    ("    socket settimeout", "<method 'settimeout' of '_socket.socket' objects>", "~"),
    ("    socket send", "<method 'send' of '_socket.socket' objects>", "~"),
    ("    reading the answer (decode, report)", "build_report", "heygen/wire.py"),
    ("  settling the poll (_settle_poll)", "_settle_poll", "pipeline.py"),
    ("leasing batches (_lease)", "_lease", "pipeline.py"),
    ("releasing checked videos (_release_checked)", "_release_checked", "pipeline.py"),
)


@contextmanager
def profiled() -> Iterator[list[cProfile.Profile]]:
    """Profile every call of the wrapped Pipeline methods, thread by thread."""
    profiles: list[cProfile.Profile] = []
    local = threading.local()
    originals = {name: getattr(Pipeline, name) for name in _WRAPPED}

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            profile = getattr(local, "profile", None)
            if profile is None:
                profile = local.profile = cProfile.Profile()
                profiles.append(profile)
            profile.enable()
            try:
                return method(*args, **kwargs)
            finally:
                profile.disable()

        return run

    for name, method in originals.items():
        setattr(Pipeline, name, wrap(method))
    try:
        yield profiles
    finally:
        for name, method in originals.items():
            setattr(Pipeline, name, method)


def report(profiles: list[cProfile.Profile], polls: int) -> str:
    """Milliseconds per poll of each part (summed over threads, divided by the polls)."""
    if not profiles or not polls:
        return "no profile"
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    table = stats.stats  # type: ignore[attr-defined]
    lines = [f"where each poll's milliseconds go ({polls} polls, summed over threads):"]
    for label, func, where in _PARTS:
        total = sum(
            row[3] for (path, _, name), row in table.items() if name == func and where in path
        )
        lines.append(f"  {label:<46} {1000 * total / polls:8.2f} ms")
    return "\n".join(lines)
