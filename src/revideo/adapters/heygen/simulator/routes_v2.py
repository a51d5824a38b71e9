"""The legacy v2/v1 paths of the simulator (heygen-api.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import state as st
from .routes_v3 import HEX
from .wire import Request, Response, error, invalid, ok

if TYPE_CHECKING:
    from .server import HeyGenSimulator

_AVATAR_IDS = {a[0] for a in st.AVATARS if a[3] == "avatar"}
_PHOTO_IDS = {a[0] for a in st.AVATARS if a[3] == "talking_photo"}
_VOICE_IDS = st.ALL_VOICE_IDS


def generate(sim: HeyGenSimulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return invalid(req.path, "body", "must be a JSON object")
    scenes = body.get("video_inputs")
    if not isinstance(scenes, list) or not 1 <= len(scenes) <= 50:
        return invalid(req.path, "video_inputs", "must hold 1 to 50 scenes")
    seconds = 0.0
    for i, scene in enumerate(scenes):
        problem = _scene_problem(sim, req.path, i, scene)
        if problem is not None:
            return problem
        seconds += _scene_seconds(scene)
    width, height, problem = _dimension(req.path, body.get("dimension"))
    if problem is not None:
        return problem
    test = bool(body.get("test"))
    if test and sim.state.tests_today >= sim.state.test_daily_limit:
        return error(req.path, 400, 400140, "Exceed rate limit", detail="Daily rate limit exceeded")
    if not test and st.cost("v2", "avatar_iii", seconds) > sim.state.credits:
        return error(req.path, 402, "insufficient_credit", "Insufficient credit")
    job = sim.state.add_job(
        "v2",
        title=str(body.get("title") or ""),
        callback_id=body.get("callback_id"),
        callback_url=body.get("callback_url"),
        width=width,
        height=height,
        seconds=round(seconds, 2),
        script=" ".join(str((s.get("voice") or {}).get("input_text", "")) for s in scenes),
        test=test,
        caption=bool(body.get("caption")),
        engine="avatar_iii",
    )
    return ok({"error": None, "data": {"video_id": job.id}})


def _scene_problem(sim: HeyGenSimulator, path: str, i: int, scene: Any) -> Response | None:
    where = f"video_inputs.{i}"
    if not isinstance(scene, dict):
        return invalid(path, where, "must be an object")
    char = scene.get("character") or {}
    if char.get("type") == "avatar" and char.get("avatar_id") not in _AVATAR_IDS:
        msg = f"Avatar {char.get('avatar_id')} not found or no longer available."
        return error(path, 400, "avatar_not_found", msg)
    if char.get("type") == "talking_photo" and char.get("talking_photo_id") not in _PHOTO_IDS:
        msg = f"Talking photo {char.get('talking_photo_id')} not found"
        return error(path, 400, "talking_photo_not_found", msg)
    if char and char.get("type") not in ("avatar", "talking_photo"):
        return invalid(path, f"{where}.character.type", "must be avatar or talking_photo")
    return _voice_problem(sim, path, where, scene.get("voice")) or _bg_problem(
        path, where, scene.get("background")
    )


def _voice_problem(sim: HeyGenSimulator, path: str, where: str, voice: Any) -> Response | None:
    if not isinstance(voice, dict) or voice.get("type") not in ("text", "audio", "silence"):
        return invalid(path, f"{where}.voice.type", "must be text, audio or silence")
    if voice["type"] != "text":
        return None
    if voice.get("voice_id") not in _VOICE_IDS:
        return error(path, 400, "voice_not_found", f"Voice {voice.get('voice_id')} not found")
    text = voice.get("input_text")
    if not isinstance(text, str) or not text:
        return invalid(path, f"{where}.voice.input_text", "field required")
    if len(text) > sim.max_text_chars:
        limit = f"ensure this value has at most {sim.max_text_chars} characters"
        return invalid(path, f"{where}.voice.input_text", limit)
    speed = voice.get("speed", 1.0)
    if not isinstance(speed, int | float) or not 0.5 <= speed <= 1.5:
        return invalid(path, f"{where}.voice.speed", "must be between 0.5 and 1.5")
    return None


def _bg_problem(path: str, where: str, bg: Any) -> Response | None:
    if bg is None:
        return None
    kind = bg.get("type") if isinstance(bg, dict) else None
    if kind == "color" and HEX.match(str(bg.get("value", ""))):
        return None
    if kind in ("image", "video") and (bg.get("url") or bg.get(f"{kind}_asset_id")):
        return None
    return invalid(path, f"{where}.background", "must be a colour or an image/video url")


def _scene_seconds(scene: dict[str, Any]) -> float:
    voice = scene.get("voice") or {}
    if voice.get("type") == "silence":
        return float(voice.get("duration") or 1.0)
    return st.estimate_seconds(str(voice.get("input_text") or ""), float(voice.get("speed", 1.0)))


def _dimension(path: str, dim: Any) -> tuple[int, int, Response | None]:
    if dim is None:
        return 1920, 1080, None
    w, h = (dim.get("width"), dim.get("height")) if isinstance(dim, dict) else (None, None)
    for name, v in (("width", w), ("height", h)):
        if not isinstance(v, int) or not 128 <= v <= 4096 or v % 2:
            return 0, 0, invalid(path, f"dimension.{name}", "must be an even number 128-4096")
    return int(w), int(h), None  # type: ignore[arg-type]


def status(sim: HeyGenSimulator, req: Request) -> Response:
    job = sim.state.jobs.get(req.query.get("video_id", ""))
    if job is None:
        return error(req.path, 404, 40031, "Invalid video id")
    return ok({"code": 100, "message": "Success", "data": _status_data(sim, job)})


def _status_data(sim: HeyGenSimulator, job: st.Job) -> dict[str, Any]:
    done = job.state == "completed"
    links = sim.links(job) if done else {}
    return {
        "id": job.id,
        "status": job.state,
        "callback_id": job.callback_id,
        "created_at": int(job.created_at),
        "duration": job.seconds if done else None,
        "video_url": links.get("video"),
        "video_url_caption": None,
        "caption_url": links.get("caption") if job.caption else None,
        "thumbnail_url": links.get("thumb"),
        "gif_url": None,
        "error": job.error if job.state == "failed" else None,
    }


def video_list(sim: HeyGenSimulator, req: Request) -> Response:
    with sim.state.lock:
        jobs = sorted(sim.state.jobs.values(), key=lambda j: -j.created_at)
    limit = max(1, min(int(req.query.get("limit") or 20), 100))
    start = int(req.query.get("token") or 0)
    items = [
        {  # no callback_id: list items carry video_id, status, created_at, type [V1]
            "video_id": j.id,
            "status": j.state,
            "created_at": int(j.created_at),
            "type": "GENERATED",
        }
        for j in jobs[start : start + limit]
    ]
    token = str(start + limit) if start + limit < len(jobs) else None
    return ok({"code": 100, "message": "Success", "data": {"videos": items, "token": token}})


def avatars(sim: HeyGenSimulator, req: Request) -> Response:
    base = f"{sim.base_url}/files/preview"
    found = [
        {
            "avatar_id": a,
            "avatar_name": n,
            "gender": g,
            "preview_image_url": f"{base}/{a}.jpg",
            "preview_video_url": f"{base}/{a}.mp4",
            "premium": False,
            "type": None,
            "tags": None,
            "default_voice_id": st.VOICES[0][0],
        }
        for a, n, g, kind in st.AVATARS
        if kind == "avatar"
    ]
    photos = [
        {"talking_photo_id": a, "talking_photo_name": n, "preview_image_url": f"{base}/{a}.jpg"}
        for a, n, _, kind in st.AVATARS
        if kind == "talking_photo"
    ]
    return ok({"error": None, "data": {"avatars": found, "talking_photos": photos}})


def voices(sim: HeyGenSimulator, req: Request) -> Response:
    base = f"{sim.base_url}/files/preview"
    items = [
        {
            "voice_id": v,
            "language": lang,
            "gender": g,
            "name": n,
            "preview_audio": f"{base}/{v}.mp3",
            "support_pause": True,
            "emotion_support": False,
            "support_interactive_avatar": False,
        }
        for v, n, lang, g in st.VOICES
    ]
    return ok({"error": None, "data": {"voices": items}})


def quota(sim: HeyGenSimulator, req: Request) -> Response:
    left = int(sim.state.credits * 60)  # seconds: credits = remaining_quota / 60 [S19]
    return ok({"error": None, "data": {"remaining_quota": left, "details": {"api": left}}})


def add_endpoint(sim: HeyGenSimulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("url"), str):
        return error(req.path, 400, 40001, "url is required")
    if not sim.check_endpoint(body["url"]):
        return error(req.path, 400, 400175, "The endpoint did not answer the OPTIONS check")
    events = body.get("events") if isinstance(body.get("events"), list) else None
    ep = sim.state.add_endpoint(body["url"], events)
    data = {
        "endpoint_id": ep.endpoint_id,
        "url": ep.url,
        "secret": ep.secret,
        "status": ep.status,
        "events": ep.events,
        "username": "simulator",
        "created_at": int(ep.created_at),
    }
    return ok({"code": 100, "data": data, "msg": None, "message": None})


def list_endpoints(sim: HeyGenSimulator, req: Request) -> Response:
    with sim.state.lock:
        items = [
            {"endpoint_id": e.endpoint_id, "url": e.url, "events": e.events, "status": e.status}
            for e in sim.state.endpoints.values()
        ]
    return ok({"code": 100, "data": items, "msg": None, "message": None})


def delete_endpoint(sim: HeyGenSimulator, req: Request) -> Response:
    with sim.state.lock:
        gone = sim.state.endpoints.pop(req.query.get("endpoint_id", ""), None)
    if gone is None:
        return error(req.path, 404, 40001, "Endpoint not found")
    return ok({"code": 100, "data": None, "msg": None, "message": None})


def event_types(sim: HeyGenSimulator, req: Request) -> Response:
    names = [
        "avatar_video.success",
        "avatar_video.fail",
        "avatar_video_gif.success",
        "avatar_video_gif.fail",
        "video_translate.success",
        "video_translate.fail",
    ]
    return ok({"code": 100, "data": names, "msg": None, "message": None})
