"""Ad performance: a table per video and platform; add, edit, delete and import records.

An uploaded report is kept in the media store's private staging area between its preview and
its commit, so the commit never asks for the file again, whichever web host answers it (see
_staging: bounded, expiring, always deleted when reading it fails).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain._checks import build_all
from revideo.domain.ads import AdInput, AdRecord
from revideo.domain.errors import Forbidden, FormErrors, ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.parsing import is_ascii_digits
from revideo.ports.repositories import AdFilter, VideoFilter
from revideo.services.ad_import import ImportRejected, ImportReport
from revideo.services.properties import check_submission_key

from . import _staging
from ._support import actor, attempt, keep_args, owners, page_request, svc, viewer
from .analytics import PLATFORMS, ad_filter

bp = Blueprint("ads", __name__, url_prefix="/ads")
bp.before_request(login_required(lambda: None))
IMPORT_PLATFORMS = ("meta", "google", "youtube")
FIELDS = ("video_id", "platform", "date_recorded", "spend_amount", "impressions", "clicks", "leads")


def _videos() -> list[Any]:
    me = actor()
    page = svc().videos.list(me, VideoFilter(), PageRequest(1, 200))
    return [v for v in page.items if me.can_write(v.user_id)]


def _titles() -> dict[str, str]:
    page = svc().videos.list(viewer(), VideoFilter(), PageRequest(1, 200))
    return {v.id: v.title for v in page.items}


@bp.get("/")
def index() -> Any:
    """Ad rows, filtered by video, platform and dates, with their totals."""
    f = ad_filter()
    page = svc().ads.list(viewer(), f, page_request(25))
    return render_template(
        "ads/list.html",
        page=page,
        owners=owners(),
        totals=svc().analytics.summary(viewer(), f).ads,
        titles=_titles(),
        platforms=PLATFORMS,
        args=keep_args(request.args, page=None),
    )


def _input() -> AdInput:
    values = {name: request.form.get(name, "").strip()[:100] for name in FIELDS}
    for name in ("spend_amount", "impressions", "clicks", "leads"):
        values[name] = values[name] or "0"
    try:
        data = build_all(AdInput, **values)
    except FormErrors as exc:
        errors = exc.errors
    else:
        if values["video_id"]:
            return data
        errors = {}
    if not values["video_id"]:
        errors = {"video_id": "choose a video", **errors}
    raise FormErrors(errors)


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
        today = svc().ads.ctx.clock().date().isoformat()  # the usual case: today's figures
        start = {"video_id": request.args.get("video", ""), "platform": "manual"}
        return _form(None, {**start, "date_recorded": today}, {})
    key, key_errors = attempt(_submission_key)
    if key and svc().ads.by_submission(actor(), key) is not None:  # the same form again
        return redirect(url_for("ads.index"))
    data, errors = attempt(_input)
    if data is not None and key:
        _, errors = attempt(lambda: svc().ads.add(actor(), data, key))
    if errors or key_errors:
        return _form(None, dict(request.form), {**errors, **key_errors}), 400
    flash("Ad figures saved.", "success")
    return redirect(url_for("ads.index"))


def _submission_key() -> str:
    key = check_submission_key(request.form.get("submission_key", ""))
    if key is None:
        raise ValidationError("submission_key", "the form is out of date: reload it")
    return key


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


# ---- import: upload, preview, commit -------------------------------------------


def _lines() -> dict[int, str]:
    """The per-row video choices of the preview form (`line-<n>` = video id)."""
    mine = {v.id for v in _videos()}
    chosen = {}
    for name, value in request.form.items():
        line = name.removeprefix("line-")
        if line != name and is_ascii_digits(line) and len(line) < 10 and value in mine:
            chosen[int(line)] = value
    return chosen


def _preview_page(token: str, meta: dict[str, Any], report: ImportReport, **extra: Any) -> str:
    posted = request.method == "POST" and request.form.get("action") is not None
    return render_template(
        "ads/import_preview.html",
        token=token,
        meta=meta,
        report=report,
        videos=_videos(),
        titles=_titles(),
        chosen={str(k): v for k, v in _lines().items()} if request.method == "POST" else {},
        # ticked by default; a re-previewed form keeps what the user left
        skip=request.form.get("skip_errors") == "on" if posted else True,
        **extra,
    )


@bp.route("/import", methods=["GET", "POST"])
def import_upload() -> Any:
    """Upload a Meta or Google Ads report; show what importing it would do."""
    if request.method == "GET":
        return render_template("ads/import.html", errors={}, platforms=IMPORT_PLATFORMS)
    upload = request.files.get("file")
    platform = request.form.get("platform", "").strip().lower()
    if upload is None or not upload.filename:
        errors = {"file": "choose a report file"}
        return render_template("ads/import.html", errors=errors, platforms=IMPORT_PLATFORMS), 400
    token = _staging.keep(upload, platform, request.content_length or 0)
    return _run_preview(token)


def _refused(e: ValidationError) -> Any:
    errors = {e.field: e.message}
    return render_template("ads/import.html", errors=errors, platforms=IMPORT_PLATFORMS), 400


def _run_preview(token: str) -> Any:
    meta = _staging.kept(token)
    try:
        with _staging.reading(token) as stream:
            report = svc().ad_import.preview(
                actor(), stream, meta.get("platform") or None, None, _lines(),
                file_name=meta.get("filename", ""),
            )  # fmt: skip
    except ValidationError as e:
        return _refused(e)
    return _preview_page(token, meta, report)


@bp.post("/import/<token>")
def import_commit(token: str) -> Any:
    """Preview again with the chosen videos, or import the kept file in one transaction."""
    if request.form.get("action") != "commit":
        return _run_preview(token)
    meta = _staging.kept(token)
    skip = request.form.get("skip_errors") == "on"
    try:
        with _staging.reading(token) as stream:
            report = svc().ad_import.commit(
                actor(), stream, meta.get("platform") or None, None, _lines(), skip_errors=skip,
                file_name=meta.get("filename", ""),
            )  # fmt: skip
    except ImportRejected as e:
        return _preview_page(token, meta, e.report, rejected=str(e.message)), 400
    except ValidationError as e:
        return _refused(e)
    _staging.discard(token)
    if report.duplicate_of is not None:
        flash("This file was imported already: nothing changed.", "info")
        return redirect(url_for("ads.import_detail", import_id=report.duplicate_of.id))
    flash(
        f"Imported: added {report.added}, updated {report.updated}"
        f" ({report.unchanged + report.older} unchanged or older).",
        "success",
    )
    return redirect(url_for("ads.import_detail", import_id=report.import_id))


# ---- import history and undo --------------------------------------------------------


@bp.get("/imports")
def imports() -> Any:
    """Every imported report, newest first."""
    page = svc().ad_import.imports(actor(), page_request(25))
    return render_template("ads/imports.html", page=page, args=keep_args(request.args, page=None))


@bp.get("/imports/<import_id>")
def import_detail(import_id: str) -> Any:
    """One import: its file, what it added or updated, its flagged rows, the rows it holds."""
    found = svc().ad_import.get(actor(), import_id)
    rows = svc().ads.list(actor(), AdFilter(import_id=found.id), page_request(50))
    return render_template(
        "ads/import_detail.html", imp=found, rows=rows, titles=_titles(),
        args=keep_args(request.args, page=None),
    )  # fmt: skip


@bp.post("/imports/<import_id>/undo")
def import_undo(import_id: str) -> Any:
    """Undo a whole import: what it replaced comes back, what it added goes."""
    done = svc().ad_import.undo(actor(), import_id)
    flash(
        f"Import undone: {done.restored} rows got their earlier figures back,"
        f" {done.removed} rows removed.",
        "success",
    )
    return redirect(url_for("ads.import_detail", import_id=import_id))


@bp.post("/import/<token>/cancel")
def import_cancel(token: str) -> Any:
    """Forget an uploaded report."""
    _staging.kept(token)
    _staging.discard(token)
    flash("Import cancelled.", "info")
    return redirect(url_for("ads.index"))
