"""The generate wizard: property → avatar & voice → script → purpose & aspect → generate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.errors import EngineError, ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import AspectRatio, VideoPurpose, parse_enum
from revideo.ports.repositories import PropertyFilter
from revideo.services.properties import check_submission_key
from revideo.services.videos import VideoInput

from . import drafts
from ._support import actor, attempt, svc

bp = Blueprint("studio", __name__, url_prefix="/videos/new")
bp.before_request(login_required(lambda: None))
STEPS = ("property", "presenter", "script", "options")
KEY = "video_wizard"
PURPOSES = [(p.value, p.value.capitalize()) for p in VideoPurpose]
TONES = ("warm", "luxury", "concise")
ASPECTS = [
    (a.value, {"16:9": "Landscape 16:9", "9:16": "Portrait 9:16", "1:1": "Square 1:1"}[a.value])
    for a in AspectRatio
]


def state() -> dict[str, Any]:
    found = drafts.load(KEY)  # kept on the server, not in the session cookie
    if not isinstance(found, dict) or found.get("user") != actor().user_id:
        found = {"user": actor().user_id, "purpose": "sale", "aspect_ratio": "16:9"}
        drafts.save(KEY, found)
    return found


@bp.get("", strict_slashes=False)
def start() -> Any:
    """Start a new video (optionally for ?property=<id>)."""
    wiz = {"user": actor().user_id, "purpose": "sale", "aspect_ratio": "16:9"}
    chosen = request.args.get("property", "")[:64]
    if chosen:
        prop = svc().properties.get(actor(), chosen)
        wiz.update(property_id=prop.id, title=svc().videos.default_title(actor(), prop.id))
    drafts.save(KEY, wiz)
    return redirect(url_for("studio.step", name="presenter" if chosen else "property"))


@bp.route("/<name>", methods=["GET", "POST"])
def step(name: str) -> Any:
    """Show or save one step of the generate wizard."""
    if name not in STEPS:
        abort(404)
    wiz = state()
    if name != "property" and not wiz.get("property_id"):
        return redirect(url_for("studio.step", name="property"))
    if request.method == "GET":
        return _page(name, wiz, {})
    if request.form.get("back"):
        return redirect(url_for("studio.step", name=STEPS[max(0, STEPS.index(name) - 1)]))
    key_errors: dict[str, str] = {}
    if name == "options":  # Generate: once per form, whatever the clicks (submission key)
        key, key_errors = attempt(_submission_key)
        done = svc().videos.by_submission(actor(), key) if key else None
        if done is not None:
            return redirect(url_for("videos.detail", video_id=done.id))
    _, errors = attempt(lambda: SAVE[name](wiz))
    errors = {**errors, **key_errors}
    drafts.save(KEY, wiz)
    if errors:
        return _page(name, wiz, errors, 400)
    if name == "options":
        return _generate(wiz)
    return redirect(url_for("studio.step", name=STEPS[STEPS.index(name) + 1]))


def _page(name: str, wiz: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    me, engine = actor(), svc().engine
    extra: dict[str, Any] = {}
    if name == "property":
        page = svc().properties.list(me, PropertyFilter(), PageRequest(1, 200))
        extra["properties"] = [p for p in page.items if me.can_write(p.user_id)]
    elif name == "presenter":
        extra.update(avatars=engine.avatars(), voices=engine.voices())
    elif name == "script":
        extra.update(purposes=PURPOSES, tones=TONES, spoken_seconds=estimate_seconds)
        if "script" not in wiz:
            _write(wiz)
    elif name == "options":
        extra.update(purposes=PURPOSES, aspects=ASPECTS, **_price(wiz))
    html = render_template(
        f"studio/{name}.html",
        steps=STEPS,
        current=name,
        w=wiz,
        errors=errors,
        max_chars=engine.max_script_chars,
        **extra,
    )
    return html, status


def _price(wiz: dict[str, Any]) -> dict[str, Any]:
    """The engine's credits left and about what this render costs (None where unknown)."""
    balance = svc().videos.balance(actor())
    seconds = max(estimate_seconds(wiz.get("script", "")), 1.0)
    cost = balance.rate.cost(seconds) if balance.rate is not None else None
    short = cost is not None and balance.credits is not None and cost > balance.credits
    return {"credits": balance.credits, "cost": cost, "seconds": seconds, "short": short}


