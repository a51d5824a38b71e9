"""
The clock: what time it is, as an aware UTC datetime.

The domain never reads it (time is passed in); services and adapters are
handed a Clock, and `utcnow` is the real one they default to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The system's clock, in UTC."""
    return datetime.now(UTC)
