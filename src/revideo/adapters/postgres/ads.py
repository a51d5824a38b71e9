"""PostgreSQL repository for ad performance, and the analytics queries in SQL."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from revideo.adapters.postgres import convert
from revideo.adapters.postgres._table import Row, Table, owner_only
from revideo.adapters.postgres.errors import database_errors, is_uuid
from revideo.domain.ad_matching import ERRORS_KEPT, currency_conflict
from revideo.domain.ad_rows import MappedAd, RowError
from revideo.domain.ads import MAX_COUNT, MAX_SPEND, AdPlatform, AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import (
    AdFilter,
    BreakdownBy,
    BreakdownRow,
    DailyPoint,
    MergeCounts,
    Ratios,
)

_AD_FIELDS = ("platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")
_NOTHING = "false"
_SUMS = (
    "coalesce(sum(a.spend_amount), 0.00) AS spend, coalesce(sum(a.impressions), 0) AS impressions,"
    " coalesce(sum(a.clicks), 0) AS clicks, coalesce(sum(a.leads), 0) AS leads"
)


# Mapped rows as read (figures unrounded, unbounded numeric), with their line for errors.
# The merge sums per key by sorting: a hash table holds ~1 KB of numeric sums per key and
# spills, while sorted keys also reach the unique index and the foreign keys in order.
_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS ad_import_staging (
    line bigint, video_id uuid, platform public.ad_platform, date_recorded date,
    spend numeric, impressions numeric, clicks numeric, leads numeric, currency text
) ON COMMIT DROP;
TRUNCATE ad_import_staging;
SET LOCAL work_mem = '64MB';
SET LOCAL enable_hashagg = off
"""
_COPY = "COPY ad_import_staging FROM STDIN"
_BLOCK = 2000  # rows per COPY message
_TEXTS_KEPT = 10_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# A row whose currency differs from the first one given for its key leaves staging.
_CONFLICTS = """
WITH keyed AS (
    SELECT ctid AS at, line, currency,
        first_value(currency) OVER w AS key_currency, first_value(line) OVER w AS key_line
    FROM ad_import_staging
    WINDOW w AS (PARTITION BY video_id, platform, date_recorded ORDER BY currency IS NULL, line)
), bad AS (
    SELECT * FROM keyed WHERE currency <> key_currency
), gone AS (
    DELETE FROM ad_import_staging s USING bad WHERE s.ctid = bad.at
)
SELECT line, currency, key_currency, key_line, count(*) OVER () AS total
FROM bad ORDER BY line LIMIT %(kept)s
"""
# Sum per natural key, round half-even (spend to cents, leads to whole), leave out keys out of
# range, insert the new ones in one statement. Figures are never negative (the reader checks).
_MERGE = """
WITH sums AS (
    SELECT min(line) AS line, video_id, platform, date_recorded, sum(spend) AS spend,
        sum(impressions) AS impressions, sum(clicks) AS clicks, sum(leads) AS leads
    FROM ad_import_staging GROUP BY video_id, platform, date_recorded
), rounded AS (
    SELECT line, video_id, platform, date_recorded, spend, impressions, clicks,
        round(spend, 2) - CASE WHEN spend * 100 %% 1 = 0.5 AND trunc(spend * 100) %% 2 = 0
            THEN 0.01 ELSE 0 END AS spend_amount,
        round(leads) - CASE WHEN leads %% 1 = 0.5 AND trunc(leads) %% 2 = 0
            THEN 1 ELSE 0 END AS leads
    FROM sums
), checked AS (
    SELECT *, CASE
        WHEN greatest(spend, spend_amount) > %(max_spend)s THEN 'spend_amount'
        WHEN impressions > %(max_count)s THEN 'impressions'
        WHEN clicks > %(max_count)s THEN 'clicks'
        WHEN leads > %(max_count)s THEN 'leads' END AS bad
    FROM rounded
), added AS (
    INSERT INTO public.ad_performance AS a
        (video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks, leads)
    SELECT video_id, %(user)s::uuid, platform, date_recorded, spend_amount, impressions,
        clicks, leads
    FROM checked WHERE bad IS NULL
    ON CONFLICT (video_id, platform, date_recorded) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM added) AS added,
    (SELECT count(*) FROM checked WHERE bad IS NULL) AS keys,
    (SELECT count(*) FROM checked WHERE bad IS NOT NULL) AS bad_count,
    (SELECT coalesce(json_agg(json_build_array(b.line, b.bad) ORDER BY b.line), '[]')
     FROM (SELECT line, bad FROM checked WHERE bad IS NOT NULL ORDER BY line
           LIMIT %(kept)s) b) AS bad
"""
_TOO_BIG = {"spend_amount": f"must be at most {MAX_SPEND}"}


