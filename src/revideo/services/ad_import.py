"""Importing ad-platform reports: preview, then an all-or-nothing commit (issue 9)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO

import attrs

from revideo.domain.ad_matching import (
    RowMatch,
    VideoRef,
    match_rows,
    merge_matches,
    to_ad_input,
)
from revideo.domain.ad_rows import ExportRow, RowError
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.errors import ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.ad_exports import AdExportReader
from revideo.ports.repositories import UnitOfWork, VideoFilter
from revideo.services._base import Context, signed_in

SHOWN = 200  # how many errors and unmapped rows a preview lists


@attrs.frozen
class Unmapped:
    line: int
    campaign: str
    ad: str
    reason: str


@attrs.frozen
class ImportReport:
    """What an import would do (preview) or did (commit)."""

    platform: AdPlatform
    rows_read: int
    to_add: int
    present: int
    errors: tuple[RowError, ...]
    error_count: int
    unmapped: tuple[Unmapped, ...]
    unmapped_count: int
    committed: bool


class _Rollback(Exception):
    """Raised inside a unit of work to undo a dry run."""


@attrs.frozen
class AdImportService:
    ctx: Context
    reader: AdExportReader

    def preview(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None = None,
        choices: Mapping[str, str] | None = None,
    ) -> ImportReport:
        """Everything the import would do, without keeping any of it."""
        return self._run(actor, stream, platform, choices, commit=False)

    def commit(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None = None,
        choices: Mapping[str, str] | None = None,
    ) -> ImportReport:
        """Add every new, valid row in one transaction (lines with errors are listed and
        skipped); importing the same file twice adds nothing."""
        return self._run(actor, stream, platform, choices, commit=True)

    def _run(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None,
        choices: Mapping[str, str] | None,
        *,
        commit: bool,
    ) -> ImportReport:
        owner = signed_in(actor)
        wanted = _platform(platform)
        export = self.reader(stream, wanted)
        tally = _Tally()
        result: ImportReport | None = None
        try:
            with self.ctx.uow(actor) as uow:
                videos = _video_refs(uow)
                matches = match_rows(tally.rows(export), videos, choices)
                merged, currency_errors = merge_matches(tally.watch(matches))
                records = (
                    AdRecord.from_input(self.ctx.ids(), owner, to_ad_input(m)) for m in merged
                )
                counts = uow.ads.merge(records)
                tally.errors.extend(currency_errors)
                tally.error_count += len(currency_errors)
                result = tally.report(export.platform, counts.added, counts.present, commit)
                if not commit:
                    raise _Rollback
        except _Rollback:
            pass
        assert result is not None
        return result


def _platform(value: AdPlatform | str | None) -> AdPlatform | None:
    if value is None or value == "":
        return None
    if isinstance(value, AdPlatform):
        return value
    try:
        return AdPlatform(str(value).strip().lower())
    except ValueError:
        raise ValidationError("platform", "must be meta, google or youtube") from None


def _video_refs(uow: UnitOfWork) -> builtins.list[VideoRef]:
    refs: list[VideoRef] = []
    request = PageRequest(1, 200)
    while True:
        page = uow.videos.list(VideoFilter(), request)
        refs += [VideoRef(v.id, v.title) for v in page.items]
        if not page.has_next:
            return refs
        request = PageRequest(request.number + 1, request.size)


@attrs.define
class _Tally:
    """Counts rows as they stream past and keeps the first few problems."""

    rows_read: int = 0
    errors: builtins.list[RowError] = attrs.Factory(list)
    error_count: int = 0
    unmapped: builtins.list[Unmapped] = attrs.Factory(list)
    unmapped_count: int = 0

    def rows(self, items: Iterable[ExportRow | RowError]) -> Iterator[ExportRow]:
        for item in items:
            self.rows_read += 1
            if isinstance(item, RowError):
                self.error_count += 1
                if len(self.errors) < SHOWN:
                    self.errors.append(item)
            else:
                yield item

    def watch(self, matches: Iterable[RowMatch]) -> Iterator[RowMatch]:
        for match in matches:
            if match.video_id is None:
                self.unmapped_count += 1
                if len(self.unmapped) < SHOWN:
                    row = match.row
                    self.unmapped.append(Unmapped(row.line, row.campaign, row.ad, match.reason))
            yield match

    def report(self, platform: AdPlatform, added: int, present: int, commit: bool) -> ImportReport:
        return ImportReport(
            platform=platform,
            rows_read=self.rows_read,
            to_add=added,
            present=present,
            errors=tuple(self.errors),
            error_count=self.error_count,
            unmapped=tuple(self.unmapped),
            unmapped_count=self.unmapped_count,
            committed=commit,
        )
