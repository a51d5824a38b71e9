"""Supabase Storage as the MediaStore port: public buckets, `<user id>/...` paths."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote

from revideo.adapters.supabase.errors import storage_errors
from revideo.domain.errors import NotFound, StorageError
from revideo.domain.media import check_folder
from revideo.domain.profile import Actor
from revideo.ports.media_store import StoredObject

if TYPE_CHECKING:
    import httpx

    from revideo.adapters.supabase.backend import SupabaseBackend

CHUNK = 256 * 1024


class SupabaseMediaStore:
    """Objects in Supabase Storage, written with the actor's JWT (the system: service role).

    The storage policies of the migrations decide; the folder rule is checked
    here first too, so a refusal is Forbidden before any upload is sent.
    """

    def __init__(self, backend: SupabaseBackend) -> None:
        self.backend = backend

    def put(
        self, actor: Actor, bucket: str, path: str, data: bytes | Iterable[bytes], content_type: str
    ) -> StoredObject:
        check_folder(actor, bucket, path)
        blob = data if isinstance(data, bytes) else b"".join(data)
        options = {"content-type": content_type, "upsert": "true", "cache-control": "3600"}
        with storage_errors(bucket, path, "write"):
            self.backend.storage_client(actor).from_(bucket).upload(path, blob, options)
        return StoredObject(bucket, path, len(blob), content_type, self.public_url(bucket, path))

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        """Stream the object from its public URL; NotFound at once if there is none."""
        import httpx

        http = self.backend.http
        headers = self.backend.headers(self.backend.anon_key)
        request = http.build_request("GET", self.public_url(bucket, path), headers=headers)
        try:
            answer = http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise StorageError(f"cannot read {bucket}/{path}: {exc}") from None
        if answer.status_code >= 300:
            answer.close()
            if answer.status_code in (400, 404):  # Storage answers 400 for a missing object
                raise NotFound("file", f"{bucket}/{path}")
            raise StorageError(f"cannot read {bucket}/{path}: HTTP {answer.status_code}")
        return _stream(answer, f"{bucket}/{path}")

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        check_folder(actor, bucket, path)
        with storage_errors(bucket, path, "delete"):
            self.backend.storage_client(actor).from_(bucket).remove([path])

    def public_url(self, bucket: str, path: str) -> str:
        return f"{self.backend.url}/storage/v1/object/public/{bucket}/{quote(path)}"


def _stream(answer: httpx.Response, name: str) -> Iterator[bytes]:
    import httpx

    try:
        yield from answer.iter_bytes(CHUNK)
    except httpx.HTTPError as exc:
        raise StorageError(f"cannot read {name}: {exc}") from None
    finally:
        answer.close()
