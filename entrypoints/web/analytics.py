"""Analytics: spend and leads over time, CPL by platform, success rate, usage cost; CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import login_required

from revideo.domain.ads import AdPlatform
from revideo.domain.errors import ValidationError
from revideo.domain.video import VideoStatus
from revideo.entrypoints.web._support import actor, svc
from revideo.entrypoints.web.assets import plotly_version
from revideo.ports.repositories import AdFilter

bp = Blueprint("analytics", __name__, url_prefix="/analytics")
bp.before_request(login_required(lambda: None))
PLATFORMS = [p.value for p in AdPlatform]


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationError(name, "must be a date like 2026-11-25") from None


def ad_filter() -> AdFilter:
    """The page's filters: date range, platform, property, video."""
    platform = request.args.get("platform", "").strip().lower()
    if platform and platform not in PLATFORMS:
        raise ValidationError("platform", f"must be one of {', '.join(PLATFORMS)}")
    return AdFilter(
        date_from=_day("date_from"),
        date_to=_day("date_to"),
        platform=AdPlatform(platform) if platform else None,
        property_id=request.args.get("property", "").strip()[:64] or None,
        video_id=request.args.get("video", "").strip()[:64] or None,
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures(daily: list[Any], platforms: dict[AdPlatform, Any], summary: Any) -> dict[str, Any]:
    """The three charts as plotly figure specs (data + layout)."""
    days = [p.day.isoformat() for p in daily]
    layout = {"margin": {"t": 30, "r": 10, "l": 50, "b": 40}, "height": 320}
    over_time = {
        "data": [
            {
                "type": "bar",
                "name": "Spend ($)",
                "x": days,
                "y": [_num(p.totals.spend) for p in daily],
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Leads",
                "x": days,
                "y": [p.totals.leads for p in daily],
                "yaxis": "y2",
            },
        ],
        "layout": {
            **layout,
            "yaxis2": {"overlaying": "y", "side": "right"},
            "legend": {"orientation": "h"},
        },
    }
    names = [p.value for p in platforms]
    cpl = {
        "data": [
            {
                "type": "bar",
                "x": names,
                "y": [_num(t.cpl) for t in platforms.values()],
                "name": "CPL ($)",
            }
        ],
        "layout": layout,
    }
    statuses = [s for s in VideoStatus if summary.count(s)]
    videos = {
        "data": [
            {
                "type": "pie",
                "hole": 0.5,
                "labels": [s.value for s in statuses],
                "values": [summary.count(s) for s in statuses],
            }
        ],
        "layout": layout,
    }
    return {"over_time": over_time, "cpl": cpl, "videos": videos}


@bp.get("/")
def index() -> Any:
    """Charts and cards under the chosen filters."""
    me, f = actor(), ad_filter()
    summary = svc().analytics.summary(me, f)
    daily = svc().analytics.daily(me, f)
    platforms = svc().analytics.by_platform(me, f)
    return render_template(
        "analytics/index.html",
        summary=summary,
        daily=daily,
        platforms=platforms,
        charts=figures(daily, platforms, summary),
        platform_names=PLATFORMS,
        args={k: v for k, v in request.args.items() if v},
        plotly_version=plotly_version(),
    )


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else str(value)


@bp.get("/export.csv")
def export() -> Any:
    """The figures shown, as CSV (per day, per platform, and the totals)."""
    me, f = actor(), ad_filter()
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["section", "key", "spend", "impressions", "clicks", "leads", "cpl", "ctr", "value"])
    rows = [("day", p.day.isoformat(), p.totals) for p in svc().analytics.daily(me, f)]
    rows += [("platform", k.value, t) for k, t in svc().analytics.by_platform(me, f).items()]
    summary = svc().analytics.summary(me, f)
    rows.append(("total", "all", summary.ads))
    for section, key, t in rows:
        w.writerow(
            [section, key, t.spend, t.impressions, t.clicks, t.leads, _fmt(t.cpl), _fmt(t.ctr), ""]
        )
    blank = [""] * 6
    w.writerow(["videos", "success_rate", *blank, _fmt(summary.success_rate)])
    w.writerow(["videos", "render_success", *blank, _fmt(summary.render_success)])
    w.writerow(["videos", "usage_cost", *blank, summary.usage_cost])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=revideo-analytics.csv"},
    )
