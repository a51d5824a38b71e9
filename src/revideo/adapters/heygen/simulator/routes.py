"""Routing, key check, request faults, presigned files and webhook announcements."""

from __future__ import annotations

import functools
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import media, routes_v2, routes_v3
from .faults import REQUEST_KINDS
from .state import Job
from .wire import Request, Response, error, unauthorized

if TYPE_CHECKING:
    from .server import HeyGenSimulator

Handler = Callable[..., Response]
ROUTES: tuple[tuple[str, re.Pattern[str], Handler], ...] = tuple(
    (method, re.compile(f"^{pattern}$"), handler)
    for method, pattern, handler in (
        ("POST", "/v3/videos", routes_v3.create_video),
        ("GET", "/v3/videos", routes_v3.list_videos),
        ("GET", "/v3/videos/(?P<video_id>[^/]+)", routes_v3.get_video),
        ("GET", "/v3/avatars/looks", routes_v3.looks),
        ("GET", "/v3/voices", routes_v3.voices),
        ("GET", "/v3/users/me", routes_v3.users_me),
        ("POST", "/v3/webhooks/endpoints", routes_v3.add_endpoint),
        ("POST", "/v2/video/generate", routes_v2.generate),
        ("GET", "/v1/video_status.get", routes_v2.status),
        ("GET", "/v1/video.list", routes_v2.video_list),
        ("GET", "/v2/avatars", routes_v2.avatars),
        ("GET", "/v2/voices", routes_v2.voices),
        ("GET", "/v2/user/remaining_quota", routes_v2.quota),
        ("POST", "/v1/webhook/endpoint.add", routes_v2.add_endpoint),
        ("GET", "/v1/webhook/endpoint.list", routes_v2.list_endpoints),
        ("DELETE", "/v1/webhook/endpoint.delete", routes_v2.delete_endpoint),
        ("GET", "/v1/webhook/webhook.list", routes_v2.event_types),
    )
)
_FILE = re.compile(r"^/files/(?P<kind>video|thumb|caption)/(?P<id>[0-9a-f]+)\.(mp4|jpg|srt)$")
_PREVIEW = re.compile(r"^/files/preview/(?P<id>[^/]+)\.(?P<ext>jpg|mp4|mp3)$")
_TYPES = {"mp4": "video/mp4", "jpg": "image/jpeg", "mp3": "audio/mpeg", "srt": "text/plain"}


def dispatch(sim: HeyGenSimulator, req: Request) -> Response:
    if req.path.startswith("/files/"):
        return files(sim, req)
    if not _authorized(sim, req):
        return unauthorized(req.path)
    for method, pattern, handler in ROUTES:
        found = pattern.match(req.path)
        if found and method == req.method:
            run = functools.partial(handler, sim, req, **found.groupdict())
            if (method, req.path) == ("POST", "/v3/videos"):
                return _idempotent(sim, req, run)
            return _with_faults(sim, req, run)[0]
    return error(req.path, 404, "not_found", f"No route {req.method} {req.path}")


_KEY = re.compile(r"^[A-Za-z0-9_:.-]{1,255}$")


def _idempotent(sim: HeyGenSimulator, req: Request, run: Callable[[], Response]) -> Response:
    """`Idempotency-Key` on a create (heygen-v3.md §7 [C]): the same key within 24 h
    replays the first answer; while the first call still runs: 409 request_in_progress."""
    key = req.headers.get("idempotency-key")
    if key is None:
        return _with_faults(sim, req, run)[0]
    if not _KEY.match(key):
        msg = "Idempotency-Key: 1-255 of [A-Za-z0-9_:.-]"
        return error(req.path, 400, "invalid_parameter", msg)
    earlier = sim.state.claim_key(key)
    if earlier is not None:
        if time.monotonic() < earlier.running_until:
            msg = "A request with this Idempotency-Key is still in progress; retry later"
            return error(req.path, 409, "request_in_progress", msg)
        return Response(earlier.status, earlier.body)
    try:
        sent, effect = _with_faults(sim, req, run)
    except BaseException:
        sim.state.forget_key(key)
        raise
    if effect is None:
        sim.state.forget_key(key)
    else:
        sim.state.settle_key(key, effect.status, effect.body, sent.after)
    return sent


def _authorized(sim: HeyGenSimulator, req: Request) -> bool:
    given = req.headers.get("x-api-key") or ""
    bearer = req.headers.get("authorization", "")
    if not given and bearer.lower().startswith("bearer "):
        given = bearer[7:]
    return bool(given) and given == sim.api_key


