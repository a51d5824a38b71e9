"""
The staging area: private objects kept between two requests of one user (an
uploaded report between its preview and its import, a half-filled wizard and
its photos), in the media store, so any web host can answer the next request.

Bucket `staging`, never public: object keys are `<user id>/<name>` of the safe
alphabet (revideo.domain.keys). A user may write, read, list and delete only
under their own folder (Supabase: the storage policies of the migrations); the
system anywhere. Errors as in revideo.ports.media_store: NotFound, Forbidden,
ValidationError('path'), StorageError, TooLarge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

import attrs

from revideo.domain.profile import Actor

STAGING_BUCKET = "staging"


@attrs.frozen
class StagedObject:
    path: str  # the whole key, `<user id>/<name>`
    size: int


class StagingArea(Protocol):
    def stage(self, actor: Actor, path: str, data: bytes | Iterable[bytes]) -> int:
        """Write (or overwrite) a private object under `<own id>/`; its size."""
        ...

    def staged(self, actor: Actor, path: str) -> Iterator[bytes]:
        """Stream a private object the actor may read (NotFound when there is none)."""
        ...

    def unstage(self, actor: Actor, paths: Sequence[str]) -> None:
        """Remove objects; removing a missing one is not an error."""
        ...

    def staged_in(self, actor: Actor, folder: str) -> list[StagedObject]:
        """The objects directly in `folder` (a user id), by name."""
        ...

    def staging_folders(self, actor: Actor) -> list[str]:
        """Every folder of the staging area (the system only: Forbidden to users)."""
        ...
