"""Ad rows through PostgREST, and the analytics aggregates as SQL functions via rpc()."""

from __future__ import annotations

import builtins
import functools
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

import attrs

from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.supabase import convert
from revideo.adapters.supabase.errors import rest_errors
from revideo.adapters.supabase.rest import Rest, RestTable
from revideo.domain.ad_matching import ERRORS_KEPT, merge_mapped
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
    MergeCounts,
    Ratios,
)

_AD = ("platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")
_ROW = ("id", "video_id", "user_id", *_AD)
MERGE_BATCH = 500


def filter_json(f: AdFilter) -> dict[str, Any]:
    """The filter object the SQL functions read (unset parts left out)."""
    parts = {
        "date_from": f.date_from,
        "date_to": f.date_to,
        "platform": f.platform,
        "property_id": f.property_id,
        "video_id": f.video_id,
        "user_id": f.user_id,
    }
    return {k: convert.wire(v) for k, v in parts.items() if v is not None}


def _valid(f: AdFilter) -> bool:
    return all(i is None or is_uuid(i) for i in (f.video_id, f.property_id, f.user_id))


def _batches(records: Iterable[AdRecord]) -> Iterator[list[AdRecord]]:
    it = iter(records)
    while batch := list(islice(it, MERGE_BATCH)):
        yield batch


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

    def merge(self, rows: Iterable[MappedAd], user_id: str) -> MergeCounts:
        """Sum per key here, then send the sums in batches to revideo_merge_ads.

        PostgREST takes one request per batch, so rows sharing a key are summed before any is
        sent: memory grows with the number of keys (videos x days), not with the rows.
        """
        inputs, errors = merge_mapped(rows)
        records = (AdRecord.from_input(str(uuid.uuid4()), user_id, data) for data in inputs)
        added = present = 0
        for batch in _batches(records):
            payload = [convert.params(r, _ROW) for r in batch]
            with rest_errors(self.kind, action="import"):
                data = self.rest.client.rpc("revideo_merge_ads", {"p_rows": payload}).execute().data
            ids = [str(i) for i in data["added"]]
            self.rest.undo.append(functools.partial(self._forget_all, ids))
            added += len(ids)
            present += int(data["staged"]) - len(ids)
        kept = tuple(errors[:ERRORS_KEPT])
        return MergeCounts(added=added, present=present, errors=kept, error_count=len(errors))

    def _forget_all(self, ids: builtins.list[str]) -> None:
        for start in range(0, len(ids), 100):
            self.query().delete(returning="minimal").in_("id", ids[start : start + 100]).execute()


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
        rows = self._call("revideo_ad_breakdown", filter, by=by)
        return [_breakdown_row(r) for r in rows[:limit]]


def _ratio(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _breakdown_row(r: dict[str, Any]) -> BreakdownRow:
    q = r["ratios"]
    ratios = Ratios(*(_ratio(q[k]) for k in ("cpl", "ctr", "cpc", "cpm", "lead_rate")))
    return BreakdownRow(str(r["key"]), str(r["label"]), convert.totals(r["totals"]), ratios)
