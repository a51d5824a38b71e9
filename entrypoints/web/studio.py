"""The generate wizard: property → avatar & voice → script → purpose & aspect → generate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.errors import EngineError, FormErrors, NotFound, ValidationError
from revideo.domain.page import PageRequest
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import AspectRatio, VideoPurpose, parse_enum
from revideo.ports.repositories import PropertyFilter
from revideo.services import presenters
from revideo.services.properties import check_submission_key
from revideo.services.videos import VideoInput

from . import drafts
from ._support import actor, attempt, svc

bp = Blueprint("studio", __name__, url_prefix="/videos/new")
bp.before_request(login_required(lambda: None))
STEPS = ("property", "presenter", "script", "options")
KEY = "video_wizard"
LANGUAGE = "en"  # the scripts' language (the writer's default): its voices come first
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
    if name == "presenter" and request.form.get("filter"):
        return _browse(wiz)
    if name == "script" and request.form.get("rewrite"):
        _, errors = attempt(lambda: _rewrite(wiz))
        return _page(name, wiz, errors, 400 if errors else 200, rewritten=not errors)
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


def _browse(wiz: dict[str, Any]) -> Any:
    """Keep the presenter choices made so far, then show another page of avatars or voices."""
    attempt(lambda: _save_presenter(wiz))
    drafts.save(KEY, wiz)
    how, _, number = request.form.get("filter", "").partition(":")
    args = {"lang": request.form.get("lang", "")[:80], "q": request.form.get("q", "")[:80]}
    args["apage"] = number if how == "apage" else request.form.get("apage", "")[:6]
    if how == "vpage":
        args["vpage"] = number[:6]
    kept: dict[str, Any] = {k: v for k, v in args.items() if v}
    return redirect(url_for("studio.step", name="presenter", **kept))


def _page(
    name: str, wiz: dict[str, Any], errors: dict[str, str], status: int = 200, **extra: Any
) -> Any:
    me, engine = actor(), svc().engine
    if name == "property":
        page = svc().properties.list(me, PropertyFilter(), PageRequest(1, 200))
        extra["properties"] = [p for p in page.items if me.can_write(p.user_id)]
    elif name == "presenter":
        extra.update(_presenter_lists(wiz))
    elif name == "script":
        extra.update(purposes=PURPOSES, tones=TONES, spoken_seconds=estimate_seconds)
        if "script" not in wiz:
            _write(wiz)
    elif name == "options":
        extra.update(aspects=ASPECTS, summary=_summary(wiz), **_price(wiz))
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


AVATARS_PER_PAGE, VOICES_PER_PAGE = 8, 8


def _presenter_lists(wiz: dict[str, Any]) -> dict[str, Any]:
    """A page of the avatars, and the voices in the chosen language and search (the
    avatars' own voices first, so choosing an avatar can pick its voice on the page)."""
    avatars, voices = svc().engine.avatars(), svc().engine.voices()
    avatar_id = wiz.get("avatar_id") or (avatars[0].id if avatars else "")
    avatar = next((a for a in avatars if a.id == avatar_id), None)
    voice_id = wiz.get("voice_id") or presenters.default_voice(voices, avatar, LANGUAGE)
    langs = presenters.languages(voices, LANGUAGE)
    lang = request.args.get("lang", langs[0] if langs else "")[:80]
    query = request.args.get("q", "")[:80]
    apages = max(1, -(-len(avatars) // AVATARS_PER_PAGE))
    chosen_at = next((i for i, a in enumerate(avatars) if a.id == avatar_id), 0)
    apage = _number("apage", chosen_at // AVATARS_PER_PAGE + 1, apages)
    shown_avatars = avatars[(apage - 1) * AVATARS_PER_PAGE : apage * AVATARS_PER_PAGE]
    defaults = {a.id: presenters.default_voice(voices, a, LANGUAGE) for a in shown_avatars}
    found = presenters.find_voices(
        voices,
        lang if lang != "all" else "",
        query,
        _number("vpage", 1, 10_000),
        VOICES_PER_PAGE,
        first={voice_id, *defaults.values()},
    )
    shown = {v.id for _, vs in found.groups for v in vs}
    return {
        "avatars": shown_avatars,
        "apage": apage,
        "apages": apages,
        "avatar_id": avatar_id,
        "voice_id": voice_id,
        "chosen_voice": next((v for v in voices if v.id == voice_id and v.id not in shown), None),
        "defaults": defaults,
        "found": found,
        "langs": langs,
        "lang": lang,
        "query": query,
    }


def _number(name: str, default: int, most: int) -> int:
    raw = request.args.get(name, "")
    return min(max(1, int(raw)), most) if raw.isdigit() and len(raw) < 7 else default


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
    avatar = request.form.get("avatar_id", "").strip() or wiz.get("avatar_id", "")
    voice = request.form.get("voice_id", "").strip() or wiz.get("voice_id", "")
    errors = {}
    if avatar not in {a.id for a in engine.avatars()}:
        errors["avatar_id"] = "choose one of the avatars"
    else:
        wiz["avatar_id"] = avatar
    if voice not in {v.id for v in engine.voices()}:
        errors["voice_id"] = "choose one of the voices"
    else:
        wiz["voice_id"] = voice
    if errors:
        raise FormErrors(errors)


def _rewrite(wiz: dict[str, Any]) -> None:
    """Write a new script for the purpose and tone chosen (shown for checking, not saved on)."""
    purpose = parse_enum("purpose", VideoPurpose, request.form.get("purpose", "sale")).value
    tone = request.form.get("tone", "warm")
    if tone not in TONES:
        raise ValidationError("tone", f"must be one of {', '.join(TONES)}")
    wiz.update(purpose=purpose, tone=tone)
    _write(wiz)


def _summary(wiz: dict[str, Any]) -> dict[str, str]:
    """What the video will be, for a last look before Generate."""
    engine = svc().engine
    try:
        prop = svc().properties.get(actor(), wiz["property_id"]).title
    except NotFound:  # deleted meanwhile: Generate will say so
        prop = "—"
    avatars = {a.id: a.name for a in engine.avatars()}
    voices = {v.id: v.name for v in engine.voices()}
    return {
        "Property": prop,
        "Avatar": avatars.get(wiz.get("avatar_id", ""), "—"),
        "Voice": voices.get(wiz.get("voice_id", ""), "—"),
        "Purpose": str(wiz.get("purpose", "sale")).capitalize(),
        "Script": f"{len(wiz.get('script', ''))} characters",
    }


def _save_script(wiz: dict[str, Any]) -> None:
    purpose = parse_enum("purpose", VideoPurpose, request.form.get("purpose", "sale")).value
    text = request.form.get("script_content", "").replace("\r\n", "\n").strip()
    limit = svc().engine.max_script_chars
    wiz["script"] = text[: limit * 2]
    if not text:
        raise ValidationError("script_content", "write the script the presenter will speak")
    if len(text) > limit:
        raise ValidationError("script_content", f"is {len(text)} characters; the limit is {limit}")
    wiz["purpose"] = purpose


def _save_options(wiz: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if request.form.get("purpose"):  # asked on the script step; a form may still send it
        try:
            wiz["purpose"] = parse_enum("purpose", VideoPurpose, request.form["purpose"]).value
        except ValidationError as exc:
            errors[exc.field] = exc.message
    try:
        ratio = parse_enum("aspect_ratio", AspectRatio, request.form.get("aspect_ratio", ""))
        wiz["aspect_ratio"] = ratio.value
    except ValidationError as exc:
        errors[exc.field] = exc.message
    title = request.form.get("title", "").strip()
    if not title or len(title) > 200:
        errors["title"] = "give the video a title of at most 200 characters"
    else:
        wiz["title"] = title
    for needed in ("avatar_id", "voice_id", "script"):
        if not wiz.get(needed):
            errors[needed] = "is missing: go back to that step"
    if errors:
        raise FormErrors(errors)


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
