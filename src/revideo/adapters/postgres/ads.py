"""PostgreSQL repository for ad performance, and the analytics queries in SQL."""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from revideo.adapters.postgres import convert, import_json
from revideo.adapters.postgres._table import Table
from revideo.adapters.postgres.errors import database_errors, is_uuid
from revideo.domain.ad_imports import (
    SHOWN,
    AdImport,
    ImportHeader,
    ImportResult,
    ImportTally,
    UndoResult,
)
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import MAX_COUNT, MAX_SPEND, AdRecord
from revideo.domain.page import Page, PageRequest
from revideo.ports.repositories import AdFilter

_AD_FIELDS = ("platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")
_NOTHING = "false"


# Mapped rows as read (figures unrounded, unbounded numeric) go by COPY into the staging table
# of revideo_import_staging(); revideo_apply_import (supabase/migrations) sums, checks and
# applies them in SQL. Sorting, not hashing, groups them: a hash table holds ~1 KB of numeric
# sums per key and spills.
# The whole import is one call of revideo_apply_import: a million rows outlast the 60 s a
# request may take (bootstrap 02_revideo_local.sql), so this transaction has more.
_SETTINGS = (
    "SET LOCAL work_mem = '64MB'; SET LOCAL enable_hashagg = off;"
    " SET LOCAL statement_timeout = '30min'"
)
_STAGE = "SELECT public.revideo_import_staging()"
_COPY = (
    "COPY ad_import_staging (line, video_id, platform, date_recorded, source_key, ad_id,"
    " ad_name, ad_set_name, campaign_id, campaign_name, spend, impressions, clicks, leads,"
    " currency) FROM STDIN"
)
_APPLY = "SELECT public.revideo_apply_import(%s::jsonb, %s) AS r"
_UNDO = "SELECT public.revideo_undo_import(%s::uuid) AS r"
_BLOCK = 2000  # rows per COPY message
_TEXTS_KEPT = 10_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def ad_where(f: AdFilter, alias: str = "a") -> tuple[str, list[Any]]:
    """SQL condition and parameters for every part of an ad filter."""
    where, params = ["true"], []
    for column, op, value in (
        ("date_recorded", ">=", f.date_from),
        ("date_recorded", "<=", f.date_to),
        ("platform", "=", f.platform.value if f.platform else None),
        ("video_id", "=", f.video_id),
        ("user_id", "=", f.user_id),
        ("import_id", "=", f.import_id),
    ):
        if value is not None:
            where.append(f"{alias}.{column} {op} %s")
            params.append(value)
    if f.property_id is not None:
        where.append(f"{alias}.video_id IN (SELECT id FROM public.videos WHERE property_id = %s)")
        params.append(f.property_id)
    return " AND ".join(where), params


def video_where(f: AdFilter, alias: str = "v") -> tuple[str, list[Any]]:
    """The video part of an ad filter (videos have no day or platform)."""
    where, params = ["true"], []
    for column, value in (
        ("id", f.video_id),
        ("property_id", f.property_id),
        ("user_id", f.user_id),
    ):
        if value is not None:
            where.append(f"{alias}.{column} = %s")
            params.append(value)
    return " AND ".join(where), params


def valid(f: AdFilter) -> bool:
    ids = (f.video_id, f.property_id, f.user_id, f.import_id)
    return all(i is None or is_uuid(i) for i in ids)


