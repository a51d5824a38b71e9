"""Buckets as folders: `<root>/<bucket>/<user id>/<file>`, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from revideo.domain.errors import NotFound, StorageError, ValidationError
from revideo.domain.keys import check_key
from revideo.domain.media import check_folder
from revideo.domain.profile import Actor
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET, StoredObject

BUCKETS = (PHOTOS_BUCKET, VIDEOS_BUCKET)
CHUNK = 256 * 1024


class FilesMediaStore:
    """Objects are files; a half-written file is never visible under its name."""

    def __init__(self, root: Path, base_url: str = "/media") -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def put(
        self,
        actor: Actor,
        bucket: str,
        path: str,
        data: bytes | Iterable[bytes],
        content_type: str,
        *,
        filename: str | None = None,  # a plain file has no metadata: the database keeps it
    ) -> StoredObject:
        target = self._file(bucket, path)
        check_folder(actor, bucket, path)
        chunks = [data] if isinstance(data, bytes) else data
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
            size = 0
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(tmp, target)
        except OSError as exc:
            raise StorageError(f"cannot write {bucket}/{path}: {exc.strerror}") from None
        return StoredObject(bucket, path, size, content_type, self.public_url(bucket, path))

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        target = self._file(bucket, path)
        try:
            handle = target.open("rb")
        except FileNotFoundError:
            raise NotFound("file", f"{bucket}/{path}") from None
        except OSError as exc:
            raise StorageError(f"cannot read {bucket}/{path}: {exc.strerror}") from None
        return _stream(handle)

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        target = self._file(bucket, path)
        check_folder(actor, bucket, path)
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {bucket}/{path}: {exc.strerror}") from None

    def public_url(self, bucket: str, path: str) -> str:
        return f"{self.base_url}/{bucket}/{path}"

    def local_path(self, bucket: str, path: str) -> Path:
        """Where an object lives on disk (for serving it)."""
        return self._file(bucket, path)

    def _file(self, bucket: str, path: str) -> Path:
        if bucket not in BUCKETS:
            raise ValidationError("bucket", f"must be one of {', '.join(BUCKETS)}")
        check_key(path)  # no '.', '..', '/...' or hidden names either
        return self.root.joinpath(bucket, *PurePosixPath(path).parts)


def _stream(handle) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk
