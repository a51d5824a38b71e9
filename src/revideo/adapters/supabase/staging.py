"""
The private `staging` bucket of Supabase Storage (revideo.ports.staging).

Written, read, listed and removed with the actor's JWT (the system: the service
role), so the storage policies of the migrations decide; the folder rule is
checked here first too. Reads go to `/object/authenticated/<bucket>/<path>`
(supabase-storage-real.md §6: a private bucket has no public URL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from revideo.adapters.supabase.errors import storage_errors
from revideo.domain.errors import Forbidden, StorageError, ValidationError
from revideo.domain.keys import check_key
from revideo.domain.media import check_folder, check_listing
from revideo.domain.profile import Actor
from revideo.ports.media_store import StoredObject
from revideo.ports.staging import STAGING_BUCKET, StagedObject

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend

PAGE = 1000  # objects per list request; a folder is read page by page
KIND = "application/octet-stream"


class SupabaseStaging:
    """The staging half of SupabaseMediaStore (which writes through `put`)."""

    backend: SupabaseBackend
    put: Callable[..., StoredObject]

    def stage(self, actor: Actor, path: str, data: bytes | Iterable[bytes]) -> int:
        return self.put(actor, STAGING_BUCKET, path, data, KIND).size

    def staged(self, actor: Actor, path: str) -> Iterator[bytes]:
        from revideo.adapters.supabase.storage import fetch

        check_folder(actor, STAGING_BUCKET, path, "read")
        token = self.backend.sessions.token(actor)
        key = self.backend.service_key if actor.system else self.backend.anon_key
        url = f"{self.backend.url}/storage/v1/object/authenticated/{STAGING_BUCKET}/{quote(path)}"
        return fetch(self.backend, url, self.backend.headers(token, key), f"staging/{path}")

    def unstage(self, actor: Actor, paths: Sequence[str]) -> None:
        for path in paths:
            check_folder(actor, STAGING_BUCKET, path, "delete")
        if paths:
            with storage_errors(STAGING_BUCKET, paths[0], "delete"):
                self.backend.storage_client(actor).from_(STAGING_BUCKET).remove(list(paths))

    def staged_in(self, actor: Actor, folder: str) -> list[StagedObject]:
        check_listing(actor, STAGING_BUCKET, folder)
        return [
            StagedObject(f"{folder}/{e['name']}", int((e.get("metadata") or {}).get("size") or 0))
            for e in self._list(actor, folder)
            if e.get("id") is not None  # folders come back with no id
        ]

    def staging_folders(self, actor: Actor) -> list[str]:
        if not actor.system:
            raise Forbidden("list", STAGING_BUCKET, "")
        return [e["name"] for e in self._list(actor, "") if e.get("id") is None]

    def _list(self, actor: Actor, folder: str) -> list[dict[str, Any]]:
        """Every entry one level below `folder` ('' = the top), in pages of PAGE."""
        bucket = self.backend.storage_client(actor).from_(STAGING_BUCKET)
        found: list[dict[str, Any]] = []
        while True:
            options = {"limit": PAGE, "offset": len(found), "sortBy": {"column": "name"}}
            with storage_errors(STAGING_BUCKET, folder, "list"):
                page = bucket.list(folder, options)
            if not isinstance(page, list):
                raise StorageError(f"cannot list {STAGING_BUCKET}/{folder}: unexpected answer")
            found.extend(e for e in page if isinstance(e, dict) and _safe(e.get("name")))
            if len(page) < PAGE:
                return found


def _safe(name: Any) -> bool:
    try:
        return isinstance(name, str) and bool(check_key(name))
    except ValidationError:
        return False
