"""The v3 paths of the simulator (heygen-v3.md; §7 where it corrects §1-§6)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import state as st
from .wire import Request, Response, error, invalid, ok

if TYPE_CHECKING:
    from .server import HeyGenSimulator

_FIELDS = frozenset(
    {
        *("type", "avatar_id", "image", "script", "voice_id", "audio_url", "audio_asset_id"),
        *("voice_settings", "title", "resolution", "aspect_ratio", "background"),
        *("remove_background", "callback_url", "callback_id", "motion_prompt"),
        *("expressiveness", "caption", "engine", "fit", "output_format", "folder_id"),
    }
)
_RATIOS = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:5": (4, 5), "5:4": (5, 4)}
_SHORT = {"720p": 720, "1080p": 1080, "4k": 2160}
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def create_video(sim: HeyGenSimulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return invalid(req.path, "body", "must be a JSON object")
    problem = _check(sim, req.path, body)
    if problem is not None:
        return problem
    seconds = st.estimate_seconds(body.get("script") or "", _speed(body))
    engine = _engine(body)
    if st.cost("v3", engine, seconds) > sim.state.credits:  # 402 [E]
        return error(req.path, 402, "insufficient_credit", "Not enough credits for this video")
    if _busy(sim) >= sim.state.concurrency:
        wait = sim.state.seconds_until_slot()
        resp = error(req.path, 429, "rate_limit_exceeded", "Too many concurrent video jobs")
        return Response(resp.status, resp.body, headers={"Retry-After": str(wait)})
    width, height = _size(body.get("aspect_ratio"), body.get("resolution"))
    job = sim.state.add_job(
        "v3",
        title=str(body.get("title") or ""),
        callback_id=body.get("callback_id"),
        callback_url=body.get("callback_url"),
        width=width,
        height=height,
        seconds=seconds,
        script=body.get("script") or "",
        caption=True,
        engine=engine,
    )
    return ok({"data": {"video_id": job.id, "status": "waiting"}})


def _check(sim: HeyGenSimulator, path: str, body: dict[str, Any]) -> Response | None:
    extra = sorted(set(body) - _FIELDS)
    if extra:
        return invalid(path, extra[0], "extra fields not permitted")
    if body.get("type") not in ("avatar", "image"):
        return invalid(path, "type", "must be 'avatar' or 'image'")
    if body["type"] == "avatar":
        found = _avatar_problem(path, body.get("avatar_id"))
        if found is not None:
            return found
    elif not isinstance(body.get("image"), dict):
        return invalid(path, "image", "field required")
    return (
        _script_problem(sim, path, body)
        or _options_problem(path, body)
        or _engine_problem(path, body.get("engine"))
    )


def _engine(body: dict[str, Any]) -> str:
    """The engine a render uses: Avatar IV when none is sent (heygen-v3.md §7 [H])."""
    engine = body.get("engine")
    return str(engine["type"]) if isinstance(engine, dict) else "avatar_iv"


def _engine_problem(path: str, engine: Any) -> Response | None:
    if engine is None:
        return None
    if not isinstance(engine, dict) or engine.get("type") not in st.V3_ENGINES:
        return invalid(path, "engine.type", "must be avatar_iv, avatar_iii or avatar_v")
    return None


def _avatar_problem(path: str, avatar_id: Any) -> Response | None:
    if not isinstance(avatar_id, str) or not avatar_id:
        return invalid(path, "avatar_id", "field required")
    if avatar_id in st.UNSUPPORTED_AVATARS:
        msg = f"Avatar {avatar_id} is not supported by this API"
        return error(path, 400, "avatar_not_supported", msg, param="avatar_id")
    if avatar_id not in {a[0] for a in st.AVATARS}:
        msg = f"Avatar {avatar_id} not found or no longer available."
        return error(path, 400, "avatar_not_found", msg, param="avatar_id")
    return None


def _script_problem(sim: HeyGenSimulator, path: str, body: dict[str, Any]) -> Response | None:
    script = body.get("script")
    if script is None:
        return None
    if not isinstance(script, str) or not script:
        return invalid(path, "script", "ensure this value has at least 1 characters")
    if len(script) > sim.max_script_chars:
        return invalid(
            path, "script", f"ensure this value has at most {sim.max_script_chars} characters"
        )
    if not body.get("voice_id") and body.get("type") != "avatar":
        return invalid(path, "voice_id", "required when script is set")
    # With avatar_id the avatar's default voice speaks (heygen-v3.md §7 [H]).
    if body.get("voice_id") and body["voice_id"] not in st.ALL_VOICE_IDS:
        msg = f"Voice {body['voice_id']} not found"
        return error(path, 400, "voice_not_found", msg, param="voice_id")
    return None


def _options_problem(path: str, body: dict[str, Any]) -> Response | None:
    speed = _speed(body)
    if not 0.5 <= speed <= 1.5:
        return invalid(path, "voice_settings.speed", "must be between 0.5 and 1.5")
    if body.get("resolution") not in (None, *_SHORT):
        return invalid(path, "resolution", "must be one of 4k, 1080p, 720p")
    if body.get("aspect_ratio") not in (None, "auto", *_RATIOS):
        return invalid(path, "aspect_ratio", "unsupported aspect ratio")
    bg = body.get("background")
    if bg is None:
        return None
    if not isinstance(bg, dict) or bg.get("type") not in ("color", "image"):
        return invalid(path, "background.type", "must be 'color' or 'image'")
    if bg["type"] == "color" and not HEX.match(str(bg.get("value", ""))):
        return invalid(path, "background.value", "must be a hex colour like #ffffff")
    if bg["type"] == "image" and not (bg.get("url") or bg.get("asset_id")):
        return invalid(path, "background.url", "url or asset_id required")
    return None


def _speed(body: dict[str, Any]) -> float:
    settings = body.get("voice_settings") or {}
    value = settings.get("speed", 1.0) if isinstance(settings, dict) else 1.0
    return float(value) if isinstance(value, int | float) else -1.0


def _size(ratio: Any, resolution: Any) -> tuple[int, int]:
    w, h = _RATIOS.get(str(ratio), (16, 9))
    short = _SHORT.get(str(resolution), 720)
    if w >= h:
        return short * w // h, short
    return short, short * h // w


def _busy(sim: HeyGenSimulator) -> int:
    with sim.state.lock:
        return sum(1 for j in sim.state.jobs.values() if not j.terminal)


def get_video(sim: HeyGenSimulator, req: Request, video_id: str) -> Response:
    job = sim.state.jobs.get(video_id)
    if job is None or job.version != "v3":  # v2 renders are not visible here (pitfall 5)
        return error(req.path, 404, "not_found", "Video not found")
    return ok({"data": detail(sim, job)})


def detail(sim: HeyGenSimulator, job: st.Job) -> dict[str, Any]:
    """A v3 VideoDetail."""
    done = job.state == "completed"
    links = sim.links(job) if done else {}
    failed = job.state == "failed" and job.error is not None
    return {
        "id": job.id,
        "title": job.title,
        "status": "pending" if job.state == "waiting" else job.state,
        "created_at": int(job.created_at),
        "completed_at": int(job.finished_at) if job.terminal and job.finished_at else None,
        "video_url": links.get("video"),
        "thumbnail_url": links.get("thumb"),
        "gif_url": None,
        "captioned_video_url": None,
        "subtitle_url": links.get("caption"),
        "duration": job.seconds if done else None,
        # No callback_id: VideoDetail does not carry it (heygen-v3.md §2, §7 [H]).
        "failure_code": str(job.error["code"]) if failed and job.error else None,
        "failure_message": job.error["detail"] if failed and job.error else None,
    }


def list_videos(sim: HeyGenSimulator, req: Request) -> Response:
    with sim.state.lock:
        jobs = sorted(sim.state.jobs.values(), key=lambda j: -j.created_at)
    items = [detail(sim, j) for j in jobs if j.version == "v3"]
    return ok(_page(items, req))


def _page(items: list[dict[str, Any]], req: Request) -> dict[str, Any]:
    limit = max(1, min(int(req.query.get("limit") or 20), 100))
    start = int(req.query.get("token") or 0)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return {"data": chunk, "has_more": more, "next_token": str(start + limit) if more else None}


def looks(sim: HeyGenSimulator, req: Request) -> Response:
    items = [
        {
            "id": aid,
            "name": name,
            "avatar_type": "photo_avatar" if kind == "talking_photo" else "studio_avatar",
            "group_id": f"group_{aid}",
            "gender": gender,
            "preview_image_url": f"{sim.base_url}/files/preview/{aid}.jpg",
            "preview_video_url": f"{sim.base_url}/files/preview/{aid}.mp4",
            "default_voice_id": st.VOICES[0][0],
        }
        for aid, name, gender, kind in st.AVATARS
    ]
    return ok(_page(items, req))


def voices(sim: HeyGenSimulator, req: Request) -> Response:
    """Public voices, or with type=private the account's own (heygen-v3.md §3, §7 [H])."""
    kind = req.query.get("type") or "public"
    if kind not in ("public", "private"):
        return invalid(req.path, "type", "must be public or private")
    items = [
        {
            "voice_id": vid,
            "name": name,
            "language": lang,
            "gender": gender,
            "preview_audio_url": f"{sim.base_url}/files/preview/{vid}.mp3",
            "type": kind,
        }
        for vid, name, lang, gender in (st.VOICES if kind == "public" else st.PRIVATE_VOICES)
    ]
    return ok(_page(items, req))


