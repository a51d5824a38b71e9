"""
Writes a video script for a property.

A ScriptWriter never fails a video because of itself: an LLM writer that
cannot answer (error, timeout, an answer that fails the checks) falls back to
the template and says so in `notice`. Errors: ValidationError for bad input.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from revideo.domain.property import Property
from revideo.domain.video import VideoPurpose


@attrs.frozen
class ScriptDraft:
    text: str
    source: str  # "template" | "llm"
    estimated_seconds: float
    notice: str | None = None


class ScriptWriter(Protocol):
    def write(
        self,
        prop: Property,
        purpose: VideoPurpose,
        *,
        tone: str = "warm",
        language: str = "en",
        max_chars: int = 1500,
    ) -> ScriptDraft: ...