_VIDEO = " JOIN public.videos v ON v.id = a.video_id"
_GROUPS: dict[str, tuple[str, str, str]] = {  # key, label, joins
    "video": ("a.video_id::text", "v.title", _VIDEO),
    "property": (
        "v.property_id::text",
        "p.title",
        _VIDEO + " JOIN public.properties p ON p.id = v.property_id",
    ),
    "platform": ("a.platform::text", "a.platform::text", ""),
    "day": ("a.date_recorded::text", "a.date_recorded::text", ""),
    "user": ("a.user_id::text", "u.email", " LEFT JOIN public.profiles u ON u.id = a.user_id"),
}
_BREAKDOWN = """
SELECT key, coalesce(label, key) AS label, spend, impressions, clicks, leads,
    public.ratio4(spend, leads) AS cpl, public.ratio4(clicks, impressions) AS ctr,
    public.ratio4(spend, clicks) AS cpc, public.ratio4(spend * 1000, impressions) AS cpm,
    public.ratio4(leads, clicks) AS lead_rate
FROM (SELECT {key} AS key, min({label}) AS label, {sums}
      FROM public.ad_performance a{joins} WHERE {where} GROUP BY 1) g
ORDER BY spend DESC, coalesce(label, key) COLLATE "C", key COLLATE "C"
LIMIT %s
"""


