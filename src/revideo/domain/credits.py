"""Credits: what a render costs by its length."""

from __future__ import annotations

import math
from decimal import Decimal

import attrs


@attrs.frozen
class CreditRate:
    """A price: credits per minute of video, billed in whole increments of seconds.

    `source` names where the price comes from (a document, or a setting).
    """

    per_minute: Decimal
    increment_seconds: int = 1
    source: str = ""

    def cost(self, seconds: float) -> Decimal:
        """Credits for a render of `seconds` (at least one increment)."""
        step = max(self.increment_seconds, 1)
        billed = max(math.ceil(max(seconds, 0.0) / step), 1) * step
        return (Decimal(billed) * self.per_minute / 60).quantize(Decimal("0.0001"))
