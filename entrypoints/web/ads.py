"""Ad performance: a table per video and platform; add, edit and delete records."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.ads import AdInput, AdRecord
from revideo.domain.errors import Forbidden, ValidationError
from revideo.domain.page import PageRequest
from revideo.entrypoints.web._support import actor, attempt, keep_args, page_request, svc
from revideo.entrypoints.web.analytics import PLATFORMS, ad_filter
from revideo.ports.repositories import VideoFilter

bp = Blueprint("ads", __name__, url_prefix="/ads")
bp.before_request(login_required(lambda: None))
FIELDS = ("video_id", "platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")


def _videos() -> list[Any]:
    me = actor()
    page = svc().videos.list(me, VideoFilter(), PageRequest(1, 200))
    return [v for v in page.items if me.can_write(v.user_id)]


def _titles() -> dict[str, str]:
    page = svc().videos.list(actor(), VideoFilter(), PageRequest(1, 200))
    return {v.id: v.title for v in page.items}


@bp.get("/")
def index() -> Any:
    """Ad rows, filtered by video, platform and dates, with their totals."""
    f = ad_filter()
    page = svc().ads.list(actor(), f, page_request(25))
    return render_template(
        "ads/list.html",
        page=page,
        totals=svc().analytics.summary(actor(), f).ads,
        titles=_titles(),
        platforms=PLATFORMS,
        args=keep_args(request.args, page=None),
    )


def _input() -> AdInput:
    values = {name: request.form.get(name, "").strip()[:100] for name in FIELDS}
    if not values["video_id"]:
        raise ValidationError("video_id", "choose a video")
    for name in ("spend_amount", "impressions", "clicks", "leads"):
        values[name] = values[name] or "0"
    return AdInput(**values)


def _form(record: AdRecord | None, values: dict[str, Any], errors: dict[str, str]) -> str:
    return render_template(
        "ads/form.html",
        record=record,
        v=values,
        errors=errors,
        videos=_videos(),
        platforms=PLATFORMS,
    )


def _values(record: AdRecord) -> dict[str, Any]:
    return {
        "video_id": record.video_id,
        "platform": record.platform.value,
        "date_recorded": record.date_recorded.isoformat(),
        "spend_amount": str(record.spend_amount),
        "impressions": record.impressions,
        "clicks": record.clicks,
        "leads": record.leads,
    }


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    """Record one video's figures on one platform and day."""
    if request.method == "GET":
        return _form(None, {"video_id": request.args.get("video", ""), "platform": "manual"}, {})
    data, errors = attempt(_input)
    if data is not None:
        _, errors = attempt(lambda: svc().ads.add(actor(), data))
    if errors:
        return _form(None, dict(request.form), errors), 400
    flash("Ad figures saved.", "success")
    return redirect(url_for("ads.index"))


@bp.route("/<record_id>/edit", methods=["GET", "POST"])
def edit(record_id: str) -> Any:
    """Correct a record."""
    record = svc().ads.get(actor(), record_id)
    if not actor().can_write(record.user_id):
        raise Forbidden("change", "ad record", record_id)
    if request.method == "GET":
        return _form(record, _values(record), {})
    data, errors = attempt(_input)
    if data is not None:
        _, errors = attempt(lambda: svc().ads.update(actor(), record_id, data))
    if errors:
        return _form(record, dict(request.form), errors), 400
    flash("Ad figures saved.", "success")
    return redirect(url_for("ads.index"))


@bp.route("/<record_id>/delete", methods=["GET", "POST"])
def delete(record_id: str) -> Any:
    """Ask, then delete a record."""
    record = svc().ads.get(actor(), record_id)
    if request.method == "GET":
        return render_template(
            "ads/delete.html", record=record, title=_titles().get(record.video_id)
        )
    svc().ads.delete(actor(), record_id)
    flash("Ad record deleted.", "success")
    return redirect(url_for("ads.index"))