def ad_where(f: AdFilter, alias: str = "a") -> tuple[str, list[Any]]:
    """SQL condition and parameters for every part of an ad filter."""
    where, params = ["true"], []
    for column, op, value in (
        ("date_recorded", ">=", f.date_from),
        ("date_recorded", "<=", f.date_to),
        ("platform", "=", f.platform.value if f.platform else None),
        ("video_id", "=", f.video_id),
        ("user_id", "=", f.user_id),
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


def job_where(f: AdFilter, alias: str = "j") -> tuple[str, list[Any]]:
    """The video part of an ad filter applied to render jobs (same owner as their video)."""
    where, params = ["true"], []
    for column, value in (("video_id", f.video_id), ("user_id", f.user_id)):
        if value is not None:
            where.append(f"{alias}.{column} = %s")
            params.append(value)
    if f.property_id is not None:
        where.append(f"{alias}.video_id IN (SELECT id FROM public.videos WHERE property_id = %s)")
        params.append(f.property_id)
    return " AND ".join(where), params


def _valid(f: AdFilter) -> bool:
    ids = (f.video_id, f.property_id, f.user_id)
    return all(i is None or is_uuid(i) for i in ids)


def totals(row: Row) -> AdTotals:
    return AdTotals(
        spend=Decimal(row["spend"]),
        impressions=int(row["impressions"]),
        clicks=int(row["clicks"]),
        leads=int(row["leads"]),
    )


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
        where, params = ad_where(filter, self.table) if _valid(filter) else (_NOTHING, [])
        order = "date_recorded DESC, created_at DESC, id DESC"
        return self.page(where, params, order, page)

    def merge(self, rows: Iterable[MappedAd], user_id: str) -> MergeCounts:
        """COPY the rows into a staging table, then sum, check and insert them in SQL."""
        with database_errors(self.kind, action="import"):
            self.conn.execute(_STAGING)
            mixed = self._stage(rows)
            errors, error_count = self._currency_conflicts() if mixed else ([], 0)
            row = self.conn.execute(_MERGE, _merge_params(user_id)).fetchone()
        errors += [RowError(line, field, _too_big(field)) for line, field in row["bad"]]
        errors.sort(key=lambda e: e.line)
        return MergeCounts(
            added=int(row["added"]),
            present=int(row["keys"] - row["added"]),
            errors=tuple(errors[:ERRORS_KEPT]),
            error_count=error_count + int(row["bad_count"]),
        )

    def _stage(self, rows: Iterable[MappedAd]) -> bool:
        """COPY the rows into staging; True when they name more than one currency."""
        currencies: set[str] = set()
        with self.conn.cursor() as cur, cur.copy(_COPY) as copy:
            for block in _copy_text(rows, currencies):
                copy.write(block)
        return len(currencies) > 1

    def _currency_conflicts(self) -> tuple[builtins.list[RowError], int]:
        found = self.conn.execute(_CONFLICTS, {"kept": ERRORS_KEPT}).fetchall()
        errors = [
            currency_conflict(r["line"], r["currency"], r["key_currency"], r["key_line"])
            for r in found
        ]
        return errors, int(found[0]["total"]) if found else 0


def _copy_text(rows: Iterable[MappedAd], currencies: set[str]) -> Iterator[str]:
    """The rows as COPY text, _BLOCK lines at a time; adds each currency to `currencies`."""
    lines: builtins.list[str] = []
    texts: dict[str | None, str] = {None: "\\N"}  # video ids and currencies, escaped once
    for r in rows:
        video = texts.get(r.video_id) or _escaped(r.video_id, texts)
        currency = texts.get(r.currency or None)
        if currency is None and r.currency:
            currency = _escaped(r.currency, texts)
            if len(currencies) < 2:  # all the caller needs to know: one currency or several
                currencies.add(r.currency)
        lines.append(
            f"{r.line}\t{video}\t{r.platform.value}\t{r.day}\t{r.spend}\t{r.impressions}"
            f"\t{r.clicks}\t{r.leads}\t{currency}\n"
        )
        if len(lines) >= _BLOCK:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def _escaped(text: str, texts: dict[str | None, str]) -> str:
    """`text` as a COPY text field (backslash, tab, newline, return escaped), kept in `texts`."""
    found = text if text.isprintable() and "\\" not in text else text.translate(_COPY_ESCAPES)
    if len(texts) > _TEXTS_KEPT:  # a file full of odd currency cells: keep memory flat
        texts.clear()
        texts[None] = "\\N"
    texts[text] = found
    return found


def _merge_params(user_id: str) -> dict[str, Any]:
    return {"user": user_id, "kept": ERRORS_KEPT, "max_spend": MAX_SPEND, "max_count": MAX_COUNT}


def _too_big(field: str) -> str:
    return _TOO_BIG.get(field, f"must be at most {MAX_COUNT}")


class PostgresAnalytics:
    """AnalyticsQueries as SQL aggregates over the rows the actor may see."""

    def __init__(self, conn: Any, actor: Actor) -> None:
        self.conn = conn
        self.owner = owner_only(actor)

    def _scoped(self, f: AdFilter) -> AdFilter:
        """The filter narrowed to the actor's own rows when that is all they see."""
        return attrs.evolve(f, user_id=self.owner) if self.owner and f.user_id is None else f

    def _rows(self, query: str, params: list[Any]) -> list[Row]:
        with database_errors("analytics"):
            return list(self.conn.read(query, params).fetchall())

    def summary(self, filter: AdFilter) -> Summary:
        filter = self._scoped(filter)
        if not _valid(filter):
            return Summary()
        ads, ad_params = ad_where(filter)
        videos, video_params = video_where(filter)
        jobs, job_params = job_where(filter)
        row = self._rows(
            f"SELECT (SELECT row_to_json(t) FROM (SELECT {_SUMS}"
            f"   FROM public.ad_performance a WHERE {ads}) t) AS ads,"
            " (SELECT coalesce(json_object_agg(status, n), '{}') FROM"
            f"   (SELECT status, count(*) AS n FROM public.videos v WHERE {videos}"
            "    GROUP BY status) s) AS by_status,"
            " (SELECT coalesce(sum(j.cost_credits), 0) FROM public.video_render_jobs j"
            f"   WHERE {jobs}) AS cost",
            [*ad_params, *video_params, *job_params],
        )[0]
        by_status = {VideoStatus(k): int(n) for k, n in row["by_status"].items()}
        return Summary(ads=totals(row["ads"]), videos_by_status=by_status, usage_cost=row["cost"])

    def daily(self, filter: AdFilter) -> list[DailyPoint]:
        filter = self._scoped(filter)
        if not _valid(filter):
            return []
        where, params = ad_where(filter)
        rows = self._rows(
            f"SELECT a.date_recorded AS day, {_SUMS} FROM public.ad_performance a"
            f" WHERE {where} GROUP BY a.date_recorded ORDER BY a.date_recorded",
            params,
        )
        return [DailyPoint(r["day"], totals(r)) for r in rows]

    def by_platform(self, filter: AdFilter) -> dict[AdPlatform, AdTotals]:
        filter = self._scoped(filter)
        if not _valid(filter):
            return {}
        where, params = ad_where(filter)
        rows = self._rows(
            f"SELECT a.platform, {_SUMS} FROM public.ad_performance a"
            f" WHERE {where} GROUP BY a.platform",
            params,
        )
        found = {AdPlatform(r["platform"]): totals(r) for r in rows}
        return {p: found[p] for p in AdPlatform if p in found}

    def breakdown(
        self, filter: AdFilter, by: BreakdownBy, limit: int | None = None
    ) -> list[BreakdownRow]:
        filter = self._scoped(filter)
        if not _valid(filter):
            return []
        key, label, joins = _GROUPS[by]
        where, params = ad_where(filter)
        query = _BREAKDOWN.format(key=key, label=label, sums=_SUMS, joins=joins, where=where)
        return [_breakdown_row(r) for r in self._rows(query, [*params, limit])]


def _breakdown_row(r: Row) -> BreakdownRow:
    ratios = Ratios(r["cpl"], r["ctr"], r["cpc"], r["cpm"], r["lead_rate"])
    return BreakdownRow(str(r["key"]), str(r["label"]), totals(r), ratios)
