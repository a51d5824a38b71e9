"""Properties and their ordered photos."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Sequence

import attrs

from revideo.domain import media as gallery
from revideo.domain.errors import StorageError, ValidationError
from revideo.domain.keys import slug
from revideo.domain.media import IMAGE_TYPES, PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor
from revideo.domain.property import Property, PropertyInput
from revideo.ports.media_store import PHOTOS_BUCKET, MediaStore
from revideo.ports.repositories import PropertyFilter
from revideo.services._base import Context, require_owner, signed_in

MAX_PHOTO_BYTES = 10 * 1024 * 1024
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}


@attrs.frozen
class PropertyService:
    ctx: Context
    store: MediaStore

    # ---- properties -----------------------------------------------------
    def create(self, actor: Actor, data: PropertyInput) -> Property:
        owner = signed_in(actor)
        prop = Property(id=self.ctx.ids(), user_id=owner, **attrs.asdict(data, recurse=False))
        with self.ctx.uow(actor) as uow:
            return uow.properties.add(prop)

    def get(self, actor: Actor, property_id: str) -> Property:
        with self.ctx.uow(actor) as uow:
            return uow.properties.get(property_id)

    def list(
        self,
        actor: Actor,
        filter: PropertyFilter = PropertyFilter(),
        page: PageRequest = PageRequest(),
    ) -> Page[Property]:
        with self.ctx.uow(actor) as uow:
            return uow.properties.list(filter, page)

    def cities(self, actor: Actor) -> builtins.list[str]:
        with self.ctx.uow(actor) as uow:
            return uow.properties.cities()

    def update(self, actor: Actor, property_id: str, data: PropertyInput) -> Property:
        with self.ctx.uow(actor) as uow:
            old = uow.properties.get(property_id)
            require_owner(actor, old.user_id, "property", property_id)
            return uow.properties.update(attrs.evolve(old, **attrs.asdict(data, recurse=False)))

    def delete(self, actor: Actor, property_id: str) -> None:
        """Delete a property with its photos and videos, then their files."""
        with self.ctx.uow(actor) as uow:
            old = uow.properties.get(property_id)
            require_owner(actor, old.user_id, "property", property_id)
            photos = uow.media.for_property(property_id)
            uow.properties.delete(property_id)
        for photo in photos:
            self._forget(actor, photo.storage_path)

    # ---- photos -----------------------------------------------------------
    def photos(self, actor: Actor, property_id: str) -> tuple[PropertyMedia, ...]:
        with self.ctx.uow(actor) as uow:
            uow.properties.get(property_id)
            return uow.media.for_property(property_id)

    def add_photo(
        self,
        actor: Actor,
        property_id: str,
        data: bytes,
        content_type: str,
        filename: str | None = None,
    ) -> PropertyMedia:
        """Store an image and append it to the gallery; nothing is kept on failure.

        The key is made of ids and a slug of `filename` (revideo.domain.keys);
        the name as typed is kept as the photo's `file_name` and the object's metadata.
        """
        check_image(data, content_type)
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(property_id)
            require_owner(actor, prop.user_id, "property", property_id)
            current = uow.media.for_property(property_id)
            media_id = self.ctx.ids()
            name = f"{media_id}-{slug(filename or '', 'photo')}.{_EXTENSIONS[content_type]}"
            path = f"{prop.user_id}/{property_id}/{name}"
            draft = PropertyMedia(
                id=media_id,
                property_id=property_id,
                user_id=prop.user_id,
                storage_path=path,
                public_url=self.store.public_url(PHOTOS_BUCKET, path),
                mime_type=content_type,
                file_name=filename or "",
            )
            placed = gallery.append(current, draft)[-1]
            self.store.put(
                actor, PHOTOS_BUCKET, path, data, content_type, filename=placed.file_name or None
            )
            try:
                return uow.media.add(placed)
            except BaseException:
                self._forget(actor, path)
                raise

    def remove_photo(self, actor: Actor, media_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            photo = uow.media.get(media_id)
            require_owner(actor, photo.user_id, "photo", media_id)
            rest = gallery.remove(uow.media.for_property(photo.property_id), media_id)
            uow.media.delete(media_id)
            uow.media.set_orders(rest)
        self._forget(actor, photo.storage_path)

    def reorder_photos(
        self, actor: Actor, property_id: str, ids: Sequence[str]
    ) -> tuple[PropertyMedia, ...]:
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(property_id)
            require_owner(actor, prop.user_id, "property", property_id)
            ordered = gallery.reorder(uow.media.for_property(property_id), ids)
            uow.media.set_orders(ordered)
            return ordered

    def _forget(self, actor: Actor, path: str) -> None:
        with contextlib.suppress(StorageError):  # an orphan file is harmless
            self.store.delete(actor, PHOTOS_BUCKET, path)


def check_image(data: bytes, content_type: str) -> None:
    """Raise ValidationError('photos') unless `data` is a JPEG, PNG or WebP of sane size."""
    if content_type not in IMAGE_TYPES:
        raise ValidationError("photos", "must be a JPEG, PNG or WebP image")
    if not data:
        raise ValidationError("photos", "the file is empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError("photos", f"must be at most {MAX_PHOTO_BYTES // 2**20} MB")
    if not data.startswith(_MAGIC[content_type]) or (
        content_type == "image/webp" and data[8:12] != b"WEBP"
    ):
        raise ValidationError("photos", f"the file is not a valid {content_type} image")
