"""Pieces both HeyGen API versions share: sizes, backgrounds, lenient field reads."""

from __future__ import annotations

from typing import Any

import attrs

from revideo.domain.errors import EngineOutcomeUnknown, EngineRejected, EngineUnavailable
from revideo.domain.failure import FailureKind
from revideo.domain.video import AspectRatio, EngineReport, VideoStatus
from revideo.ports.video_engine import RenderRequest

TALKING_PHOTO = "talking_photo:"
VIDEO_EVENTS = ("avatar_video.success", "avatar_video.fail")
RESOLUTIONS = ("720p", "1080p", "4k")

# Short edge in pixels for each resolution preset (4k capped at v2's 4096 limit).
_SHORT_EDGE = {"720p": 720, "1080p": 1080, "4k": 2160}

STATUSES = {
    "waiting": VideoStatus.PENDING,
    "pending": VideoStatus.PENDING,
    "queued": VideoStatus.PENDING,
    "processing": VideoStatus.PROCESSING,
    "rendering": VideoStatus.PROCESSING,
    "completed": VideoStatus.COMPLETED,
    "success": VideoStatus.COMPLETED,
    "failed": VideoStatus.FAILED,
    "error": VideoStatus.FAILED,
}


@attrs.frozen
class WebhookEndpoint:
    """A registered webhook endpoint; `secret` signs its deliveries."""

    endpoint_id: str
    url: str
    secret: str | None
    events: tuple[str, ...] | None = None
    status: str = ""


def dimension(ratio: AspectRatio, resolution: str) -> tuple[int, int]:
    """Width and height in pixels for a ratio preset at a resolution preset."""
    short = _SHORT_EDGE[check_resolution(resolution)]
    long = short * 16 // 9
    if ratio is AspectRatio.PORTRAIT:
        return short, long
    if ratio is AspectRatio.SQUARE:
        return short, short
    return long, short


def check_resolution(resolution: str) -> str:
    if resolution not in RESOLUTIONS:
        raise EngineRejected("invalid_request", f"resolution must be one of {RESOLUTIONS}")
    return resolution


def background(request: RenderRequest, index: int = 0) -> dict[str, Any]:
    """The property photo for scene `index` (cycling), else the background colour."""
    if request.photos:
        return {"type": "image", "url": request.photos[index % len(request.photos)].url}
    return {"type": "color", "value": request.background_color}


def avatar_ref(avatar_id: str) -> tuple[str, bool]:
    """HeyGen's id, and whether our id marks it a talking photo."""
    if avatar_id.startswith(TALKING_PHOTO):
        return avatar_id[len(TALKING_PHOTO) :], True
    return avatar_id, False


def data_of(payload: Any) -> dict[str, Any]:
    """The `data` object of a success body; EngineUnavailable if it is not one."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise EngineUnavailable("HeyGen answered without the expected `data` object")
    return data


def text(d: dict[str, Any], *keys: str) -> str | None:
    """The first non-empty string among `keys`."""
    for key in keys:
        value = d.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def number(d: dict[str, Any], key: str) -> float | None:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def size(d: dict[str, Any]) -> tuple[int | None, int | None]:
    """Actual pixel size when the answer carries it (`dimension` or width/height)."""
    dim = d.get("dimension")
    source = dim if isinstance(dim, dict) else d
    w, h = number(source, "width"), number(source, "height")
    return (int(w) if w else None), (int(h) if h else None)


def build_report(
    video_id: str, d: dict[str, Any], error: str | None, failure: FailureKind | None = None
) -> EngineReport:
    """An EngineReport from a status object (v1 or v3 field names)."""
    status = STATUSES.get(str(d.get("status", "")).lower(), VideoStatus.PENDING)
    width, height = size(d)
    done = status is VideoStatus.COMPLETED
    return EngineReport(
        engine_video_id=video_id,
        status=status,
        video_url=text(d, "video_url", "url") if done else None,
        thumbnail_url=text(d, "thumbnail_url") if done else None,
        duration=number(d, "duration"),
        width=width,
        height=height,
        caption_url=text(d, "caption_url", "subtitle_url", "captioned_video_url"),
        error=(error or "the render failed") if status is VideoStatus.FAILED else None,
        handle=text(d, "callback_id"),
        failure=failure if status is VideoStatus.FAILED else None,
    )


def endpoint_from(d: dict[str, Any]) -> WebhookEndpoint:
    events = d.get("events")
    return WebhookEndpoint(
        endpoint_id=text(d, "endpoint_id", "id") or "",
        url=text(d, "url") or "",
        secret=text(d, "secret"),
        events=tuple(str(e) for e in events) if isinstance(events, list) else None,
        status=text(d, "status") or "",
    )


def scenes(script: str, limit: int) -> list[str]:
    """Split a script into pieces of at most `limit` characters, at sentence ends if possible."""
    pieces: list[str] = []
    current = ""
    for word in _sentences_then_words(script, limit):
        joined = f"{current} {word}" if current else word
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces or [script]


def _sentences_then_words(script: str, limit: int) -> list[str]:
    import re

    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", script.strip()):
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        for word in sentence.split():
            out.extend(word[i : i + limit] for i in range(0, len(word), limit))
    return [s for s in out if s]


def created_id(payload: Any, handle: str) -> str:
    """The new video id; EngineOutcomeUnknown if an accepted answer lacks it."""
    data = payload.get("data") if isinstance(payload, dict) else None
    video_id = text(data, "video_id", "id") if isinstance(data, dict) else None
    if not video_id:
        raise EngineOutcomeUnknown(handle, "HeyGen accepted the request but sent no video id")
    return video_id
