"""Properties and their ordered photos."""

from __future__ import annotations

import builtins
import contextlib
import uuid
from collections.abc import Iterator, Sequence

import attrs

from revideo.domain import media as gallery
from revideo.domain.errors import Duplicate, StorageError, ValidationError
from revideo.domain.keys import render_key, slug
from revideo.domain.media import IMAGE_TYPES, MAX_PHOTO_BYTES, MAX_PHOTOS, PropertyMedia
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor
from revideo.domain.property import Property, PropertyInput
from revideo.domain.video import Video
from revideo.ports.fetcher import RemoteFetcher
from revideo.ports.images import CleanImage, ImageCleaner
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET, MediaStore
from revideo.ports.repositories import PropertyFilter, UnitOfWork, VideoFilter
from revideo.services._base import Context, require_owner, signed_in

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
APPEND_ATTEMPTS = 3  # where the store holds no row lock, a racing upload may take a place


@attrs.frozen
class Upload:
    """An uploaded photo: its bytes and its file name as typed (kept, slugged into the key,
    and named in an error)."""

    data: bytes
    name: str = ""


Cleaned = tuple[CleanImage, str]  # a re-encoded photo and its file name as typed


@attrs.frozen
class PropertyService:
    ctx: Context
    store: MediaStore
    images: ImageCleaner
    fetcher: RemoteFetcher | None = None

    # ---- properties -----------------------------------------------------
    def create(
        self,
        actor: Actor,
        data: PropertyInput,
        photos: Sequence[Upload] = (),
        submission_key: str | None = None,
    ) -> Property:
        """Create a property with its photos, all or nothing (one transaction).

        `submission_key` (a UUID from the form) makes a double submit harmless: the database
        takes each key once per user, and a key used before returns the property it made.
        """
        owner = signed_in(actor)
        key = check_submission_key(submission_key)
        found = self.submitted(actor, key) if key else None
        if found is not None:
            return found
        if len(photos) > MAX_PHOTOS:
            raise ValidationError("photos", f"a property holds at most {MAX_PHOTOS} photos")
        cleaned = self._cleaned(photos)  # every photo checked before any write
        prop = Property(id=self.ctx.ids(), user_id=owner, **attrs.asdict(data, recurse=False))
        try:
            with self._storing(actor) as stored:
                media = self._put(actor, prop, (), cleaned, stored)  # files first, then rows
                with self.ctx.uow(actor) as uow:
                    return uow.properties.add(prop, key, media)  # one transaction
        except Duplicate:
            found = self.submitted(actor, key) if key else None
            if found is None:
                raise
            return found  # the same form, submitted twice at once: the first one won

    def submitted(self, actor: Actor, submission_key: str) -> Property | None:
        """The actor's property created with this submission key, if any."""
        with self.ctx.uow(actor) as uow:
            return uow.properties.by_submission(submission_key)

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
        """Delete a property with its photos and videos, then every file they had: the
        photos and each video's archived MP4 and JPG."""
        with self.ctx.uow(actor) as uow:
            old = uow.properties.get(property_id)
            require_owner(actor, old.user_id, "property", property_id)
            files = owned_files(uow, property_id)
            uow.properties.delete(property_id)
        for bucket, path in files:
            with contextlib.suppress(StorageError):  # an orphan file is harmless
                self.store.delete(actor, bucket, path)

    # ---- photos -----------------------------------------------------------
    def photos(self, actor: Actor, property_id: str) -> tuple[PropertyMedia, ...]:
        with self.ctx.uow(actor) as uow:
            uow.properties.get(property_id)
            return uow.media.for_property(property_id)

    def covers(self, actor: Actor, property_ids: Sequence[str]) -> dict[str, str]:
        """Each property's cover (its first photo's URL), for the ones that have photos:
        one query a property, for a page of them."""
        found: dict[str, str] = {}
        with self.ctx.uow(actor) as uow:
            for pid in property_ids:
                media = uow.media.for_property(pid)
                if media:
                    found[pid] = min(media, key=lambda m: m.order).public_url
        return found

    def add_photo(
        self,
        actor: Actor,
        property_id: str,
        data: bytes,
        content_type: str | None = None,
        filename: str | None = None,
    ) -> PropertyMedia:
        """Store an image and append it to the gallery; nothing is kept on failure.

        The stored type is the one the bytes decode as; `content_type`, if given, must be
        an image type. The key is made of ids and a slug of `filename`
        (revideo.domain.keys); the name as typed is kept as the photo's `file_name`.
        """
        if content_type is not None and content_type not in IMAGE_TYPES:
            raise ValidationError("photos", "must be a JPEG, PNG or WebP image")
        return self.add_photos(actor, property_id, [Upload(data, filename or "")])[0]

    def add_photos(
        self, actor: Actor, property_id: str, photos: Sequence[Upload]
    ) -> tuple[PropertyMedia, ...]:
        """Append several photos at once, all or none; each is decoded and re-encoded first.

        Two uploads at once queue on the property (or, where the store cannot lock, retry
        when the gallery's unique place is taken), so places stay 0..n-1.
        """
        if not photos:
            raise ValidationError("photos", "choose at least one image")
        cleaned = self._cleaned(photos)
        for attempt in range(APPEND_ATTEMPTS):
            try:
                with self._storing(actor) as stored, self.ctx.uow(actor) as uow:
                    prop = uow.properties.lock(property_id)
                    require_owner(actor, prop.user_id, "property", property_id)
                    return self._append(uow, actor, prop, cleaned, stored)
            except Duplicate:
                if attempt + 1 == APPEND_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def add_photos_by_url(
        self, actor: Actor, property_id: str, urls: Sequence[str]
    ) -> tuple[PropertyMedia, ...]:
        """Fetch images by URL (each checked by the fetcher: public address, image type,
        size, time) and append them as `add_photos` does, all or none. The property is
        checked first, so nobody makes the server fetch for a property they cannot change."""
        if self.fetcher is None:
            raise ValidationError("urls", "photos by URL are not available here")
        if not urls:
            raise ValidationError("urls", "give at least one URL")
        if len(urls) > MAX_PHOTOS:
            raise ValidationError("urls", f"a property holds at most {MAX_PHOTOS} photos")
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(property_id)
            require_owner(actor, prop.user_id, "property", property_id)
        uploads = [
            Upload(
                self.fetcher.fetch(
                    url, field=f"urls[{n}]", types=IMAGE_TYPES, max_bytes=MAX_PHOTO_BYTES
                ),
                url.rsplit("/", 1)[-1].split("?", 1)[0][:100],
            )
            for n, url in enumerate(urls)
        ]
        return self.add_photos(actor, property_id, uploads)

    def clean_photo(self, upload: Upload) -> CleanImage:
        """Decode and re-encode one photo (ValidationError('photos') naming the file)."""
        return self._clean(upload)

    def _clean(self, upload: Upload) -> CleanImage:
        try:
            return self.images.clean(upload.data)
        except ValidationError as exc:
            name = f"{upload.name}: " if upload.name else ""
            raise ValidationError("photos", f"{name}{exc.message}") from None

    def _cleaned(self, uploads: Sequence[Upload]) -> builtins.list[Cleaned]:
        return [(self._clean(u), u.name) for u in uploads]

    def _append(
        self,
        uow: UnitOfWork,
        actor: Actor,
        prop: Property,
        photos: Sequence[Cleaned],
        stored: builtins.list[str],
    ) -> tuple[PropertyMedia, ...]:
        """Store each photo's file, then its row at the end of the gallery (inside `uow`)."""
        placed = self._put(actor, prop, uow.media.for_property(prop.id), photos, stored)
        return uow.media.add_all(placed)  # all or none (one SQL function on Supabase)

    def _put(
        self,
        actor: Actor,
        prop: Property,
        current: Sequence[PropertyMedia],
        photos: Sequence[Cleaned],
        stored: builtins.list[str],
    ) -> builtins.list[PropertyMedia]:
        """Store each photo's file; return its row, placed after `current` (not yet saved)."""
        if len(current) + len(photos) > MAX_PHOTOS:
            raise ValidationError("photos", f"a property holds at most {MAX_PHOTOS} photos")
        placed: builtins.list[PropertyMedia] = []
        for image, filename in photos:
            media_id = self.ctx.ids()
            name = f"{media_id}-{slug(filename, 'photo')}.{_EXTENSIONS[image.content_type]}"
            path = f"{prop.user_id}/{prop.id}/{name}"
            draft = PropertyMedia(
                id=media_id,
                property_id=prop.id,
                user_id=prop.user_id,
                storage_path=path,
                public_url=self.store.public_url(PHOTOS_BUCKET, path),
                mime_type=image.content_type,
                file_name=filename,
            )
            placed.append(gallery.append((*current, *placed), draft)[-1])
            stored.append(path)
            self.store.put(
                actor,
                PHOTOS_BUCKET,
                path,
                image.data,
                image.content_type,
                filename=placed[-1].file_name or None,
            )
        return placed

    @contextlib.contextmanager
    def _storing(self, actor: Actor) -> Iterator[builtins.list[str]]:
        """Paths written inside the block; all deleted again if the block fails."""
        stored: builtins.list[str] = []
        try:
            yield stored
        except BaseException:
            for path in stored:
                self._forget(actor, path)
            raise

    def remove_photo(self, actor: Actor, media_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            photo = uow.media.get(media_id)
            require_owner(actor, photo.user_id, "photo", media_id)
            uow.properties.lock(photo.property_id)  # one gallery change at a time
            rest = gallery.remove(uow.media.for_property(photo.property_id), media_id)
            uow.media.delete(media_id, reorder=rest)  # one write: the row and the rest's places
        self._forget(actor, photo.storage_path)

    def reorder_photos(
        self, actor: Actor, property_id: str, ids: Sequence[str]
    ) -> tuple[PropertyMedia, ...]:
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.lock(property_id)
            require_owner(actor, prop.user_id, "property", property_id)
            ordered = gallery.reorder(uow.media.for_property(property_id), ids)
            uow.media.set_orders(ordered)
            return ordered

    def _forget(self, actor: Actor, path: str) -> None:
        with contextlib.suppress(StorageError):  # an orphan file is harmless
            self.store.delete(actor, PHOTOS_BUCKET, path)


def check_submission_key(value: str | None) -> str | None:
    """A form's one-time submission key in canonical form (None when there is none)."""
    if value is None:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValidationError("submission_key", "the form is out of date: reload it") from None


def video_files(video: Video) -> builtins.list[tuple[str, str]]:
    """Where a video's archived render and thumbnail may be kept: the key of its render
    (revideo.domain.keys.render_key, see services.archive) and the layout before it."""
    found = []
    for ext in ("mp4", "jpg"):
        key = render_key(video.user_id, video.id, video.attempt_count, video.engine_video_id, ext)
        found += [(VIDEOS_BUCKET, key), (VIDEOS_BUCKET, f"{video.user_id}/{video.id}.{ext}")]
    return found


def owned_files(uow: UnitOfWork, property_id: str) -> builtins.list[tuple[str, str]]:
    """Every stored object of a property: its photos and its videos' archived files."""
    files = [(PHOTOS_BUCKET, m.storage_path) for m in uow.media.for_property(property_id)]
    for video in every(lambda page: uow.videos.list(VideoFilter(property_id=property_id), page)):
        files += video_files(video)
    return files
