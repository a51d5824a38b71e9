"""In-memory ad rows and the analytics over them (AdRepository, AnalyticsQueries)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from revideo.adapters.memory.ad_imports import InMemoryImports
from revideo.adapters.memory.database import Repo, Transaction, paginate
from revideo.domain import analytics
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.errors import Duplicate, NotFound
from revideo.domain.page import Page, PageRequest
from revideo.domain.video import Video, VideoStatus
from revideo.ports.repositories import (
    AdFilter,
    BreakdownBy,
    BreakdownRow,
    DailyPoint,
    Ratios,
)


class InMemoryAds(InMemoryImports):
    def get(self, record_id: str) -> AdRecord:
        return self.tx.find(self.t.ads, record_id, "ad record", lambda a: a.user_id)

    def add(self, record: AdRecord, submission_key: str | None = None) -> AdRecord:
        self.tx.check_insert(record.user_id, "ad record", record.id)
        video = self.t.videos.get(record.video_id)
        if video is None or video.user_id != record.user_id:
            raise NotFound("video", record.video_id)
        self._check_unique(record)
        self.tx.submit("ads", record.user_id, submission_key, record.id)
        now = self.tx.now()
        new = attrs.evolve(record, created_at=now, updated_at=now)
        self.t.ads[new.id] = new
        self.tx.stamp(new.id)
        return new

    def by_submission(self, submission_key: str) -> AdRecord | None:
        found = self.tx.submitted("ads", submission_key)
        return self.t.ads.get(found) if found else None

    def update(self, record: AdRecord) -> AdRecord:
        old = self.tx.writable(self.t.ads, record.id, "ad record", lambda a: a.user_id)
        video = self.t.videos.get(record.video_id)
        if video is None or video.user_id != old.user_id:
            raise NotFound("video", record.video_id)
        self._check_unique(record)
        new = attrs.evolve(
            record, user_id=old.user_id, created_at=old.created_at, updated_at=self.tx.now()
        )
        self.t.ads[new.id] = new
        return new

    def delete(self, record_id: str) -> None:
        self.tx.writable(self.t.ads, record_id, "ad record", lambda a: a.user_id)
        del self.t.ads[record_id]

    def list(self, filter: AdFilter, page: PageRequest) -> Page[AdRecord]:
        rows = filtered_ads(self.tx, filter)
        rows.sort(key=lambda a: (a.date_recorded, self.t.seq.get(a.id, 0)), reverse=True)
        return paginate(rows, page)

    def _check_unique(self, record: AdRecord) -> None:
        key = (record.video_id, record.platform, record.date_recorded)
        for other in self.t.ads.values():
            if (
                other.id != record.id
                and other.import_id is None
                and (other.video_id, other.platform, other.date_recorded) == key
            ):
                raise Duplicate("ad record", f"{key[1].value} {key[2].isoformat()}")


def filtered_ads(tx: Transaction, f: AdFilter) -> list[AdRecord]:
    """The visible ad rows that pass every part of the filter."""
    rows = tx.visible(tx.tables.ads.values(), lambda a: a.user_id)
    return [a for a in rows if _ad_matches(tx, a, f)]


def _ad_matches(tx: Transaction, ad: AdRecord, f: AdFilter) -> bool:
    if f.date_from is not None and ad.date_recorded < f.date_from:
        return False
    if f.date_to is not None and ad.date_recorded > f.date_to:
        return False
    if f.platform is not None and ad.platform is not f.platform:
        return False
    if f.video_id is not None and ad.video_id != f.video_id:
        return False
    if f.user_id is not None and ad.user_id != f.user_id:
        return False
    if f.import_id is not None and ad.import_id != f.import_id:
        return False
    if f.property_id is not None:
        video = tx.tables.videos.get(ad.video_id)
        return video is not None and video.property_id == f.property_id
    return True


class InMemoryAnalytics(Repo):
    def summary(self, filter: AdFilter) -> Summary:
        videos = [v for v in self.tx.visible(self.t.videos.values(), lambda v: v.user_id)]
        videos = [v for v in videos if _video_in_scope(v, filter)]
        by_status: dict[VideoStatus, int] = {}
        for video in videos:
            by_status[video.status] = by_status.get(video.status, 0) + 1
        ids = {v.id for v in videos}
        jobs = self.tx.visible(self.t.jobs.values(), lambda j: j.user_id)
        cost = sum((j.cost_credits or Decimal(0) for j in jobs if j.video_id in ids), Decimal(0))
        return Summary(
            ads=analytics.totals(filtered_ads(self.tx, filter)),
            videos_by_status=by_status,
            usage_cost=cost,
        )

    def daily(self, filter: AdFilter) -> list[DailyPoint]:
        days: dict = {}  # type: ignore[type-arg]
        for ad in filtered_ads(self.tx, filter):
            days.setdefault(ad.date_recorded, []).append(ad)
        return [DailyPoint(day, analytics.totals(rows)) for day, rows in sorted(days.items())]

    def by_platform(self, filter: AdFilter) -> dict[AdPlatform, AdTotals]:
        groups: dict[AdPlatform, list[AdRecord]] = {}
        for ad in filtered_ads(self.tx, filter):
            groups.setdefault(ad.platform, []).append(ad)
        return {p: analytics.totals(groups[p]) for p in AdPlatform if p in groups}

    def breakdown(
        self, filter: AdFilter, by: BreakdownBy, limit: int | None = None
    ) -> list[BreakdownRow]:
        groups: dict[str, list[AdRecord]] = {}
        for ad in filtered_ads(self.tx, filter):
            groups.setdefault(self._group(ad, by), []).append(ad)
        rows = []
        for key, ads in groups.items():
            t = analytics.totals(ads)
            ratios = Ratios(t.cpl, t.ctr, t.cpc, t.cpm, t.lead_rate)
            rows.append(BreakdownRow(key, self._label(key, by), t, ratios))
        return sorted(rows, key=lambda r: (-r.totals.spend, r.label, r.key))[:limit]

    def _group(self, ad: AdRecord, by: BreakdownBy) -> str:
        if by == "property":
            video = self.t.videos.get(ad.video_id)
            return video.property_id if video is not None else ""
        keys = {"video": ad.video_id, "platform": ad.platform.value, "user": ad.user_id}
        return keys.get(by) or ad.date_recorded.isoformat()

    def _label(self, key: str, by: BreakdownBy) -> str:
        if by == "user":
            profile = self.t.profiles.get(key)
            return profile.email if profile is not None else key
        if by in ("video", "property"):
            row = (self.t.videos if by == "video" else self.t.properties).get(key)
            return row.title if row is not None else key
        return key


def _video_in_scope(video: Video, f: AdFilter) -> bool:
    if f.video_id is not None and video.id != f.video_id:
        return False
    if f.property_id is not None and video.property_id != f.property_id:
        return False
    return f.user_id is None or video.user_id == f.user_id
