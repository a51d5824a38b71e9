"""Importing ad-platform reports: preview, then an all-or-nothing commit; history and undo.

Figures are kept per source ad and day (design.md §2): importing the same file again changes
nothing, a newer report replaces an ad's figures for a day (platforms restate leads for
days), and undoing an import restores what it replaced (see domain.ad_imports).
"""

from __future__ import annotations

import builtins
import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import BinaryIO, cast

import attrs

from revideo.domain.ad_imports import (
    AdImport,
    ImportedRow,
    ImportHeader,
    ImportResult,
    ImportTally,
    UndoResult,
)
from revideo.domain.ad_matching import (
    ERRORS_KEPT,
    MatchedBy,
    RowMatch,
    VideoRef,
    mapped,
    match_rows,
)
from revideo.domain.ad_plausibility import impossible_day
from revideo.domain.ad_rows import ExportRow, MappedAd, RowError
from revideo.domain.ads import AdPlatform
from revideo.domain.analytics import AdTotals
from revideo.domain.errors import ValidationError
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor
from revideo.ports.ad_exports import AdExportReader
from revideo.ports.repositories import UnitOfWork, VideoFilter
from revideo.services._base import Context, require_owner, signed_in
from revideo.services.webhooks import queue_event

SHOWN = ERRORS_KEPT  # how many errors and unmapped rows a preview lists
# Platforms report in the account's time zone (up to UTC+14): a day after that is impossible.
_AHEAD = timedelta(hours=14)


@attrs.frozen
class Unmapped:
    """A row no video was found for: its line, names, why, and the videos its name fits."""

    line: int
    campaign: str
    ad: str
    reason: str
    ad_set: str = ""
    candidates: tuple[VideoRef, ...] = ()


@attrs.frozen
class ImportReport:
    """What an import would do (preview) or did (commit)."""

    platform: AdPlatform
    rows_read: int
    added: int
    updated: int
    unchanged: int
    older: int
    flagged: int
    totals: AdTotals
    rows: tuple[ImportedRow, ...]
    changes: tuple[ImportedRow, ...]
    flags: tuple[ImportedRow, ...]
    errors: tuple[RowError, ...]
    error_count: int
    unmapped: tuple[Unmapped, ...]
    unmapped_count: int
    committed: bool
    import_id: str | None = None
    file_name: str = ""
    duplicate_of: AdImport | None = None  # the earlier import of this very file

    @property
    def to_write(self) -> int:
        """Rows the import adds or updates."""
        return self.added + self.updated


