"""The analytics queries in SQL (AnalyticsQueries), read from the rollups where they can.

ad_daily_rollup (per user, day and platform), ad_video_rollup and ad_property_rollup (per
video and per property, all days and platforms) are kept by triggers in the transaction of
every ad write (see the migration 20261206050000). A figure cut only by user, day range and
platform reads a few daily rollup rows instead of every ad row; a breakdown per video or
property without a day or platform cut reads its top rows by the rollup's spend index.
Anything cut by video, property or import reads the ad rows (covering indexes). Either way
the numbers are the same: the rollups are sums of the rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from revideo.adapters.postgres._table import Row, owner_only
from revideo.adapters.postgres.ads import ad_where, valid, video_where
from revideo.adapters.postgres.errors import database_errors
from revideo.domain.ads import AdPlatform
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.profile import Actor
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import AdFilter, BreakdownBy, BreakdownRow, DailyPoint, Ratios

_RAW = (
    "coalesce(sum(a.spend_amount), 0.00) AS spend, coalesce(sum(a.impressions), 0) AS impressions,"
    " coalesce(sum(a.clicks), 0) AS clicks, coalesce(sum(a.leads), 0) AS leads"
)
_ROLLED = (
    "coalesce(sum(a.spend), 0.00) AS spend, coalesce(sum(a.impressions), 0) AS impressions,"
    " coalesce(sum(a.clicks), 0) AS clicks, coalesce(sum(a.leads), 0) AS leads"
)


@attrs.frozen
class Source:
    """Where a query reads ad sums: a table, its day and platform columns, its sums."""

    table: str
    sums: str
    day: str | None = "date_recorded"
    platform: str | None = "platform"

    def where(self, f: AdFilter) -> tuple[str, list[Any]]:
        if self.table == "ad_performance":
            return ad_where(f)
        where, params = ["true"], []
        for column, op, value in (
            (self.day, ">=", f.date_from),
            (self.day, "<=", f.date_to),
            (self.platform, "=", f.platform.value if f.platform else None),
            ("user_id", "=", f.user_id),
        ):
            if value is not None:
                assert column is not None
                where.append(f"a.{column} {op} %s")
                params.append(value)
        return " AND ".join(where), params


RAW = Source("ad_performance", _RAW)
DAILY = Source("ad_daily_rollup", _ROLLED, day="day")
PER_VIDEO = Source("ad_video_rollup", _ROLLED, day=None, platform=None)


def source(f: AdFilter, per_video: bool = False) -> Source:
    """The cheapest table that holds the sums `f` cuts."""
    if f.video_id or f.property_id or f.import_id:
        return RAW
    if per_video:
        return RAW if (f.date_from or f.date_to or f.platform) else PER_VIDEO
    return DAILY


_VIDEO = " JOIN public.videos v ON v.id = a.video_id"
_PROPERTY = " JOIN public.properties p ON p.id = v.property_id"
_USER = " LEFT JOIN public.profiles u ON u.id = a.user_id"
_GROUPS: dict[str, tuple[str, str, str]] = {  # key, label, joins (over ad rows)
    "video": ("a.video_id::text", "v.title", _VIDEO),
    "property": ("v.property_id::text", "p.title", _VIDEO + _PROPERTY),
    "platform": ("a.platform::text", "a.platform::text", ""),
    "day": ("a.date_recorded::text", "a.date_recorded::text", ""),
    "user": ("a.user_id::text", "u.email", _USER),
}
_ROLLED_GROUPS: dict[str, tuple[str, str, str]] = {  # the same over the daily rollup
    "platform": ("a.platform::text", "a.platform::text", ""),
    "day": ("a.day::text", "a.day::text", ""),
    "user": ("a.user_id::text", "u.email", _USER),
}
_BREAKDOWN = """
SELECT key, coalesce(label, key) AS label, spend, impressions, clicks, leads,
    public.ratio4(spend, leads) AS cpl, public.ratio4(clicks, impressions) AS ctr,
    public.ratio4(spend, clicks) AS cpc, public.ratio4(spend * 1000, impressions) AS cpm,
    public.ratio4(leads, clicks) AS lead_rate
FROM (SELECT {key} AS key, min({label}) AS label, {sums}
      FROM public.{table} a{joins} WHERE {where} GROUP BY 1) g
