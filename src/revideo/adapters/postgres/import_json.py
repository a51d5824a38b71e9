"""What revideo_apply_import / revideo_undo_import return (JSON), and ad_imports rows, as domain
values. Shared by the psycopg and the Supabase adapters (the same SQL functions answer both)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from revideo.domain.ad_imports import AdImport, ImportedRow, ImportResult, Outcome, UndoResult
from revideo.domain.ad_rows import AdSource, RowError
from revideo.domain.ads import AdPlatform
from revideo.domain.analytics import AdTotals


def totals(data: dict[str, Any] | None) -> AdTotals:
    if not data:
        return AdTotals()
    return AdTotals(
        spend=Decimal(str(data["spend"])).quantize(Decimal("0.01")),
        impressions=int(Decimal(str(data["impressions"]))),
        clicks=int(Decimal(str(data["clicks"]))),
        leads=int(Decimal(str(data["leads"]))),
    )


_SOURCE = ("ad_id", "ad_name", "ad_set_name", "campaign_id", "campaign_name")


_SOURCE = ("ad_id", "ad_name", "ad_set_name", "campaign_id", "campaign_name")


def imported_row(d: dict[str, Any]) -> ImportedRow:
    s = d.get("source") or {}
    return ImportedRow(
        line=int(d["line"]),
        video_id=str(d["video_id"]),
        platform=AdPlatform(d["platform"]),
        day=_day(d["day"]),
        source=AdSource(**{k: s.get(k) or "" for k in _SOURCE}),
        figures=totals(d["figures"]),
        outcome=Outcome(d["outcome"]),
        before=totals(d["before"]) if d.get("before") else None,
        flag=d.get("flag") or "",
    )


def result(d: dict[str, Any]) -> ImportResult:
    return ImportResult(
        import_id=str(d["import_id"]),
        as_of=_day(d["as_of"]) if d.get("as_of") else None,
        added=int(d["added"]),
        updated=int(d["updated"]),
        unchanged=int(d["unchanged"]),
        older=int(d["older"]),
        flagged=int(d["flagged"]),
        totals=totals(d["totals"]),
        rows=tuple(imported_row(r) for r in d["rows"]),
        changes=tuple(imported_row(r) for r in d["changes"]),
        flags=tuple(imported_row(r) for r in d["flags"]),
        errors=tuple(RowError(int(e[0]), str(e[1]), str(e[2])) for e in d["errors"]),
        error_count=int(d["error_count"]),
    )


def undo(d: dict[str, Any]) -> UndoResult:
    return UndoResult(str(d["import_id"]), int(d["restored"]), int(d["removed"]))


def ad_import(row: dict[str, Any]) -> AdImport:
    details = row.get("details") or {}
    return AdImport(
        id=str(row["id"]),
        user_id=str(row["user_id"]),
        platform=AdPlatform(row["platform"]),
        file_name=row["file_name"],
        file_hash=row["file_hash"],
        as_of=_day(row["as_of"]),
        seq=int(row["seq"]),
        imported_at=_time(row.get("imported_at")),
        imported_by=row.get("imported_by") or "",
        rows_read=int(row["rows_read"]),
        added=int(row["added"]),
        updated=int(row["updated"]),
        unchanged=int(row["unchanged"]),
        older=int(row["older"]),
        flagged=int(row["flagged"]),
        error_count=int(row["error_count"]),
        unmapped_count=int(row["unmapped_count"]),
        totals=totals(row.get("totals")),
        changes=tuple(imported_row(r) for r in details.get("changes", [])),
        flags=tuple(imported_row(r) for r in details.get("flags", [])),
        undone_at=_time(row.get("undone_at")),
    )


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