def _with_faults(
    sim: HeyGenSimulator, req: Request, run: Callable[[], Response]
) -> tuple[Response, Response | None]:
    """(what the caller gets, the answer the request took effect with, None if it did not)."""
    fault = sim.faults.take(REQUEST_KINDS, req.method, req.path)
    if fault is None:
        answer = run()
        return answer, (answer if answer.status != 429 else None)
    if fault.kind == "rate_limit":
        code: str | int = "rate_limit_exceeded" if req.path.startswith("/v3/") else 400140
        resp = error(req.path, 429, code, "Exceed rate limit", detail="Too many requests")
        return Response(429, resp.body, headers={"Retry-After": str(fault.retry_after)}), None
    if fault.kind == "server_error":
        return error(req.path, fault.status, "internal_error", "Internal server error"), None
    answer = run()  # slow / error_after_accept: the request takes effect
    if fault.kind == "slow":
        slow = Response(answer.status, answer.body, headers=answer.headers, after=fault.seconds)
        return slow, answer
    return error(req.path, fault.status, "internal_error", "Internal server error"), answer


def files(sim: HeyGenSimulator, req: Request) -> Response:
    """Presigned render files (403 when the signature is wrong or expired) and previews."""
    folder = sim.media_dir or media.default_dir()
    if req.path == "/files/redirect":  # a CDN hop before the file (optional, see links())
        target = req.query.get("to", "")
        if not target.startswith(sim.base_url + "/files/"):
            return _denied("NoSuchKey", "The specified key does not exist.", 404)
        return Response(302, b"", "text/html", headers={"Location": target})
    preview = _PREVIEW.match(req.path)
    if preview:
        return _preview(folder, preview["ext"])
    found = _FILE.match(req.path)
    if not found:
        return _denied("NoSuchKey", "The specified key does not exist.", 404)
    expires = req.query.get("Expires", "")
    signature = req.query.get("Signature", "")
    if not expires.isdigit() or signature != sim.signature(req.path, int(expires)):
        return _denied("AccessDenied", "Access Denied")
    if sim.clock.now() > int(expires):
        return _denied("AccessDenied", "Request has expired")
    job = sim.state.jobs.get(found["id"])
    if job is None or job.state != "completed":
        return _denied("NoSuchKey", "The specified key does not exist.", 404)
    return _render_file(folder, job, found["kind"])


def _render_file(folder: Path, job: Job, kind: str) -> Response:
    if kind == "caption":
        srt = f"1\n00:00:00,000 --> 00:00:02,000\n{job.script[:80]}\n"
        return Response(200, srt.encode(), "text/plain; charset=utf-8")
    make = media.video if kind == "video" else media.thumbnail
    ext = "mp4" if kind == "video" else "jpg"
    return Response(200, make(folder, job.width, job.height).read_bytes(), _TYPES[ext])


def _preview(folder: Path, ext: str) -> Response:
    if ext == "mp3":
        path = media.voice_sample(folder)
    else:
        path = (media.video if ext == "mp4" else media.thumbnail)(folder, 1280, 720)
    return Response(200, path.read_bytes(), _TYPES[ext])


def _denied(code: str, message: str, status: int = 403) -> Response:
    xml = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return Response(status, xml.encode(), "application/xml")


def announce(sim: HeyGenSimulator, job: Job) -> None:
    """Send the render's terminal event to subscribed endpoints (signed) and callback_url."""
    event = _event(sim, job)
    kind = str(event["event_type"])
    with sim.state.lock:
        endpoints = list(sim.state.endpoints.values())
    extra = sim.faults.take(frozenset({"unsolicited_webhook"}))
    for ep in endpoints:
        if ep.wants(kind):
            sim.deliverer.send(ep.url, event, ep.secret)
        if extra is not None:
            gif = {"video_id": job.id, "url": None, "callback_id": job.callback_id}
            unasked = {"event_type": "avatar_video_gif.success", "event_data": gif}
            sim.deliverer.send(ep.url, unasked, ep.secret)
    if job.callback_url:
        sim.deliverer.send(job.callback_url, event, None)


def _event(sim: HeyGenSimulator, job: Job) -> dict[str, Any]:
    data: dict[str, Any] = {"video_id": job.id, "callback_id": job.callback_id}
    if job.state == "completed":
        data["url"] = sim.links(job)["video"]
        kind = "avatar_video.success"
    else:
        data["msg"] = (job.error or {}).get("detail") or "Video generation failed"
        kind = "avatar_video.fail"
    if job.version == "v2":
        return {"event_type": kind, "event_data": data}
    data["status"] = job.state
    created = datetime.now(UTC).isoformat()
    return {
        "event_id": uuid.uuid4().hex,
        "event_type": kind,
        "event_data": data,
        "created_at": created,
    }
