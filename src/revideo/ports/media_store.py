"""
Where photos and finished videos are kept: buckets `property-images` and
`generated-videos`, object paths `<user id>/<file>`.

Paths are keys of the safe alphabet (revideo.domain.keys): every store
refuses any other with ValidationError('path'), so a path, its object and its
public URL always agree. A new version of a file goes to a new path (public
URLs are cached for an hour), and the old one is deleted.

Every store also keeps the private staging area (revideo.ports.staging).

Errors: StorageError (cannot write/read), TooLarge (a StorageError: over the
store's size limit; retrying will not help), NotFound (no such object),
Forbidden (the actor may not write under that folder), ValidationError (an
unsafe key).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import attrs

from revideo.domain.profile import Actor
from revideo.ports.staging import StagingArea

PHOTOS_BUCKET = "property-images"
VIDEOS_BUCKET = "generated-videos"


@attrs.frozen
class StoredObject:
    bucket: str
    path: str
    size: int
    content_type: str
    public_url: str


class MediaStore(StagingArea, Protocol):
    def put(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        data: bytes | Iterable[bytes],
        content_type: str,
        *,
        filename: str | None = None,
    ) -> StoredObject:
        """Write (or overwrite) an object; a user may write only under `<own id>/`.

        `filename` is the name as the user typed it, kept as the object's
        metadata where the store has any (never part of the key).
        """
        ...

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        """Stream an object's bytes."""
        ...

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        """Remove an object; removing a missing one is not an error."""
        ...

    def public_url(self, bucket: str, path: str) -> str: ...
