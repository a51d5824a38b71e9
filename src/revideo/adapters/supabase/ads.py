"""Ad rows through PostgREST, and the analytics aggregates as SQL functions via rpc()."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from revideo.adapters.postgres import import_json
from revideo.adapters.postgres.ads import import_payload
from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.supabase import convert
from revideo.adapters.supabase.errors import rest_errors
from revideo.adapters.supabase.rest import Rest, RestTable
from revideo.domain.ad_imports import (
    SHOWN,
    AdImport,
    ImportHeader,
    ImportResult,
    ImportTally,
    UndoResult,
)
from revideo.domain.ad_matching import StagedAd, merge_mapped
from revideo.domain.ad_rows import MappedAd
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.page import Page, PageRequest
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import (
    AdFilter,
    BreakdownBy,
    BreakdownRow,
    DailyPoint,
    Ratios,
)

_AD = ("platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")
_ROW = ("id", "video_id", "user_id", *_AD)


def filter_json(f: AdFilter) -> dict[str, Any]:
    """The filter object the SQL functions read (unset parts left out)."""
    parts = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "platform": f.platform,
        "property_id": f.property_id,
        "video_id": f.video_id,
        "user_id": f.user_id,
        "import_id": f.import_id,
    }
    return {k: convert.wire(v) for k, v in parts.items() if v is not None}


def _valid(f: AdFilter) -> bool:
    ids = (f.video_id, f.property_id, f.user_id, f.import_id)
    return all(i is None or is_uuid(i) for i in ids)


class RestAds(RestTable[AdRecord]):
    table, kind = "ad_performance", "ad record"
    to_domain = staticmethod(convert.ad)

    def add(self, record: AdRecord, submission_key: str | None = None) -> AdRecord:
        values = {**convert.params(record, _ROW), "submission_key": submission_key}
        return self.insert(values, {"video": record.video_id})

    def by_submission(self, submission_key: str) -> AdRecord | None:
        found = self.submitted(submission_key)
        return type(self).to_domain(found) if found else None

    def update(self, record: AdRecord) -> AdRecord:
        values = convert.params(record, ("video_id", *_AD))
        return self.write(record.id, values, {"video": record.video_id})

    def list(self, filter: AdFilter, page: PageRequest) -> Page[AdRecord]:
        if not _valid(filter):
            return Page(items=[], total=0, request=page)
        return self.page("revideo_ad_page", {"f": filter_json(filter)}, page)

    def apply_import(
        self, header: ImportHeader, rows: Iterable[MappedAd], tally: Callable[[], ImportTally]
    ) -> ImportResult:
        """Sum per key here, then send the sums to revideo_import_ads in one request (one
        transaction: a dry run rolls back inside it). Memory grows with the keys."""
        staged, errors = merge_mapped(rows)
        payload = [_staged_json(header, s) for s in staged]
        args = {
            "p_import": import_payload(header, tally()),
            "p_rows": payload,
            "p_dry_run": header.dry_run,
        }
        with rest_errors("ad import", header.id, action="import"):
            data = self.rest.client.rpc("revideo_import_ads", args).execute().data
        if not header.dry_run:
            self.rest.undo.append(functools.partial(self._forget_import, header.id))
        found = import_json.result(data)
        kept = sorted([*errors, *found.errors], key=lambda e: e.line)
        return attrs.evolve(
            found, errors=tuple(kept[:SHOWN]), error_count=found.error_count + len(errors)
        )

    def _forget_import(self, import_id: str) -> None:
        """Take back an import whose unit of work failed: undo it, then forget it."""
        self.rest.client.rpc("revideo_undo_import", {"p_import": import_id}).execute()
        self.rest.client.table("ad_imports").delete(returning="minimal").eq(
            "id", import_id
        ).execute()

    def undo_import(self, import_id: str) -> UndoResult:
        self.get_import(import_id)
        data = self.rest.rpc("revideo_undo_import", {"p_import": import_id}, "ad import")
        return import_json.undo(data)

    def imports(self, page: PageRequest) -> Page[AdImport]:
        return _RestImports(self.rest).page("revideo_import_page", {}, page)

    def get_import(self, import_id: str) -> AdImport:
        return _RestImports(self.rest).get(import_id)

    def live_import(self, file_hash: str) -> AdImport | None:
        me = self.rest.actor.user_id
        if not is_uuid(me):
            return None
        with rest_errors("ad import"):
            found = (
                self.rest.client.table("ad_imports").select("*").eq("user_id", me)
                .eq("file_hash", file_hash).is_("undone_at", "null").execute()
            )  # fmt: skip
        return import_json.ad_import(found.data[0]) if found.data else None


class _RestImports(RestTable[AdImport]):
    table, kind = "ad_imports", "ad import"
    to_domain = staticmethod(import_json.ad_import)


def _staged_json(header: ImportHeader, s: StagedAd) -> dict[str, Any]:
    d = s.data
    return {
        "line": s.line, "video_id": d.video_id, "platform": d.platform.value,
        "date_recorded": d.date_recorded.isoformat(), "source_key": s.source_key,
        "ad_id": s.source.ad_id[:200], "ad_name": s.source.ad_name[:500],
        "ad_set_name": s.source.ad_set_name[:500], "campaign_id": s.source.campaign_id[:200],
        "campaign_name": s.source.campaign_name[:500], "spend": str(d.spend_amount),
        "impressions": d.impressions, "clicks": d.clicks, "leads": d.leads, "currency": None,
    }  # fmt: skip


class RestAnalytics:
    """AnalyticsQueries via the revideo_ad_* SQL functions (RLS applies inside them)."""

    def __init__(self, rest: Rest) -> None:
        self.rest = rest
        actor = rest.actor
        plain_user = not (actor.system or actor.is_admin) and actor.user_id is not None
        self.owner = actor.user_id if plain_user and is_uuid(actor.user_id) else None

    def _call(self, fn: str, f: AdFilter, **extra: Any) -> Any:
        if self.owner and f.user_id is None:  # the index-friendly form of what RLS allows
            f = attrs.evolve(f, user_id=self.owner)
        return self.rest.rpc(fn, {"f": filter_json(f), **extra}, "analytics")

    def summary(self, filter: AdFilter) -> Summary:
        if not _valid(filter):
            return Summary()
        data = self._call("revideo_ad_summary", filter)
        by_status = {VideoStatus(k): int(n) for k, n in data["by_status"].items()}
        cost = Decimal(data["cost"])
        return Summary(ads=convert.totals(data["ads"]), videos_by_status=by_status, usage_cost=cost)

    def daily(self, filter: AdFilter) -> list[DailyPoint]:
        if not _valid(filter):
            return []
        data = self._call("revideo_ad_daily", filter)
        return [DailyPoint(date.fromisoformat(d["day"]), convert.totals(d["totals"])) for d in data]

    def by_platform(self, filter: AdFilter) -> dict[AdPlatform, AdTotals]:
        if not _valid(filter):
            return {}
        data = self._call("revideo_ad_by_platform", filter)
        found = {AdPlatform(k): convert.totals(v) for k, v in data.items()}
        return {p: found[p] for p in AdPlatform if p in found}

    def breakdown(
        self, filter: AdFilter, by: BreakdownBy, limit: int | None = None
    ) -> list[BreakdownRow]:
        if not _valid(filter):
            return []
        rows = self._call("revideo_ad_breakdown", filter, by=by, p_limit=limit)
        return [_breakdown_row(r) for r in rows]


def _ratio(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _breakdown_row(r: dict[str, Any]) -> BreakdownRow:
    q = r["ratios"]
    ratios = Ratios(*(_ratio(q[k]) for k in ("cpl", "ctr", "cpc", "cpm", "lead_rate")))
    return BreakdownRow(str(r["key"]), str(r["label"]), convert.totals(r["totals"]), ratios)