class PostgresAds(Table[AdRecord]):
    table, kind = "ad_performance", "ad record"
    to_domain = staticmethod(convert.ad)

    def add(self, record: AdRecord, submission_key: str | None = None) -> AdRecord:
        columns = ("id", "video_id", "user_id", *_AD_FIELDS, "submission_key")
        params = {**convert.ad_params(record), "submission_key": submission_key}
        return self.insert(columns, params, {"video": record.video_id})

    def by_submission(self, submission_key: str) -> AdRecord | None:
        if not is_uuid(submission_key):
            return None
        found = self.select(
            "SELECT * FROM public.ad_performance WHERE submission_key = %s"
            " AND user_id = auth.uid()",
            [submission_key],
        )
        return convert.ad(found[0]) if found else None

    def update(self, record: AdRecord) -> AdRecord:
        columns = ("video_id", *_AD_FIELDS)
        refs = {"video": record.video_id}
        return self.write(record.id, columns, convert.ad_params(record), refs)

    def list(self, filter: AdFilter, page: PageRequest) -> Page[AdRecord]:
        where, params = ad_where(filter, self.table) if valid(filter) else (_NOTHING, [])
        order = "date_recorded DESC, created_at DESC, id DESC"
        return self.page(where, params, order, page)

    def apply_import(
        self, header: ImportHeader, rows: Iterable[MappedAd], tally: Callable[[], ImportTally]
    ) -> ImportResult:
        """COPY the rows into the staging table, then sum, check and apply them in SQL."""
        with database_errors("ad import", header.id, action="import"):
            self.conn.execute(_SETTINGS)
            self.conn.execute(_STAGE)
            with self.conn.cursor() as cur, cur.copy(_COPY) as copy:
                for block in _copy_text(rows):
                    copy.write(block)
            payload = import_payload(header, tally())
            row = self.conn.execute(_APPLY, [json.dumps(payload), SHOWN]).fetchone()
        return import_json.result(row["r"])

    def undo_import(self, import_id: str) -> UndoResult:
        self.get_import(import_id)
        with database_errors("ad import", import_id, action="undo"):
            row = self.conn.execute(_UNDO, [import_id]).fetchone()
        return import_json.undo(row["r"])

    def imports(self, page: PageRequest) -> Page[AdImport]:
        return _Imports(self.conn, self.actor).page("true", [], "seq DESC", page)

    def get_import(self, import_id: str) -> AdImport:
        return _Imports(self.conn, self.actor).get(import_id)

    def live_import(self, file_hash: str) -> AdImport | None:
        found = self.select(
            "SELECT * FROM public.ad_imports WHERE user_id = auth.uid() AND file_hash = %s"
            " AND undone_at IS NULL",
            [file_hash],
        )
        return import_json.ad_import(found[0]) if found else None


class _Imports(Table[AdImport]):
    table, kind = "ad_imports", "ad import"
    to_domain = staticmethod(import_json.ad_import)


def import_payload(header: ImportHeader, tally: ImportTally) -> dict[str, Any]:
    """The p_import argument of revideo_apply_import."""
    return {
        "id": header.id,
        "user_id": header.user_id,
        "platform": header.platform.value,
        "file_name": header.file_name,
        "file_hash": header.file_hash,
        "imported_by": header.imported_by,
        "rows_read": tally.rows_read,
        "error_count": tally.error_count,
        "unmapped_count": tally.unmapped_count,
        "max_spend": str(MAX_SPEND),
        "max_count": str(MAX_COUNT),
    }


def _copy_text(rows: Iterable[MappedAd]) -> Iterator[str]:
    """The rows as COPY text, _BLOCK lines at a time."""
    lines: builtins.list[str] = []
    texts: dict[str | None, str] = {None: "\\N", "": ""}  # texts escaped once
    sources: dict[AdSource | None, str] = {}
    for r in rows:
        video = texts.get(r.video_id) or _escaped(r.video_id, texts)
        currency = texts.get(r.currency or None)
        if currency is None:
            currency = _escaped(r.currency or "", texts)
        source = sources.get(r.source)
        if source is None:
            if len(sources) > _TEXTS_KEPT:
                sources.clear()
            source = sources[r.source] = _source_text(r.ad_source)
        lines.append(
            f"{r.line}\t{video}\t{r.platform.value}\t{r.day}\t{source}\t{r.spend}"
            f"\t{r.impressions}\t{r.clicks}\t{r.leads}\t{currency}\n"
        )
        if len(lines) >= _BLOCK:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def _source_text(s: AdSource) -> str:
    parts = (s.key, s.ad_id, s.ad_name, s.ad_set_name, s.campaign_id, s.campaign_name)
    return "\t".join(_escape(p[:500]) for p in parts)


def _escape(text: str) -> str:
    return text if text.isprintable() and "\\" not in text else text.translate(_COPY_ESCAPES)


def _escaped(text: str, texts: dict[str | None, str]) -> str:
    """`text` as a COPY text field, kept in `texts`."""
    if len(texts) > _TEXTS_KEPT:  # a file full of odd cells: keep memory flat
        texts.clear()
        texts.update({None: "\\N", "": ""})
    found = texts[text] = _escape(text)
    return found
