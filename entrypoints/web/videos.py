"""Videos: list with filters, detail with player and live status, retry, download."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from revideo.domain.errors import EngineError, NotFound, ValidationError
from revideo.domain.video import Video, VideoPurpose, VideoStatus, parse_enum
from revideo.ports.media_store import VIDEOS_BUCKET
from revideo.ports.repositories import VideoFilter

from ._support import actor, keep_args, owners, page_request, svc, viewer

bp = Blueprint("videos", __name__, url_prefix="/videos")
bp.before_request(login_required(lambda: None))
STATUSES = [s.value for s in VideoStatus]


def _filter() -> VideoFilter:
    status = request.args.get("status", "").strip()
    purpose = request.args.get("purpose", "").strip()
    return VideoFilter(
        status=parse_enum("status", VideoStatus, status) if status else None,
        purpose=parse_enum("purpose", VideoPurpose, purpose) if purpose else None,
        property_id=request.args.get("property", "").strip()[:64] or None,
        search=request.args.get("q", "").strip()[:200],
    )


@bp.get("/")
def index() -> Any:
    """List videos with status badges, filtered by status, purpose, property or text."""
    page = svc().videos.list(viewer(), _filter(), page_request())
    return render_template(
        "videos/list.html",
        page=page,
        statuses=STATUSES,
        owners=owners(),
        args=keep_args(request.args, page=None),
    )


def status_json(video: Video) -> dict[str, Any]:
    """What the status poll answers: the video's state and its render attempts."""
    jobs = svc().videos.jobs(actor(), video.id)
    return {
        "id": video.id,
        "status": video.status.value,
        "in_flight": video.status.in_flight,
        "error_message": video.error_message,
        "video_url": video.video_url,
        "thumbnail_url": video.thumbnail_url,
        "updated_at": video.updated_at.isoformat() if video.updated_at else None,
        "jobs": [
            {
                "attempt": j.attempt_count,
                "status": j.status.value,
                "started_at": j.started_at.isoformat(),
                "completed_at": j.completed_at.isoformat() if j.completed_at else None,
                "cost_credits": str(j.cost_credits) if j.cost_credits is not None else None,
                "error_message": j.error_message,
                "failure_kind": j.failure_kind.value if j.failure_kind else None,
            }
            for j in jobs
        ],
    }


@bp.get("/<video_id>")
def detail(video_id: str) -> Any:
    """A video: player, script, status timeline, actions."""
    me = actor()
    video = svc().videos.get(me, video_id)
    try:
        prop = svc().properties.get(me, video.property_id)
    except NotFound:
        prop = None
    return render_template(
        "videos/detail.html",
        video=video,
        prop=prop,
        state=status_json(video),
        mine=me.can_write(video.user_id),
        **_presenter_names(video),
    )


@bp.get("/<video_id>/live")
def live(video_id: str) -> Any:
    """What the open video page polls: the status, and the part of the page that
    changes with it, rendered by the same template as a fresh load."""
    me = actor()
    video = svc().videos.get(me, video_id)
    state = status_json(video)
    html = render_template(
        "videos/_live.html", video=video, state=state, mine=me.can_write(video.user_id)
    )
    saving = video.status is VideoStatus.COMPLETED and video.archived_at is None
    return jsonify({**state, "html": html, "settled": not (state["in_flight"] or saving)})


def _presenter_names(video: Video) -> dict[str, str]:
    """The avatar's and voice's names (their ids where the engine no longer lists them)."""
    try:
        avatars = {a.id: a.name for a in svc().engine.avatars()}
        voices = {v.id: v.name for v in svc().engine.voices()}
    except EngineError:
        avatars, voices = {}, {}
    return {
        "avatar_name": avatars.get(video.avatar_id, video.avatar_id or "—"),
        "voice_name": voices.get(video.voice_id, video.voice_id or "—"),
    }


@bp.post("/<video_id>/generate")
def generate(video_id: str) -> Any:
    """Start the render of a draft, or retry a failed video."""
    try:
        svc().videos.submit(actor(), video_id)
        flash("The render has started.", "success")
    except EngineError as exc:
        flash(f"The video engine refused: {exc}", "error")
    return redirect(url_for("videos.detail", video_id=video_id))


retry = generate
bp.add_url_rule("/<video_id>/retry", "retry", retry, methods=["POST"])


@bp.route("/<video_id>/delete", methods=["GET", "POST"])
def delete(video_id: str) -> Any:
    """Ask, then delete a video."""
    video = svc().videos.get(actor(), video_id)
    if request.method == "GET":
        return render_template("videos/delete.html", video=video)
    svc().videos.delete(actor(), video_id)
    flash(f"“{video.title}” is deleted.", "success")
    return redirect(url_for("videos.index"))


@bp.get("/<video_id>/download")
def download(video_id: str) -> Any:
    """The finished file, as an attachment when we keep it ourselves."""
    video = svc().videos.get(actor(), video_id)
    if video.status is not VideoStatus.COMPLETED or not video.video_url:
        raise ValidationError("status", "the video is not finished yet")
    local = getattr(svc().store, "local_path", None)
    if video.archived_at is not None and local is not None:
        path = local(VIDEOS_BUCKET, f"{video.user_id}/{video.id}.mp4")
        if path.is_file():
            name = f"{video.title[:60] or 'video'}.mp4"
            return send_file(path, mimetype="video/mp4", as_attachment=True, download_name=name)
    return redirect(video.video_url)
