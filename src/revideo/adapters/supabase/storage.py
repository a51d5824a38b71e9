"""Supabase Storage as the MediaStore port: public buckets, `<user id>/...` paths."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from revideo.adapters.supabase.errors import storage_errors
from revideo.adapters.supabase.staging import SupabaseStaging
from revideo.domain.errors import NotFound, StorageError, TooLarge
from revideo.domain.keys import check_key
from revideo.domain.media import check_folder
from revideo.domain.profile import Actor
from revideo.ports.media_store import StoredObject

if TYPE_CHECKING:
    import httpx

    from revideo.adapters.supabase.backend import SupabaseBackend

CHUNK = 256 * 1024
MIB = 1024 * 1024
SMALL = 6 * MIB  # larger files go as resumable uploads (Supabase's advice: over 6 MB)


class SupabaseMediaStore(SupabaseStaging):
    """Objects in Supabase Storage, written with the actor's JWT (the system: service role).

    The storage policies of the migrations decide; the folder rule is checked
    here first too, so a refusal is Forbidden before any upload is sent.
    Files up to 6 MiB go in one request, larger ones as resumable (TUS)
    uploads in 6 MiB chunks; a stream is spooled to a temporary file first,
    so its length is known and it is never held in memory whole. The private
    staging area is the `staging` bucket (SupabaseStaging).
    """

    def __init__(self, backend: SupabaseBackend) -> None:
        self.backend = backend

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
        check_folder(actor, bucket, path)
        with _spooled(data, f"{bucket}/{path}") as (size, small, stream):
            if small is not None:
                self._upload(actor, bucket, path, small, content_type, filename)
            else:
                self._resumable(actor, bucket, path, stream, content_type, filename)
        return StoredObject(bucket, path, size, content_type, self.public_url(bucket, path))

    def _upload(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        blob: bytes,
        content_type: str,
        filename: str | None,
    ) -> None:
        options: dict[str, Any] = {
            "content-type": content_type,
            "upsert": "true",
            "cache-control": "3600",
        }
        if filename:
            options["metadata"] = {"filename": filename}
        with storage_errors(bucket, path, "write", lambda: self.too_large(bucket)):
            self.backend.storage_client(actor).from_(bucket).upload(path, blob, options)

    def _resumable(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        stream: IO[bytes],
        content_type: str,
        filename: str | None,
    ) -> None:
        from revideo.adapters.supabase import resumable

        token = self.backend.sessions.token(actor)
        key = self.backend.service_key if actor.system else self.backend.anon_key
        resumable.upload(
            f"{self.backend.url}/storage/v1/upload/resumable",
            self.backend.headers(token, key),
            (bucket, path),
            stream,
            content_type,
            filename=filename,
            too_large=lambda: self.too_large(bucket),
            timeout=self.backend.storage_timeout,
        )

    def too_large(self, bucket: str) -> TooLarge:
        """The refusal of a file over the limit, naming the limit and where it is set."""
        limit = self.size_limit(bucket)
        shown = f" ({limit / MIB:g} MB)" if limit else ""
        setting = (
            f"the file size limit of the '{bucket}' bucket (Supabase dashboard: Storage,"
            " or storage.buckets.file_size_limit), within the project's upload limit"
        )
        return TooLarge(f"larger than your Supabase limit{shown}", limit, setting)

    def size_limit(self, bucket: str) -> int | None:
        """The bucket's `file_size_limit` in bytes, read with the service key; None if unknown."""
        key = self.backend.service_key
        if not key:
            return None
        try:
            answer = self.backend.http.get(
                f"{self.backend.url}/storage/v1/bucket/{quote(bucket)}",
                headers=self.backend.headers(key, key),
            )
            limit = answer.json().get("file_size_limit") if answer.status_code == 200 else None
        except Exception:  # only for the message: an unknown limit is said as such
            return None
        return int(limit) if limit else None

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        """Stream the object from its public URL; NotFound at once if there is none."""
        check_key(path)
        headers = self.backend.headers(self.backend.anon_key)
        return fetch(self.backend, self.public_url(bucket, path), headers, f"{bucket}/{path}")

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        check_folder(actor, bucket, path)
        with storage_errors(bucket, path, "delete"):
            self.backend.storage_client(actor).from_(bucket).remove([path])

    def public_url(self, bucket: str, path: str) -> str:
        return f"{self.backend.url}/storage/v1/object/public/{bucket}/{quote(path)}"


def fetch(
    backend: SupabaseBackend, url: str, headers: dict[str, str], name: str
) -> Iterator[bytes]:
    """Stream an object's bytes from `url`; NotFound at once if there is none."""
    import httpx

    http = backend.http
    try:
        answer = http.send(http.build_request("GET", url, headers=headers), stream=True)
    except httpx.HTTPError as exc:
        raise StorageError(f"cannot read {name}: {exc}") from None
    if answer.status_code >= 300:
        answer.close()
        if answer.status_code in (400, 404):  # Storage answers 400 for a missing object
            raise NotFound("file", name)
        raise StorageError(f"cannot read {name}: HTTP {answer.status_code}")
    return _stream(answer, name)


def _stream(answer: httpx.Response, name: str) -> Iterator[bytes]:
    import httpx

    try:
        yield from answer.iter_bytes(CHUNK)
    except httpx.HTTPError as exc:
        raise StorageError(f"cannot read {name}: {exc}") from None
    finally:
        answer.close()


@contextmanager
def _spooled(
    data: bytes | Iterable[bytes], name: str
) -> Iterator[tuple[int, bytes | None, IO[bytes]]]:
    """(size, the bytes if at most SMALL, a seekable stream of them).

    A stream is written to a temporary file as it arrives, so a large file
    is on disk once, not in memory.
    """
    import io

    if isinstance(data, bytes):
        yield len(data), (data if len(data) <= SMALL else None), io.BytesIO(data)
        return
    try:
        with tempfile.TemporaryFile(prefix="revideo-upload-") as spool:
            size = 0
            for chunk in data:
                spool.write(chunk)
                size += len(chunk)
            spool.seek(0)
            small = spool.read() if size <= SMALL else None
            spool.seek(0)
            yield size, small, spool
    except OSError as exc:  # a full or missing temporary folder
        raise StorageError(f"cannot write {name}: {exc.strerror}") from None