def _write(wiz: dict[str, Any]) -> None:
    draft = svc().videos.write_script(
        actor(), wiz["property_id"], wiz.get("purpose", "sale"), tone=wiz.get("tone", "warm")
    )
    wiz["script"] = draft.text
    wiz["script_notice"] = draft.notice
    drafts.save(KEY, wiz)


def _save_property(wiz: dict[str, Any]) -> None:
    chosen = request.form.get("property_id", "").strip()[:64]
    if not chosen:
        raise ValidationError("property_id", "choose a property")
    prop = svc().properties.get(actor(), chosen)
    if not actor().can_write(prop.user_id):
        raise ValidationError("property_id", "choose one of your own properties")
    if wiz.get("property_id") != prop.id:
        wiz.pop("script", None)
        wiz["title"] = svc().videos.default_title(actor(), prop.id)
    wiz["property_id"] = prop.id


def _save_presenter(wiz: dict[str, Any]) -> None:
    engine = svc().engine
    avatar = request.form.get("avatar_id", "").strip()
    voice = request.form.get("voice_id", "").strip()
    if avatar not in {a.id for a in engine.avatars()}:
        raise ValidationError("avatar_id", "choose one of the avatars")
    if voice not in {v.id for v in engine.voices()}:
        raise ValidationError("voice_id", "choose one of the voices")
    wiz.update(avatar_id=avatar, voice_id=voice)


def _save_script(wiz: dict[str, Any]) -> None:
    purpose = parse_enum("purpose", VideoPurpose, request.form.get("purpose", "sale")).value
    if request.form.get("rewrite"):
        tone = request.form.get("tone", "warm")
        if tone not in TONES:
            raise ValidationError("tone", f"must be one of {', '.join(TONES)}")
        wiz.update(purpose=purpose, tone=tone)
        _write(wiz)
        raise ValidationError("script_content", "a new script was written: check it, then go on")
    text = request.form.get("script_content", "").replace("\r\n", "\n").strip()
    limit = svc().engine.max_script_chars
    wiz["script"] = text[: limit * 2]
    if not text:
        raise ValidationError("script_content", "write the script the presenter will speak")
    if len(text) > limit:
        raise ValidationError("script_content", f"is {len(text)} characters; the limit is {limit}")
    wiz["purpose"] = purpose


def _save_options(wiz: dict[str, Any]) -> None:
    wiz["purpose"] = parse_enum("purpose", VideoPurpose, request.form.get("purpose", "")).value
    ratio = parse_enum("aspect_ratio", AspectRatio, request.form.get("aspect_ratio", ""))
    wiz["aspect_ratio"] = ratio.value
    title = request.form.get("title", "").strip()
    if not title or len(title) > 200:
        raise ValidationError("title", "give the video a title of at most 200 characters")
    wiz["title"] = title
    for needed in ("avatar_id", "voice_id", "script"):
        if not wiz.get(needed):
            raise ValidationError(needed, "is missing: go back to that step")


def _submission_key() -> str:
    key = check_submission_key(request.form.get("submission_key", ""))
    if key is None:
        raise ValidationError("submission_key", "the form is out of date: reload it")
    return key


SAVE = {
    "property": _save_property,
    "presenter": _save_presenter,
    "script": _save_script,
    "options": _save_options,
}


def _generate(wiz: dict[str, Any]) -> Any:
    data = VideoInput(
        property_id=wiz["property_id"],
        title=wiz["title"],
        script_content=wiz["script"],
        avatar_id=wiz["avatar_id"],
        voice_id=wiz["voice_id"],
        purpose=wiz["purpose"],
        aspect_ratio=wiz["aspect_ratio"],
    )
    key = request.form.get("submission_key", "")
    video, created = svc().videos.draft_once(actor(), data, key)
    drafts.drop(KEY)
    if not created:  # a second click got here while the first was on its way
        return redirect(url_for("videos.detail", video_id=video.id))
    try:
        svc().videos.submit(actor(), video.id)
        flash("The render has started; this page updates by itself.", "success")
    except EngineError as exc:
        flash(f"The draft is saved, but the video engine refused: {exc}", "error")
    return redirect(url_for("videos.detail", video_id=video.id))
