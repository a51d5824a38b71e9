"""The dashboard: videos by status, recent videos, the money cards."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from revideo.domain.page import PageRequest
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import PropertyFilter, VideoFilter

from ._support import svc, viewer

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home() -> Any:
    """Signed in: the dashboard; else the sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("auth.login"))


@bp.get("/dashboard")
@login_required  # type: ignore[untyped-decorator]
def index() -> Any:
    """Counts, recent videos and spend/leads/CPL/success-rate cards."""
    me = viewer()
    summary = svc().analytics.summary(me)
    properties = svc().properties.list(me, PropertyFilter(), PageRequest(1, 1)).total
    recent = svc().videos.list(me, VideoFilter(), PageRequest(1, 5)).items
    return render_template(
        "dashboard.html",
        summary=summary,
        statuses=list(VideoStatus),
        properties=properties,
        recent=recent,
    )
