"""Analytics: spend and leads over time, CPL by platform, success rate, usage cost; tables
per video, property, platform and (admins) user with CTR, CPC, CPM, lead rate and CPL; every
table exported as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_login import login_required

from revideo.domain.ads import AdPlatform
from revideo.domain.errors import ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import AdFilter, BreakdownRow, PropertyFilter, VideoFilter

from ._support import attempt, keep_args, svc, viewer
from .assets import plotly_version

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
    """The page's filters: date range, platform, property, video, user (admins only)."""
    platform = request.args.get("platform", "").strip().lower()
    if platform and platform not in PLATFORMS:
        raise ValidationError("platform", f"must be one of {', '.join(PLATFORMS)}")
    return AdFilter(
        date_from=_day("date_from"),
        date_to=_day("date_to"),
        platform=AdPlatform(platform) if platform else None,
        property_id=request.args.get("property", "").strip()[:64] or None,
        video_id=request.args.get("video", "").strip()[:64] or None,
        user_id=request.args.get("user", "").strip()[:64] or None,
    )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures(daily: list[Any], platforms: dict[AdPlatform, Any], summary: Any) -> dict[str, Any]:
    """The three charts as plotly figure specs (data + layout)."""
    days = [p.day.isoformat() for p in daily]
    layout: dict[str, Any] = {"margin": {"t": 30, "r": 10, "l": 50, "b": 40}, "height": 320}
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
            "margin": {**layout["margin"], "r": 50},  # room for the leads axis on the right
            # whole days, never hours; money from $0; leads are whole numbers from 0
            "xaxis": {"type": "date", "tickformat": "%b %d"}
            | ({"dtick": 86_400_000.0} if len(days) <= 14 else {}),
            "yaxis": {"title": {"text": "Spend ($)"}, "rangemode": "tozero", "tickprefix": "$"},
            "yaxis2": {
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "tickformat": ",d",
                "dtick": max(1, -(-max([p.totals.leads for p in daily] or [0]) // 5)),
                "title": {"text": "Leads"},
            },
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
    """Charts and cards under the chosen filters (a wrong filter is said above them,
    and the figures are shown unfiltered)."""
    me = viewer()
    chosen, errors = attempt(ad_filter)
    if chosen is not None:  # rules across fields (from after to) are the service's
        _, errors = attempt(lambda: svc().analytics.summary(me, chosen))
    f = AdFilter() if errors or chosen is None else chosen
    summary = svc().analytics.summary(me, f)
    daily = svc().analytics.daily(me, f)
    platforms = svc().analytics.by_platform(me, f)
    tables = {by: svc().analytics.breakdown(me, f, by, TABLE_ROWS) for by in _tables_for(me)}
    return render_template(
        "analytics/index.html",
        tables=tables,
        top=TABLE_ROWS,
        headings=TABLES,
        choices=_choices(me),
        summary=summary,
        daily=daily,
        platforms=platforms,
        charts=figures(daily, platforms, summary),
        platform_names=PLATFORMS,
        args=keep_args(request.args, "by", "fmt"),
        plotly_version=plotly_version(),
        errors=errors,
    ), (400 if errors else 200)


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else str(value)


@bp.get("/export.csv")
def export() -> Any:
    """The figures shown, as CSV (per day, per platform, and the totals)."""
    me, f = viewer(), ad_filter()
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


# ---- tables per video, property, platform, user; their CSV and XLSX ----------------

TABLE_ROWS = 50  # a page shows the biggest spenders; the exports hold every row
TABLES = {"video": "Video", "property": "Property", "platform": "Platform", "user": "User"}
COLUMNS = ("spend", "impressions", "clicks", "leads", "ctr", "cpc", "cpm", "lead_rate", "cpl")
_RISKY = ("=", "+", "-", "@", "\t", "\r")  # would start a spreadsheet formula


def _tables_for(me: Any) -> list[str]:
    return [by for by in TABLES if by != "user" or me.is_admin]


def _choices(me: Any) -> dict[str, list[tuple[str, str]]]:
    """What the property, video and (admin) user filters offer."""
    props = svc().properties.list(me, PropertyFilter(), PageRequest(1, 200)).items
    videos = svc().videos.list(me, VideoFilter(), PageRequest(1, 200)).items
    found = {
        "property": [(p.id, p.title) for p in props],
        "video": [(v.id, v.title) for v in videos],
    }
    if me.is_admin:
        found["user"] = [(u.id, u.email) for u in svc().users.list(me, PageRequest(1, 200)).items]
    return found


def _flat(rows: list[BreakdownRow]) -> Iterator[list[Any]]:
    for r in rows:
        t, q = r.totals, r.ratios
        yield [r.key, r.label, t.spend, t.impressions, t.clicks, t.leads,
               q.ctr, q.cpc, q.cpm, q.lead_rate, q.cpl]  # fmt: skip


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_RISKY) else text


def _csv(by: str, rows: list[BreakdownRow]) -> Iterator[str]:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([by, "label", *COLUMNS])
    for values in _flat(rows):
        values[1] = _safe(values[1])
        w.writerow(["" if v is None else v for v in values])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _xlsx(by: str, rows: list[BreakdownRow]) -> Any:
    from openpyxl import Workbook  # lazy: heavy
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(TABLES[by])
    sheet.append([by, "label", *COLUMNS])
    for values in _flat(rows):
        label = WriteOnlyCell(sheet, value=values[1])
        label.data_type = "s"  # a title starting with "=" stays text, never a formula
        sheet.append([values[0], label, *values[2:]])
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it)
    book.save(spool)
    spool.seek(0)
    return spool


@bp.get("/table/<by>.<fmt>")
def export_table(by: str, fmt: str) -> Any:
    """One table of the page (per video, property, platform or user) as CSV or XLSX."""
    me = viewer()
    if by not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    rows = svc().analytics.breakdown(me, ad_filter(), by)
    name = f"revideo-by-{by}.{fmt}"
    if fmt == "csv":
        disposition = {"Content-Disposition": f"attachment; filename={name}"}
        return Response(_csv(by, rows), mimetype="text/csv", headers=disposition)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(_xlsx(by, rows), mimetype=kind, as_attachment=True, download_name=name)
