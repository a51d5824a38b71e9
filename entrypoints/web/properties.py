"""Properties: list with filters, detail with gallery and videos, edit, delete, photos."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from revideo.domain.errors import Forbidden, ValidationError
from revideo.domain.media import MAX_PHOTOS
from revideo.domain.property import PropertyCategory
from revideo.domain.video import VideoStatus, parse_enum
from revideo.ports.repositories import PropertyFilter, VideoFilter
from revideo.services.properties import Upload

from . import forms
from ._support import actor, attempt, keep_args, owners, page_request, svc, viewer

bp = Blueprint("properties", __name__, url_prefix="/properties")
bp.before_request(login_required(lambda: None))


def _filter() -> PropertyFilter:
    raw = request.args.get("category", "").strip()
    return PropertyFilter(
        search=request.args.get("q", "").strip()[:200],
        category=parse_enum("category", PropertyCategory, raw) if raw else None,
        city=request.args.get("city", "").strip()[:100],
    )


@bp.get("/")
def index() -> Any:
    """List properties with search, category and city filters."""
    page = svc().properties.list(viewer(), _filter(), page_request())
    return render_template(
        "properties/list.html",
        page=page,
        covers=svc().properties.covers(actor(), [p.id for p in page.items]),
        cities=svc().properties.cities(viewer()),
        owners=owners(),
        categories=forms.CATEGORIES,
        args=keep_args(request.args, page=None),
    )


@bp.get("/<property_id>")
def detail(property_id: str) -> Any:
    """Show a property, its photos and its videos."""
    me = actor()
    prop = svc().properties.get(me, property_id)
    videos = svc().videos.list(me, VideoFilter(property_id=property_id)).items
    return render_template(
        "properties/detail.html",
        prop=prop,
        photos=svc().properties.photos(me, property_id),
        videos=videos,
        mine=me.can_write(prop.user_id),
        statuses=VideoStatus,
    )


@bp.route("/<property_id>/edit", methods=["GET", "POST"])
def edit(property_id: str) -> Any:
    """Edit a property's basics, address and specs."""
    me = actor()
    prop = svc().properties.get(me, property_id)
    if not me.can_write(prop.user_id):
        raise Forbidden("change", "property", property_id)
    if request.method == "GET":
        return _edit_page(prop, forms.property_values(prop), {})
    values, errors = attempt(lambda: forms.pick(request.form, forms.PROPERTY_FIELDS))
    if values is not None:
        data, errors = attempt(lambda: forms.property_input(values))
        if data is not None:
            _, errors = attempt(lambda: svc().properties.update(me, property_id, data))
    if errors:
        return _edit_page(prop, values or dict(request.form), errors), 400
    flash("Property saved.", "success")
    return redirect(url_for("properties.detail", property_id=property_id))


def _edit_page(prop: Any, values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "properties/edit.html", prop=prop, v=values, errors=errors, categories=forms.CATEGORIES
    )


@bp.route("/<property_id>/delete", methods=["GET", "POST"])
def delete(property_id: str) -> Any:
    """Ask, then delete a property with its photos and videos."""
    me = actor()
    prop = svc().properties.get(me, property_id)
    if request.method == "GET":
        return render_template("properties/delete.html", prop=prop)
    svc().properties.delete(me, property_id)
    flash(f"“{prop.title}” is deleted.", "success")
    return redirect(url_for("properties.index"))


@bp.post("/<property_id>/photos")
def add_photos(property_id: str) -> Any:
    """Add several photos at once; all are checked before any is stored."""
    me = actor()
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        raise ValidationError("photos", "choose at least one image")
    if len(svc().properties.photos(me, property_id)) + len(files) > MAX_PHOTOS:
        raise ValidationError("photos", f"a property holds at most {MAX_PHOTOS} photos")
    uploads = [Upload(f.read(), f.filename or "") for f in files]
    added = svc().properties.add_photos(me, property_id, uploads)  # all or none
    flash(f"{len(added)} photo(s) added.", "success")
    return redirect(url_for("properties.detail", property_id=property_id))


@bp.post("/<property_id>/photos/<media_id>/delete")
def remove_photo(property_id: str, media_id: str) -> Any:
    """Remove one photo."""
    me = actor()
    svc().properties.get(me, property_id)
    svc().properties.remove_photo(me, media_id)
    return redirect(url_for("properties.detail", property_id=property_id))


@bp.post("/<property_id>/photos/order")
def reorder(property_id: str) -> Any:
    """Save a new gallery order (`order` lists every photo id once)."""
    ids = [i for i in request.form.getlist("order") if i][:100]
    move = request.form.get("move", "")
    if move:
        ids = _moved(ids, move)
    svc().properties.reorder_photos(actor(), property_id, ids)
    return redirect(url_for("properties.detail", property_id=property_id) + "#gallery")


def _moved(ids: list[str], move: str) -> list[str]:
    """Apply 'up:<id>' or 'down:<id>' to a list of ids."""
    direction, _, target = move.partition(":")
    if target not in ids or direction not in ("up", "down"):
        raise ValidationError("order", "unknown photo or direction")
    i = ids.index(target)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return ids
