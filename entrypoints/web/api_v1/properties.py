"""/api/v1/properties: listings and their photos."""

from __future__ import annotations

from typing import Any

from flask import request

from revideo.domain.page import PageRequest
from revideo.domain.property import Address, PropertyInput, Specs
from revideo.ports.repositories import PropertyFilter
from revideo.services.properties import Upload

from .._support import svc
from . import bp
from ._core import Problem, api_actor, body, idempotency_key, out, query
from .models import (
    Paging,
    PhotoList,
    PhotoOrder,
    PhotoUpload,
    PhotoUrls,
    PropertyIn,
    PropertyOut,
    PropertyPage,
    PropertyQuery,
)
from .spec import operation

TAG = "properties"


def page_of(items: list[Any], total: int, q: Paging) -> dict[str, Any]:
    return {"items": items, "total": total, "page": q.page, "per_page": q.per_page}


def property_input(data: PropertyIn) -> PropertyInput:
    return PropertyInput(
        title=data.title,
        category=data.category,
        description=data.description,
        address=Address(**data.address.model_dump()),
        specs=Specs(**data.specs.model_dump()),
    )


@operation(bp, "GET", "/properties", tag=TAG, query=PropertyQuery, responses={200: PropertyPage})
def list_properties() -> Any:
    """List properties, newest first, with filters and paging."""
    q = query(PropertyQuery)
    found = svc().properties.list(
        api_actor(),
        PropertyFilter(search=q.search, category=q.category, city=q.city),
        PageRequest(q.page, q.per_page),
    )
    return out(PropertyPage, page_of(list(found.items), found.total, q))


@operation(
    bp, "POST", "/properties", tag=TAG, body=PropertyIn, idempotent_create=True,
    responses={201: PropertyOut, 200: PropertyOut},
)  # fmt: skip
def create_property() -> Any:
    """Create a property (an Idempotency-Key used before returns the one it made)."""
    data = property_input(body(PropertyIn))
    key = idempotency_key()
    before = svc().properties.submitted(api_actor(), key) if key else None
    if before is not None:
        return out(PropertyOut, before)
    return out(PropertyOut, svc().properties.create(api_actor(), data, submission_key=key), 201)


@operation(bp, "GET", "/properties/<property_id>", tag=TAG, responses={200: PropertyOut})
def get_property(property_id: str) -> Any:
    """Read a property."""
    return out(PropertyOut, svc().properties.get(api_actor(), property_id))


@operation(
    bp, "PUT", "/properties/<property_id>", tag=TAG, body=PropertyIn,
    responses={200: PropertyOut},
)  # fmt: skip
def update_property(property_id: str) -> Any:
    """Replace a property's details."""
    data = property_input(body(PropertyIn))
    return out(PropertyOut, svc().properties.update(api_actor(), property_id, data))


@operation(bp, "DELETE", "/properties/<property_id>", tag=TAG, responses={204: None})
def delete_property(property_id: str) -> Any:
    """Delete a property with its photos and videos."""
    svc().properties.delete(api_actor(), property_id)
    return "", 204


@operation(bp, "GET", "/properties/<property_id>/photos", tag=TAG, responses={200: PhotoList})
def list_photos(property_id: str) -> Any:
    """A property's photos in gallery order."""
    return out(PhotoList, {"items": svc().properties.photos(api_actor(), property_id)})


@operation(
    bp, "POST", "/properties/<property_id>/photos", tag=TAG, multipart=PhotoUpload,
    responses={201: PhotoList},
)  # fmt: skip
def upload_photos(property_id: str) -> Any:
    """Upload photos (multipart field `photos`); appended, all or none."""
    files = request.files.getlist("photos")
    if not files:
        raise Problem(400, "attach at least one image as the multipart field photos", "photos")
    uploads = [Upload(f.read(), f.filename or "") for f in files]
    added = svc().properties.add_photos(api_actor(), property_id, uploads)
    return out(PhotoList, {"items": added}, 201)


@operation(
    bp, "POST", "/properties/<property_id>/photos/by-url", tag=TAG, body=PhotoUrls,
    responses={201: PhotoList},
)  # fmt: skip
def add_photos_by_url(property_id: str) -> Any:
    """Fetch photos from public URLs (images only, size and time limited) and append them."""
    urls = body(PhotoUrls).urls
    added = svc().properties.add_photos_by_url(api_actor(), property_id, urls)
    return out(PhotoList, {"items": added}, 201)


@operation(
    bp, "PUT", "/properties/<property_id>/photos/order", tag=TAG, body=PhotoOrder,
    responses={200: PhotoList},
)  # fmt: skip
def reorder_photos(property_id: str) -> Any:
    """Put the photos in this order (every photo's id, once)."""
    ids = body(PhotoOrder).ids
    return out(PhotoList, {"items": svc().properties.reorder_photos(api_actor(), property_id, ids)})


@operation(
    bp, "DELETE", "/properties/<property_id>/photos/<photo_id>", tag=TAG, responses={204: None}
)
def delete_photo(property_id: str, photo_id: str) -> Any:
    """Remove a photo."""
    photos = svc().properties.photos(api_actor(), property_id)
    if photo_id not in {p.id for p in photos}:
        raise Problem(404, f"photo {photo_id} not found", "photo_id")
    svc().properties.remove_photo(api_actor(), photo_id)
    return "", 204
