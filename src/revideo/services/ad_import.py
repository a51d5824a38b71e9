"""Importing ad-platform reports: preview, then an all-or-nothing commit (issue 9)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO

import attrs

from revideo.domain.ad_matching import (
    ERRORS_KEPT,
    MatchedBy,
    RowMatch,
    VideoRef,
    mapped,
    match_rows,
)
from revideo.domain.ad_rows import ExportRow, MappedAd, RowError
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import ValidationError
from revideo.domain.page import every
from revideo.domain.profile import Actor
from revideo.ports.ad_exports import AdExportReader
from revideo.ports.repositories import MergeCounts, UnitOfWork, VideoFilter
from revideo.services._base import Context, signed_in

SHOWN = ERRORS_KEPT  # how many errors and unmapped rows a preview lists


@attrs.frozen
class Unmapped:
    """A row no video was found for: its line, names, and why (a choice by line maps it)."""

    line: int
    campaign: str
    ad: str
    reason: str
    ad_set: str = ""


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


class ImportRejected(ValidationError):
    """A commit found lines with errors and skipping them was not allowed: nothing was written.

    `report` is what the import would have done; `first` is the first error.
    """

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0]
        more = report.error_count - 1
        tail = f" (and {more} more line{'s' if more > 1 else ''} with errors)" if more else ""
        super().__init__("file", f"{first}{tail}; nothing was imported")
        self.report = report
        self.first = first


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
        lines: Mapping[int, str] | None = None,
    ) -> ImportReport:
        """Everything the import would do, without keeping any of it.

        `choices` maps an ad, ad set or campaign name to a video id; `lines` maps a line
        number of the file to a video id (a choice made in the preview for that row).
        """
        return self._run(actor, stream, platform, _Choices(choices, lines), commit=False)

    def commit(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None = None,
        choices: Mapping[str, str] | None = None,
        lines: Mapping[int, str] | None = None,
        *,
        skip_errors: bool = False,
    ) -> ImportReport:
        """Add every new row in one transaction; importing the same file twice adds nothing.

        All or nothing: a line with an error raises ImportRejected and nothing is written,
        unless `skip_errors` allows leaving such lines out. Unmapped rows are left out.
        """
        chosen = _Choices(choices, lines)
        return self._run(actor, stream, platform, chosen, commit=True, skip_errors=skip_errors)

    def _run(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None,
        chosen: _Choices,
        *,
        commit: bool,
        skip_errors: bool = False,
    ) -> ImportReport:
        owner = signed_in(actor)
        export = self.reader(stream, _platform(platform))
        tally = _Tally()
        result: ImportReport | None = None
        try:
            with self.ctx.uow(actor) as uow:
                videos = _video_refs(uow, owner)
                chosen.check(videos)
                matches = chosen.apply(match_rows(tally.rows(export), videos, chosen.names))
                counts = uow.ads.merge(tally.mapped(matches), owner)
                result = tally.report(export.platform, counts, commit)
                if commit and result.error_count and not skip_errors:
                    raise ImportRejected(result)
                if not commit:
                    raise _Rollback
        except _Rollback:
            pass
        assert result is not None
        return result


@attrs.frozen
class _Choices:
    """The user's explicit mappings: by name, and by line of the file."""

    names: Mapping[str, str] | None
    lines: Mapping[int, str] | None

    def check(self, videos: builtins.list[VideoRef]) -> None:
        mine = {v.id for v in videos}
        for line, video_id in (self.lines or {}).items():
            if video_id not in mine:
                raise ValidationError(
                    "choices", f"line {line}: {video_id} is not one of your videos"
                )

    def apply(self, matches: Iterable[RowMatch]) -> Iterator[RowMatch]:
        lines = self.lines or {}
        if not lines:
            yield from matches
            return
        for match in matches:
            video_id = lines.get(match.row.line)
            if video_id:
                match = attrs.evolve(match, video_id=video_id, matched_by=MatchedBy.CHOICE)
            yield match


def _platform(value: AdPlatform | str | None) -> AdPlatform | None:
    if value is None or value == "":
        return None
    if isinstance(value, AdPlatform):
        return value
    try:
        return AdPlatform(str(value).strip().lower())
    except ValueError:
        raise ValidationError("platform", "must be meta, google or youtube") from None


def _video_refs(uow: UnitOfWork, owner: str) -> builtins.list[VideoRef]:
    """The actor's own videos (an admin sees everyone's, but imports only for themself)."""
    videos = every(lambda page: uow.videos.list(VideoFilter(), page))
    return [VideoRef(v.id, v.title) for v in videos if v.user_id == owner]


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

    def mapped(self, matches: Iterable[RowMatch]) -> Iterator[MappedAd]:
        for match in matches:
            if match.video_id is not None:
                yield mapped(match)
                continue
            self.unmapped_count += 1
            if len(self.unmapped) < SHOWN:
                row = match.row
                found = Unmapped(row.line, row.campaign, row.ad, match.reason, row.ad_set)
                self.unmapped.append(found)

    def report(self, platform: AdPlatform, counts: MergeCounts, commit: bool) -> ImportReport:
        """The report, with the reader's and the merge's errors in line order."""
        errors = sorted([*self.errors, *counts.errors], key=lambda e: e.line)[:SHOWN]
        return ImportReport(
            platform=platform,
            rows_read=self.rows_read,
            to_add=counts.added,
            present=counts.present,
            errors=tuple(errors),
            error_count=self.error_count + counts.error_count,
            unmapped=tuple(self.unmapped),
            unmapped_count=self.unmapped_count,
            committed=commit,
        )
