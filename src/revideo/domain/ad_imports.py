"""Imported reports and what each did (design.md §2: ad figures per source ad).

An import keeps, per source ad and day, the figures of the newest report: a report is newer
when its last day (`as_of`) is later, or, on the same last day, when it was imported later
(`seq`). Importing the same file again changes nothing; an older report's figures are kept
aside (`Outcome.OLDER`) so that undoing the newer import brings them back. Undoing an import
leaves, per source ad and day, the figures of the newest import that is left.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from revideo.domain.ad_rows import AdSource, RowError
from revideo.domain.ads import AdPlatform
from revideo.domain.analytics import AdTotals

SHOWN = 200  # rows, changes and flags an import lists (all are counted)


class Outcome(enum.Enum):
    ADDED = "added"  # new source ad and day
    UPDATED = "updated"  # a newer report's figures replaced those stored
    UNCHANGED = "unchanged"  # the same figures as stored (the newest report now)
    OLDER = "older"  # figures of a report older than the stored one: kept aside


@attrs.frozen
class ImportedRow:
    """One source ad and day of an import: its figures and what importing them did."""

    line: int
    video_id: str
    platform: AdPlatform
    day: date
    source: AdSource
    figures: AdTotals
    outcome: Outcome
    before: AdTotals | None = None  # the replaced figures, for UPDATED
    flag: str = ""  # why the figures are implausible, if they are


@attrs.frozen
class ImportHeader:
    """What an import is told before its rows: who, which file, which platform."""

    id: str
    user_id: str
    platform: AdPlatform
    file_name: str
    file_hash: str
    imported_by: str = ""
    dry_run: bool = False  # the unit of work will roll back (a store without one must know)


@attrs.frozen
class ImportTally:
    """What reading the file counted (the repository stores it with the import)."""

    rows_read: int = 0
    error_count: int = 0
    unmapped_count: int = 0


@attrs.frozen
class ImportResult:
    """What applying an import's rows did (or would do, in a dry run)."""

    import_id: str
    as_of: date | None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    flagged: int = 0
    totals: AdTotals = attrs.Factory(AdTotals)  # figures it added or updated (new values)
    rows: tuple[ImportedRow, ...] = ()  # the first SHOWN, by line
    changes: tuple[ImportedRow, ...] = ()  # the first SHOWN updated rows, by line
    flags: tuple[ImportedRow, ...] = ()  # the first SHOWN flagged rows, by line
    errors: tuple[RowError, ...] = ()  # rows left out by the merge (currency, video, range)
    error_count: int = 0


@attrs.frozen
class AdImport:
    """One imported report, as the history shows it."""

    id: str
    user_id: str
    platform: AdPlatform
    file_name: str
    file_hash: str
    as_of: date
    seq: int
    imported_at: datetime | None = None
    imported_by: str = ""
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    flagged: int = 0
    error_count: int = 0
    unmapped_count: int = 0
    totals: AdTotals = attrs.Factory(AdTotals)
    changes: tuple[ImportedRow, ...] = ()
    flags: tuple[ImportedRow, ...] = ()
    undone_at: datetime | None = None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None

    @property
    def precedence(self) -> tuple[date, int]:
        """Newer reports sort higher: by last day, then by import order."""
        return (self.as_of, self.seq)


@attrs.frozen
class UndoResult:
    """What undoing an import did: rows given back their earlier figures, rows removed."""

    import_id: str
    restored: int
    removed: int