ORDER BY spend DESC, coalesce(label, key) COLLATE "C", key COLLATE "C"
LIMIT %s
"""


# Per video and per property the rollups have one row already: no grouping, and their
# (user, spend) index gives the biggest spenders first, so a top list reads only its rows.
_TOP = """
SELECT key, coalesce(label, key) AS label, spend, impressions, clicks, leads,
    public.ratio4(spend, leads) AS cpl, public.ratio4(clicks, impressions) AS ctr,
    public.ratio4(spend, clicks) AS cpc, public.ratio4(spend * 1000, impressions) AS cpm,
    public.ratio4(leads, clicks) AS lead_rate
FROM (SELECT a.{id}::text AS key, t.title AS label, a.spend, a.impressions, a.clicks, a.leads
      FROM public.{table} a JOIN public.{titles} t ON t.id = a.{id}
      WHERE {where}
      ORDER BY a.spend DESC, t.title COLLATE "C", a.{id}::text COLLATE "C" LIMIT %s) g
ORDER BY spend DESC, coalesce(label, key) COLLATE "C", key COLLATE "C"
"""
_TOPS = {
    "video": {"id": "video_id", "table": "ad_video_rollup", "titles": "videos"},
    "property": {"id": "property_id", "table": "ad_property_rollup", "titles": "properties"},
}


def totals(row: Row) -> AdTotals:
    return AdTotals(
        spend=Decimal(row["spend"]),
        impressions=int(row["impressions"]),
        clicks=int(row["clicks"]),
        leads=int(row["leads"]),
    )


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
        if not valid(filter):
            return Summary()
        src = source(filter)
        ads, ad_params = src.where(filter)
        videos, video_params = video_where(filter)
        # Each video carries the sum of its render jobs' costs (render_cost, kept by a
        # trigger): the counts and the cost come from one index-only scan of the videos.
        row = self._rows(
            f"SELECT (SELECT row_to_json(t) FROM (SELECT {src.sums}"
            f"   FROM public.{src.table} a WHERE {ads}) t) AS ads, s.by_status, s.cost"
            " FROM (SELECT coalesce(json_object_agg(status, n), '{}') AS by_status,"
            "   coalesce(sum(cost), 0) AS cost FROM"
            "   (SELECT status, count(*) AS n, sum(v.render_cost) AS cost"
            f"    FROM public.videos v WHERE {videos} GROUP BY status) g) s",
            [*ad_params, *video_params],
        )[0]
        by_status = {VideoStatus(k): int(n) for k, n in row["by_status"].items()}
        return Summary(ads=totals(row["ads"]), videos_by_status=by_status, usage_cost=row["cost"])

    def daily(self, filter: AdFilter) -> list[DailyPoint]:
        filter = self._scoped(filter)
        if not valid(filter):
            return []
        src = source(filter)
        where, params = src.where(filter)
        day = f"a.{src.day}"
        rows = self._rows(
            f"SELECT {day} AS day, {src.sums} FROM public.{src.table} a"
            f" WHERE {where} GROUP BY {day} ORDER BY {day}",
            params,
        )
        return [DailyPoint(r["day"], totals(r)) for r in rows]

    def by_platform(self, filter: AdFilter) -> dict[AdPlatform, AdTotals]:
        filter = self._scoped(filter)
        if not valid(filter):
            return {}
        src = source(filter)
        where, params = src.where(filter)
        rows = self._rows(
            f"SELECT a.platform, {src.sums} FROM public.{src.table} a"
            f" WHERE {where} GROUP BY a.platform",
            params,
        )
        found = {AdPlatform(r["platform"]): totals(r) for r in rows}
        return {p: found[p] for p in AdPlatform if p in found}

    def breakdown(
        self, filter: AdFilter, by: BreakdownBy, limit: int | None = None
    ) -> list[BreakdownRow]:
        filter = self._scoped(filter)
        if not valid(filter):
            return []
        src = source(filter, per_video=by in ("video", "property"))
        where, params = src.where(filter)
        if src is PER_VIDEO:  # by video or property
            query = _TOP.format(where=where, **_TOPS[by])
            return [_breakdown_row(r) for r in self._rows(query, [*params, limit])]
        key, label, joins = (_GROUPS if src is RAW else _ROLLED_GROUPS)[by]
        query = _BREAKDOWN.format(
            key=key, label=label, sums=src.sums, table=src.table, joins=joins, where=where
        )
        return [_breakdown_row(r) for r in self._rows(query, [*params, limit])]


def _breakdown_row(r: Row) -> BreakdownRow:
    ratios = Ratios(r["cpl"], r["ctr"], r["cpc"], r["cpm"], r["lead_rate"])
    return BreakdownRow(str(r["key"]), str(r["label"]), totals(r), ratios)
