"""The simulator's clock: real time times a speed factor, plus manual jumps."""

from __future__ import annotations

import threading
import time


class SimClock:
    """Unix seconds in the simulated world. speed=0 freezes it (tests advance it by hand)."""

    def __init__(self, start: float | None = None, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must not be negative")
        self.speed = speed
        self._start = time.time() if start is None else start
        self._mono = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._start + (time.monotonic() - self._mono) * self.speed + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward; the clock never goes back."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
