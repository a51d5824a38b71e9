"""/api/v1/ads and /api/v1/analytics: ad figures, report imports, the summary."""

from __future__ import annotations

import io
from typing import Any

from flask import request

from revideo.domain.ads import AdInput
from revideo.domain.page import PageRequest
from revideo.ports.repositories import AdFilter

from .._support import svc
from . import bp
from ._core import Problem, api_actor, body, idempotency_key, out, query
from .models import (
    AdIn,
    AdOut,
    AdPage,
    AdQuery,
    AnalyticsQuery,
    Breakdown,
    BreakdownQuery,
    ImportOut,
    ImportUpload,
    SummaryOut,
)
from .properties import page_of
from .spec import operation

TAG = "ads"


def _filter(q: AdQuery | AnalyticsQuery) -> AdFilter:
    return AdFilter(
        date_from=q.date_from,
        date_to=q.date_to,
        platform=q.platform,
        property_id=None if q.property_id is None else str(q.property_id),
        video_id=None if q.video_id is None else str(q.video_id),
    )


@operation(
    bp, "POST", "/ads", tag=TAG, body=AdIn, idempotent_create=True,
    responses={201: AdOut, 200: AdOut},
)  # fmt: skip
def create_ad() -> Any:
    """Record a day's figures of a video's ads on one platform."""
    data = body(AdIn)
    key = idempotency_key()
    before = svc().ads.by_submission(api_actor(), key) if key else None
    if before is not None:
        return out(AdOut, before)
    record = svc().ads.add(api_actor(), AdInput(**data.model_dump()), key)
    return out(AdOut, record, 201)


@operation(bp, "GET", "/ads", tag=TAG, query=AdQuery, responses={200: AdPage})
def list_ads() -> Any:
    """List ad figures, newest day first."""
    q = query(AdQuery)
    found = svc().ads.list(api_actor(), _filter(q), PageRequest(q.page, q.per_page))
    return out(AdPage, page_of(list(found.items), found.total, q))


@operation(bp, "POST", "/ads/imports", tag=TAG, multipart=ImportUpload, responses={201: ImportOut})
def import_report() -> Any:
    """Import a platform's report file (CSV or XLSX; multipart field `file`)."""
    upload = request.files.get("file")
    if upload is None:
        raise Problem(400, "attach the report as the multipart field file", "file")
    platform = request.form.get("platform") or None
    stream = io.BytesIO(upload.read())  # within MAX_CONTENT_LENGTH
    report = svc().ad_import.commit(api_actor(), stream, platform, file_name=upload.filename or "")
    return out(ImportOut, report, 201)


@operation(
    bp, "GET", "/analytics/summary", tag="analytics", query=AnalyticsQuery,
    responses={200: SummaryOut},
)  # fmt: skip
def analytics_summary() -> Any:
    """Spend, impressions, clicks, leads, their ratios, videos by status, render cost."""
    summary = svc().analytics.summary(api_actor(), _filter(query(AnalyticsQuery)))
    ads = summary.ads
    return out(
        SummaryOut,
        {
            "ads": ads,
            "cpl": ads.cpl,
            "ctr": ads.ctr,
            "cpc": ads.cpc,
            "cpm": ads.cpm,
            "videos_by_status": {s.value: n for s, n in summary.videos_by_status.items()},
            "usage_cost": summary.usage_cost,
            "success_rate": summary.success_rate,
        },
    )


@operation(
    bp, "GET", "/analytics/breakdown", tag="analytics", query=BreakdownQuery,
    responses={200: Breakdown},
)  # fmt: skip
def analytics_breakdown() -> Any:
    """Ad totals and ratios per video, property, platform or day."""
    q = query(BreakdownQuery)
    rows = svc().analytics.breakdown(api_actor(), _filter(q), q.by, q.limit)
    return out(Breakdown, {"items": rows})
