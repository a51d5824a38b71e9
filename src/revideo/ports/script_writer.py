"""
Writes a video script for a property.

A ScriptWriter never fails a video because of itself: an LLM writer that
cannot answer (error, timeout, an answer that fails the checks) falls back to
the template and says so in `notice`. Errors: ValidationError for bad input.
"""

from __future__ import annotations

from typing import Protocol

from revideo.domain.property import Property
from revideo.domain.scripts import ScriptDraft
from revideo.domain.video import VideoPurpose

__all__ = ["ScriptDraft", "ScriptWriter"]


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
