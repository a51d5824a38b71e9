"""
The new-property wizard: basics → address → specs & amenities → photos → review.

The half-filled wizard is a server-side draft (drafts.py: form values, and the
tokens of uploaded photos kept in the media store's private staging area until
the property is created), so a user can go back and forth, on any web host.
Nothing reaches the database before the review step, and a failure there
removes what was written.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.errors import NotFound, RevideoError, ValidationError
from revideo.domain.media import MAX_PHOTOS
from revideo.services.properties import Upload, check_submission_key

from . import drafts, forms
from ._support import actor, attempt, svc

bp = Blueprint("wizard", __name__, url_prefix="/properties/new")
bp.before_request(login_required(lambda: None))
STEPS = ("basics", "address", "specs", "photos", "review")
FIELDS = {"basics": forms.BASICS, "address": forms.ADDRESS, "specs": forms.SPECS}
CHECKS = {"basics": forms.basics, "address": forms.address, "specs": forms.specs}
KEY = "property_wizard"


def state() -> dict[str, Any]:
    """This user's wizard, started afresh if there is none."""
    found = drafts.load(KEY)
    if not isinstance(found, dict) or found.get("user") != actor().user_id:
        found = {"user": actor().user_id, "id": uuid.uuid4().hex, "values": {}, "photos": []}
        drafts.save(KEY, found)
    return found


PHOTO = "photo"  # the staged photos' suffix (revideo.services.staging)


@bp.get("", strict_slashes=False)
def start() -> Any:
    """Open the wizard where the user left it."""
    return redirect(url_for("wizard.step", name="basics"))


@bp.route("/<name>", methods=["GET", "POST"])
def step(name: str) -> Any:
    """Show or save one step."""
    if name not in STEPS:
        abort(404)
    wiz = state()
    if request.method == "GET":
        return _page(name, wiz, {})
    if name in FIELDS:
        return _save_fields(name, wiz)
    if name == "photos":
        return _photos(wiz)
    return _create(wiz)


