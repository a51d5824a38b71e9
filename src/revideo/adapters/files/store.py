"""Buckets as folders: `<root>/<bucket>/<user id>/<file>`, written atomically.

The private staging area is `<root>/staging/<user id>/<file>`: the same
folder on every web host when `<root>` is shared storage; never served under
/media (only the public buckets are).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from revideo.domain.errors import Forbidden, NotFound, StorageError, ValidationError
from revideo.domain.keys import check_key
from revideo.domain.media import check_folder, check_listing
from revideo.domain.profile import Actor
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET, StoredObject
from revideo.ports.staging import STAGING_BUCKET, StagedObject

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
        size = _write(target, data, f"{bucket}/{path}")
        return StoredObject(bucket, path, size, content_type, self.public_url(bucket, path))

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        return _read(self._file(bucket, path), f"{bucket}/{path}")

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        target = self._file(bucket, path)
        check_folder(actor, bucket, path)
        _unlink(target, f"{bucket}/{path}")

    def public_url(self, bucket: str, path: str) -> str:
        return f"{self.base_url}/{bucket}/{path}"

    def local_path(self, bucket: str, path: str) -> Path:
        """Where an object lives on disk (for serving it)."""
        return self._file(bucket, path)

    # ---- the staging area (revideo.ports.staging) ---------------------------
    def stage(self, actor: Actor, path: str, data: bytes | Iterable[bytes]) -> int:
        check_folder(actor, STAGING_BUCKET, path)
        return _write(self._staged(path), data, f"{STAGING_BUCKET}/{path}")

    def staged(self, actor: Actor, path: str) -> Iterator[bytes]:
        check_folder(actor, STAGING_BUCKET, path, "read")
        return _read(self._staged(path), f"{STAGING_BUCKET}/{path}")

    def unstage(self, actor: Actor, paths: Sequence[str]) -> None:
        for path in paths:
            check_folder(actor, STAGING_BUCKET, path, "delete")
        for path in paths:
            _unlink(self._staged(path), f"{STAGING_BUCKET}/{path}")

    def staged_in(self, actor: Actor, folder: str) -> list[StagedObject]:
        check_listing(actor, STAGING_BUCKET, folder)
        found = []
        for entry in _entries(self.root / STAGING_BUCKET / folder):
            if entry.name.startswith("."):  # .part-: still being written
                continue
            try:
                if entry.is_file():
                    found.append(StagedObject(f"{folder}/{entry.name}", entry.stat().st_size))
            except FileNotFoundError:  # removed meanwhile
                continue
        return sorted(found, key=lambda o: o.path)

    def staging_folders(self, actor: Actor) -> list[str]:
        if not actor.system:
            raise Forbidden("list", STAGING_BUCKET, "")
        return sorted(e.name for e in _entries(self.root / STAGING_BUCKET) if e.is_dir())

    def _staged(self, path: str) -> Path:
        check_key(path)
        return self.root.joinpath(STAGING_BUCKET, *PurePosixPath(path).parts)

    def _file(self, bucket: str, path: str) -> Path:
        if bucket not in BUCKETS:
            raise ValidationError("bucket", f"must be one of {', '.join(BUCKETS)}")
        check_key(path)  # no '.', '..', '/...' or hidden names either
        return self.root.joinpath(bucket, *PurePosixPath(path).parts)


def _write(target: Path, data: bytes | Iterable[bytes], name: str) -> int:
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
        raise StorageError(f"cannot write {name}: {exc.strerror}") from None
    return size


def _read(target: Path, name: str) -> Iterator[bytes]:
    try:
        handle = target.open("rb")
    except FileNotFoundError:
        raise NotFound("file", name) from None
    except OSError as exc:
        raise StorageError(f"cannot read {name}: {exc.strerror}") from None
    return _stream(handle)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return list(found)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StorageError(f"cannot list {folder.name}: {exc.strerror}") from None


def _unlink(target: Path, name: str) -> None:
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot delete {name}: {exc.strerror}") from None


def _stream(handle) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk
