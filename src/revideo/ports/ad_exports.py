"""
Reading ad-platform report files (Meta Ads Manager, Google Ads).

Errors: UnreadableExport (a ValidationError) when the file as a whole cannot be
read; problems with single lines come back as RowError items, not exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from revideo.domain.ad_rows import ExportRow, RowError
from revideo.domain.ads import AdPlatform


class ExportFile(Protocol):
    """An opened report: its platform, and its data lines, read once, lazily."""

    platform: AdPlatform

    def __iter__(self) -> Iterator[ExportRow | RowError]: ...


class AdExportReader(Protocol):
    def __call__(self, stream: BinaryIO, platform: AdPlatform | None = None) -> ExportFile:
        """Open a report; the platform is detected from the headers when not given."""
        ...
