"""/api/v1/videos and /api/v1/scripts, and the reference's POST /api/heygen/generate."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context

from revideo.domain.errors import NotFound
from revideo.domain.page import PageRequest
from revideo.ports.media_store import VIDEOS_BUCKET
from revideo.ports.repositories import VideoFilter
from revideo.services.videos import VideoInput

from .._support import svc
from . import bp, generate_bp
from ._core import api_actor, body, idempotency_key, out, query
from .models import ScriptIn, ScriptOut, TokenOut, VideoIn, VideoOut, VideoPage, VideoQuery
from .properties import page_of
from .spec import operation

TAG = "videos"


def _create() -> Any:
    data = body(VideoIn)
    video_input = VideoInput(
        property_id=data.property_id,
        title=data.title,
        script_content=data.script_content,
        avatar_id=data.avatar_id,
        voice_id=data.voice_id,
        purpose=data.purpose,
        aspect_ratio=data.aspect_ratio,
    )
    video, created = svc().videos.create(
        api_actor(), video_input, idempotency_key(), generate=data.generate
    )
    return out(VideoOut, video, 201 if created else 200)


@operation(
    bp, "POST", "/videos", tag=TAG, body=VideoIn, idempotent_create=True,
    responses={201: VideoOut, 200: VideoOut},
)  # fmt: skip
def create_video() -> Any:
    """Create a video and start its render (`generate: false` keeps a draft)."""
    return _create()


@operation(
    generate_bp, "POST", "/generate", tag=TAG, body=VideoIn, idempotent_create=True,
    responses={201: VideoOut, 200: VideoOut},
)  # fmt: skip
def generate() -> Any:
    """The reference's route: create a video and start its render (as POST /api/v1/videos)."""
    return _create()


@operation(bp, "GET", "/videos", tag=TAG, query=VideoQuery, responses={200: VideoPage})
def list_videos() -> Any:
    """List videos, newest first, with filters and paging."""
    q = query(VideoQuery)
    found = svc().videos.list(
        api_actor(),
        VideoFilter(
            status=q.status, property_id=_text(q.property_id), purpose=q.purpose, search=q.search
        ),
        PageRequest(q.page, q.per_page),
    )
    return out(VideoPage, page_of(list(found.items), found.total, q))


@operation(bp, "GET", "/videos/<video_id>", tag=TAG, responses={200: VideoOut})
def get_video(video_id: str) -> Any:
    """Read a video and where its render stands."""
    return out(VideoOut, svc().videos.get(api_actor(), video_id))


@operation(bp, "POST", "/videos/<video_id>/retry", tag=TAG, responses={200: VideoOut})
def retry_video(video_id: str) -> Any:
    """Start a new render attempt of a failed video."""
    return out(VideoOut, svc().videos.retry(api_actor(), video_id))


@operation(bp, "DELETE", "/videos/<video_id>", tag=TAG, responses={204: None})
def delete_video(video_id: str) -> Any:
    """Delete a video that is not rendering."""
    svc().videos.delete(api_actor(), video_id)
    return "", 204


@operation(bp, "GET", "/videos/<video_id>/file", tag=TAG, responses={200: None}, binary="video/mp4")
def download_video(video_id: str) -> Any:
    """Download the archived MP4 (404 until the video is archived)."""
    video = svc().videos.get(api_actor(), video_id)
    path = svc().videos.archived_file(api_actor(), video)
    if path is None:
        raise NotFound("archived file of video", video_id)
    chunks = svc().store.open(VIDEOS_BUCKET, path)
    return Response(stream_with_context(chunks), mimetype="video/mp4")


@operation(bp, "POST", "/scripts", tag="scripts", body=ScriptIn, responses={200: ScriptOut})
def write_script() -> Any:
    """Write a script for a property (template, or the configured LLM)."""
    data = body(ScriptIn)
    draft = svc().videos.write_script(
        api_actor(), data.property_id, data.purpose, tone=data.tone, language=data.language
    )
    return out(ScriptOut, draft)


@operation(bp, "GET", "/token", tag="tokens", responses={200: TokenOut})
def current_token() -> Any:
    """The token this request came with (to check it works)."""
    from flask import g

    return out(TokenOut, g.api_token)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