def users_me(sim: HeyGenSimulator, req: Request) -> Response:
    """The account and its credits: a prepaid wallet kept in credits (heygen-v3.md §7 [H])."""
    with sim.state.lock:
        left = round(sim.state.credits, 4)
    wallet = {"currency": "credits", "remaining_balance": left, "auto_reload": None}
    data = {
        "username": "simulator",
        "email": "simulator@example.com",
        "first_name": "Sim",
        "last_name": "Ulator",
        "billing_type": "wallet",
        "wallet": wallet,
        "subscription": None,
        "usage_based": None,
    }
    return ok({"data": data})


def add_endpoint(sim: HeyGenSimulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("url"), str):
        return invalid(req.path, "url", "field required")
    if not _public_https(sim, body["url"]):  # heygen-v3.md §4, §7 [S]
        msg = "'url' must be a publicly accessible HTTPS URL"
        return error(req.path, 400, "invalid_parameter", msg, param="url")
    events = body.get("events")
    ep = sim.state.add_endpoint(body["url"], events if isinstance(events, list) else None, "ep_")
    created = datetime.fromtimestamp(ep.created_at, UTC).isoformat()
    data = {"endpoint_id": ep.endpoint_id, "url": ep.url, "events": ep.events}
    return ok({"data": {**data, "status": ep.status, "created_at": created, "secret": ep.secret}})


def _public_https(sim: HeyGenSimulator, url: str) -> bool:
    """HTTPS, or (when the simulator allows it, for local use) http on loopback."""
    if url.startswith("https://"):
        return True
    host = urlsplit(url).hostname or ""
    return sim.allow_http_loopback and url.startswith("http://") and host in _LOOPBACK


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
