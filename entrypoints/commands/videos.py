"""`revideo videos`: generate, list, show, retry and sync videos."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ._common import (
    acting,
    emit_json,
    friendly,
    json_option,
    plain,
    services,
    table,
    user_option,
)

STATUSES = ["draft", "pending", "processing", "completed", "failed"]


@click.group("videos")
def command() -> None:
    """Generate, list, retry and sync videos."""


@command.command("generate")
@click.argument("property_id")
@click.option("--title", help="Defaults to '<property> — video tour', numbered if taken ('… (2)').")
@click.option("--avatar", help="Avatar id (see `revideo engine avatars`); default: the first.")
@click.option("--voice", help="Voice id (see `revideo engine voices`); default: the avatar's "
              "own voice, else one in English of the avatar's gender.")  # fmt: skip
@click.option("--purpose", type=click.Choice(["sale", "rent"]), default="sale", show_default=True)
@click.option("--aspect", type=click.Choice(["16:9", "9:16", "1:1"]), default="16:9")
@click.option("--tone", type=click.Choice(["warm", "luxury", "concise"]), default="warm")
@click.option("--script", "script_file", type=click.Path(exists=True, path_type=Path),
              help="Read the script from a file instead of writing one.")  # fmt: skip
@click.option("--wait", is_flag=True, help="Follow the render until it ends.")
@user_option
@json_option
@friendly
def generate(
    property_id: str, title: str | None, avatar: str | None, voice: str | None, purpose: str,
    aspect: str, tone: str, script_file: Path | None, wait: bool, user_email: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Write a script and start rendering a video of a property."""
    from revideo.services.presenters import default_voice
    from revideo.services.videos import VideoInput

    from .properties import _full_id

    svc = services()
    actor = acting(user_email)
    prop = svc.properties.get(actor, _full_id(actor, property_id))
    if script_file is not None:
        script = script_file.read_text(encoding="utf-8").strip()
    else:
        script = svc.videos.write_script(actor, prop.id, purpose, tone=tone).text
    avatars = svc.engine.avatars()
    avatar = avatar or avatars[0].id
    chosen = next((a for a in avatars if a.id == avatar), None)
    data = VideoInput(
        prop.id,
        title or svc.videos.default_title(actor, prop.id),
        script,
        avatar,
        voice or default_voice(svc.engine.voices(), chosen),
        purpose,
        aspect,
    )
    video = svc.videos.submit(actor, svc.videos.create_draft(actor, data).id)
    if not as_json:
        click.echo(f"video {video.id} is {video.status.value} (engine id {video.engine_video_id})")
    if wait:
        video = _follow(actor, video.id, quiet=as_json)
    if as_json:
        emit_json(video)


def _follow(actor, video_id: str, *, quiet: bool):  # type: ignore[no-untyped-def]
    """Run the pipeline here until the video ends, printing each change."""

    def show(video) -> None:  # type: ignore[no-untyped-def]
        if not quiet:
            click.echo(f"  {time.strftime('%H:%M:%S')}  {video.status.value}")

    video = services().follow(actor, video_id, on_change=show)
    if video.error_message and not quiet:
        click.echo(f"  reason: {video.error_message}")
    return video


@command.command("list")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--property", "property_id")
@click.option("--page", default=1, show_default=True)
@user_option
@json_option
@friendly
def list_(
    status: str | None, property_id: str | None, page: int, user_email: str | None, as_json: bool
) -> None:
    """List videos, newest first."""
    from revideo.domain.page import PageRequest
    from revideo.domain.video import VideoStatus
    from revideo.ports.repositories import VideoFilter

    filt = VideoFilter(status=VideoStatus(status) if status else None, property_id=property_id)
    found = services().videos.list(acting(user_email), filt, PageRequest(page, 50))
    if as_json:
        emit_json({"total": found.total, "items": list(found.items)})
        return
    rows = [(v.id[:8], v.title, v.status, v.attempt_count, v.error_message) for v in found.items]
    table(rows, ["id", "title", "status", "attempts", "error"])
    click.echo(f"page {page} of {found.pages}, {found.total} in all")


@command.command("show")
@click.argument("video_id")
@user_option
@json_option
@friendly
def show(video_id: str, user_email: str | None, as_json: bool) -> None:
    """Show a video and its render attempts."""
    actor = acting(user_email)
    video = services().videos.get(actor, full_video_id(actor, video_id))
    jobs = services().videos.jobs(actor, video.id)
    if as_json:
        emit_json({"video": video, "jobs": jobs})
        return
    for key, value in plain(video).items():
        if key != "script_content":
            click.echo(f"{key:>16}  {'—' if value is None else value}")
    table(
        [(j.attempt_count, j.status, j.started_at, j.completed_at, j.cost_credits) for j in jobs],
        ["attempt", "status", "started", "ended", "credits"],
    )


@command.command("retry")
@click.argument("video_id")
@user_option
@json_option
@friendly
def retry(video_id: str, user_email: str | None, as_json: bool) -> None:
    """Render a failed video again (a new attempt)."""
    actor = acting(user_email)
    video = services().videos.retry(actor, full_video_id(actor, video_id))
    if as_json:
        emit_json(video)
    else:
        click.echo(f"video {video.id} is {video.status.value}, attempt {video.attempt_count}")


@command.command("sync")
@json_option
@friendly
def sync(as_json: bool) -> None:
    """One round: settle lost starts, poll in-flight renders, retry, archive finished files.

    Safe to run while workers run: videos are leased, never checked twice at once.
    """
    results = services().pipeline.run_round()
    if as_json:
        emit_json(results)
        return
    for name, r in results.items():
        later = f", {r.deferred} deferred (engine busy)" if r.deferred else ""
        click.echo(f"{name:>9}: {r.checked} checked, {r.changed} changed, {r.failed} failed{later}")


def full_video_id(actor, short: str) -> str:  # type: ignore[no-untyped-def]
    """Accept a full id or the 8-character prefix `videos list` shows."""
    if len(short) >= 32:
        return short
    from revideo.domain.errors import NotFound
    from revideo.domain.page import PageRequest
    from revideo.ports.repositories import VideoFilter

    found = services().videos.list(actor, VideoFilter(), PageRequest(1, 200)).items
    matches = [v.id for v in found if v.id.startswith(short.lower())]
    if len(matches) != 1 or not short:
        raise NotFound("video", short)
    return matches[0]