def _page(name: str, wiz: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    page = render_template(
        f"wizard/{name}.html",
        steps=STEPS,
        current=name,
        v=wiz["values"],
        photos=wiz["photos"],
        errors=errors,
        categories=forms.CATEGORIES,
        max_photos=MAX_PHOTOS,
    )
    return page, status


def _next(name: str, back: bool = False) -> Any:
    i = STEPS.index(name) + (-1 if back else 1)
    return redirect(url_for("wizard.step", name=STEPS[max(0, min(i, len(STEPS) - 1))]))


def _save_fields(name: str, wiz: dict[str, Any]) -> Any:
    values, errors = attempt(lambda: forms.pick(request.form, FIELDS[name]))
    if values is not None:
        wiz["values"].update(values)
        drafts.save(KEY, wiz)
        if request.form.get("back"):
            return _next(name, back=True)
        _, errors = attempt(lambda: CHECKS[name](values))
    if errors:
        return _page(name, wiz, errors, 400)
    return _next(name)


def _photos(wiz: dict[str, Any]) -> Any:
    action = request.form.get("action", "upload")
    _, errors = attempt(lambda: _photo_action(wiz, action))
    drafts.save(KEY, wiz)
    if errors:
        return _page("photos", wiz, errors, 400)
    if action == "next":
        return _next("photos")
    if action == "back":
        return _next("photos", back=True)
    return redirect(url_for("wizard.step", name="photos"))


def _photo_action(wiz: dict[str, Any], action: str) -> None:
    photos: list[dict[str, str]] = wiz["photos"]
    target = request.form.get("photo", "")
    ids = [p["id"] for p in photos]
    chosen = any(f and f.filename for f in request.files.getlist("photos"))
    if action == "upload" or (action == "next" and chosen):  # Next never drops chosen photos
        _upload(wiz)
    elif action in ("up", "down", "remove") and target not in ids:
        raise ValidationError("photo", "no such photo in this wizard")
    elif action == "remove":
        photos.pop(ids.index(target))
        svc().staging.drop(actor(), target, PHOTO)
    elif action in ("up", "down"):
        i = ids.index(target)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(photos):
            photos[i], photos[j] = photos[j], photos[i]
    elif action not in ("next", "back"):
        raise ValidationError("action", "unknown action")


def _upload(wiz: dict[str, Any]) -> None:
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        raise ValidationError("photos", "choose at least one image")
    if len(wiz["photos"]) + len(files) > MAX_PHOTOS:
        raise ValidationError("photos", f"a property holds at most {MAX_PHOTOS} photos")
    checked = []
    for f in files:  # decoded and re-encoded now: only clean images are kept, even here
        name = (f.filename or "")[:200]
        image = svc().properties.clean_photo(Upload(f.read(), name))
        checked.append((image, name))
    staging = svc().staging
    for image, filename in checked:
        photo_id = staging.new_token()
        staging.put(actor(), photo_id, PHOTO, image.data)
        wiz["photos"].append({"id": photo_id, "type": image.content_type, "name": filename})


@bp.get("/photo/<photo_id>")
def photo(photo_id: str) -> Any:
    """A wizard photo, for its preview."""
    wiz = state()
    found = next((p for p in wiz["photos"] if p["id"] == photo_id), None)
    if found is None:
        abort(404)
    data = b"".join(svc().staging.read(actor(), found["id"], PHOTO))
    return Response(data, mimetype=found["type"], headers={"Cache-Control": "private"})


def _create(wiz: dict[str, Any]) -> Any:
    """The property and all its photos in one transaction, once per form (submission key)."""
    if request.form.get("back"):
        return _next("review", back=True)
    key, errors = attempt(_submission_key)
    done = svc().properties.submitted(actor(), key) if key else None
    if done is not None:  # the same form again (a double click): show what it made
        discard(wiz)
        return redirect(url_for("properties.detail", property_id=done.id))
    data, more = attempt(lambda: forms.property_input(wiz["values"]))
    if errors or data is None:
        return _page("review", wiz, {**more, **errors}, 400)
    try:
        photos = [Upload(_staged_photo(wiz, p), p.get("name", "")) for p in wiz["photos"]]
        prop = svc().properties.create(actor(), data, photos, submission_key=key)
    except RevideoError as exc:
        done = svc().properties.submitted(actor(), key or "")
        if done is not None:  # the first submit finished (and tidied up) meanwhile
            discard(wiz)
            return redirect(url_for("properties.detail", property_id=done.id))
        if isinstance(exc, ValidationError):
            return _page("review", wiz, {exc.field: exc.message}, 400)
        return _page("review", wiz, {"photos": f"could not store the photos: {exc}"}, 400)
    discard(wiz)
    flash(f"“{prop.title}” is created.", "success")
    return redirect(url_for("properties.detail", property_id=prop.id))


def _staged_photo(wiz: dict[str, Any], photo: dict[str, str]) -> bytes:
    """A photo's bytes; an expired one leaves the wizard, with a 400 naming `photos`."""
    try:
        return b"".join(svc().staging.read(actor(), photo["id"], PHOTO))
    except NotFound:
        wiz["photos"].remove(photo)
        drafts.save(KEY, wiz)
        name = photo.get("name") or "a photo"
        gone = f"{name} waited too long and is gone: upload it again"
        raise ValidationError("photos", gone) from None


def _submission_key() -> str:
    key = check_submission_key(request.form.get("submission_key", ""))
    if key is None:
        raise ValidationError("submission_key", "the form is out of date: reload it")
    return key


def discard(wiz: dict[str, Any]) -> None:
    """Forget the wizard and its uploaded photos."""
    staging = svc().staging
    for photo in wiz.get("photos", []):
        with contextlib.suppress(NotFound):  # a malformed id names nothing
            staging.drop(actor(), str(photo.get("id", "")), PHOTO)
    drafts.drop(KEY)


@bp.post("/cancel")
def cancel() -> Any:
    """Throw the half-filled wizard away."""
    discard(state())
    return redirect(url_for("properties.index"))