class ImportRejected(ValidationError):
    """Lines have errors and skipping them was not allowed: nothing was (or would be) written.

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
        *,
        file_name: str = "",
    ) -> ImportReport:
        """Everything the import would do, without keeping any of it.

        `choices` maps an ad, ad set or campaign name to a video id; `lines` maps a line
        number of the file to a video id (a choice made in the preview for that row).
        """
        chosen = _Choices(choices, lines)
        return self._run(actor, stream, platform, chosen, file_name, commit=False)

    def commit(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None = None,
        choices: Mapping[str, str] | None = None,
        lines: Mapping[int, str] | None = None,
        *,
        skip_errors: bool = False,
        file_name: str = "",
    ) -> ImportReport:
        """Import the file in one transaction; importing the same file twice changes nothing.

        All or nothing: a line with an error raises ImportRejected and nothing is written,
        unless `skip_errors` allows leaving such lines out. Unmapped rows are left out.
        """
        chosen = _Choices(choices, lines)
        report = self._run(
            actor, stream, platform, chosen, file_name, commit=True, skip_errors=skip_errors
        )
        if report.committed and report.import_id and actor.user_id:
            self._tell(actor.user_id, report)
        return report

    def _tell(self, user_id: str, report: ImportReport) -> None:
        """ads.imported for the user's webhook endpoints (after the import committed; its id
        keeps the event from being queued twice)."""
        data = {
            "import_id": report.import_id, "platform": report.platform.value,
            "file_name": report.file_name, "rows_read": report.rows_read,
            "added": report.added, "updated": report.updated,
        }  # fmt: skip
        with self.ctx.uow(Actor.service()) as uow:
            key = f"ads.imported:{report.import_id}"
            queue_event(uow, user_id, "ads.imported", data, key, self.ctx.clock())

    def imports(self, actor: Actor, page: PageRequest = PageRequest()) -> Page[AdImport]:
        """The imports the actor may see, newest first."""
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            return uow.ads.imports(page)

    def get(self, actor: Actor, import_id: str) -> AdImport:
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            return uow.ads.get_import(import_id)

    def undo(self, actor: Actor, import_id: str) -> UndoResult:
        """Take a whole import back: what it replaced comes back, what it added goes."""
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            found = uow.ads.get_import(import_id)
            require_owner(actor, found.user_id, "ad import", import_id)
            if found.undone:
                raise ValidationError("import", "this import was undone already")
            return uow.ads.undo_import(import_id)

    def _run(
        self,
        actor: Actor,
        stream: BinaryIO,
        platform: AdPlatform | str | None,
        chosen: _Choices,
        file_name: str,
        *,
        commit: bool,
        skip_errors: bool = False,
    ) -> ImportReport:
        owner = signed_in(actor)
        stream, digest = _hashed(stream)
        export = self.reader(stream, _platform(platform))
        tally = _Tally(today=(self.ctx.clock() + _AHEAD).date())
        name = file_name.strip()[:255]
        report: ImportReport | None = None
        try:
            with self.ctx.uow(actor) as uow:
                videos = _video_refs(uow, owner)
                chosen.check(videos)
                earlier = uow.ads.live_import(digest)
                if earlier is not None:
                    return _duplicate(export.platform, earlier, name)
                tally.titles = {v.id: v for v in videos}
                matches = chosen.apply(match_rows(tally.rows(export), videos, chosen.names))
                header = ImportHeader(
                    self.ctx.ids(),
                    owner,
                    export.platform,
                    name,
                    digest,
                    actor.email or "",
                    dry_run=not commit,
                )
                result = uow.ads.apply_import(header, tally.mapped(matches), tally.counts)
                report = tally.report(export.platform, result, commit, name)
                if report.error_count and not skip_errors and commit:
                    raise ImportRejected(report)
                if not commit:
                    raise _Rollback
        except _Rollback:
            pass
        assert report is not None
        return report


def would_refuse(report: ImportReport, skip_errors: bool) -> bool:
    """True when committing what `report` previews would be refused."""
    return bool(report.error_count) and not skip_errors and report.duplicate_of is None


def _hashed(stream: BinaryIO) -> tuple[BinaryIO, str]:
    """The stream rewound (or copied, when it cannot seek) and the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    if not stream.seekable():  # an upload as it arrives: kept in a file beyond 1 MiB
        spooled = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (the reader's)
        while chunk := stream.read(1 << 16):
            digest.update(chunk)
            spooled.write(chunk)
        spooled.seek(0)
        return cast(BinaryIO, spooled), digest.hexdigest()
    start = stream.tell()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(start)
    return stream, digest.hexdigest()


def _duplicate(platform: AdPlatform, earlier: AdImport, name: str) -> ImportReport:
    return ImportReport(
        platform=platform, rows_read=earlier.rows_read, added=0, updated=0, unchanged=0,
        older=0, flagged=0, totals=AdTotals(), rows=(), changes=(), flags=(), errors=(),
        error_count=0, unmapped=(), unmapped_count=0, committed=False, import_id=earlier.id,
        file_name=name, duplicate_of=earlier,
    )  # fmt: skip


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

    today: date
    rows_read: int = 0
    errors: builtins.list[RowError] = attrs.Factory(list)
    error_count: int = 0
    unmapped: builtins.list[Unmapped] = attrs.Factory(list)
    unmapped_count: int = 0
    titles: dict[str, VideoRef] = attrs.Factory(dict)

    def _error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < SHOWN:
            self.errors.append(error)

    def rows(self, items: Iterable[ExportRow | RowError]) -> Iterator[ExportRow]:
        for item in items:
            self.rows_read += 1
            if isinstance(item, RowError):
                self._error(item)
            elif why := impossible_day(item.day, self.today):
                self._error(RowError(item.line, "day", why))
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
                fits = tuple(self.titles[v] for v in match.candidates if v in self.titles)
                found = Unmapped(row.line, row.campaign, row.ad, match.reason, row.ad_set, fits)
                self.unmapped.append(found)

    def counts(self) -> ImportTally:
        return ImportTally(self.rows_read, self.error_count, self.unmapped_count)

    def report(
        self, platform: AdPlatform, result: ImportResult, commit: bool, name: str
    ) -> ImportReport:
        """The report, with the reader's and the merge's errors in line order."""
        errors = sorted([*self.errors, *result.errors], key=lambda e: e.line)[:SHOWN]
        return ImportReport(
            platform=platform, rows_read=self.rows_read, added=result.added,
            updated=result.updated, unchanged=result.unchanged, older=result.older,
            flagged=result.flagged, totals=result.totals, rows=result.rows,
            changes=result.changes, flags=result.flags, errors=tuple(errors),
            error_count=self.error_count + result.error_count, unmapped=tuple(self.unmapped),
            unmapped_count=self.unmapped_count, committed=commit,
            import_id=result.import_id if commit else None, file_name=name,
        )  # fmt: skip
