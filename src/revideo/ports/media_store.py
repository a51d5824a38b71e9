"""
Where photos and finished videos are kept: buckets `property-images` and
`generated-videos`, object paths `<user id>/<file>`.

Errors: StorageError (cannot write/read), NotFound (no such object),
Forbidden (the actor may not write under that folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import attrs

from revideo.domain.profile import Actor

PHOTOS_BUCKET = "property-images"
VIDEOS_BUCKET = "generated-videos"


@attrs.frozen
class StoredObject:
    bucket: str
    path: str
    size: int
    content_type: str
    public_url: str


class MediaStore(Protocol):
    def put(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        data: bytes | Iterable[bytes],
        content_type: str,
    ) -> StoredObject:
        """Write (or overwrite) an object; a user may write only under `<own id>/`."""
        ...

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        """Stream an object's bytes."""
        ...

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        """Remove an object; removing a missing one is not an error."""
        ...

    def public_url(self, bucket: str, path: str) -> str: ...
