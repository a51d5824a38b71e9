"""An in-memory MediaStore and an outbox Mailer, for tests and demos."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence

import attrs

from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.keys import check_key
from revideo.domain.media import check_folder, check_listing
from revideo.domain.profile import Actor
from revideo.ports.media_store import StoredObject
from revideo.ports.staging import STAGING_BUCKET, StagedObject


class InMemoryMediaStore:
    def __init__(self, base_url: str = "memory://") -> None:
        self.base_url = base_url.rstrip("/")
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.filenames: dict[tuple[str, str], str] = {}  # the name as typed, as metadata
        self.staging: dict[str, bytes] = {}  # the private staging area, never public
        self._lock = threading.Lock()

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
        blob = data if isinstance(data, bytes) else b"".join(data)
        with self._lock:
            self.objects[(bucket, path)] = (blob, content_type)
            self.filenames[(bucket, path)] = filename or ""
        return StoredObject(bucket, path, len(blob), content_type, self.public_url(bucket, path))

    def open(self, bucket: str, path: str) -> Iterator[bytes]:
        check_key(path)
        try:
            blob, _ = self.objects[(bucket, path)]
        except KeyError:
            raise NotFound("file", f"{bucket}/{path}") from None
        return iter([blob])

    def delete(self, actor: Actor, bucket: str, path: str) -> None:
        check_folder(actor, bucket, path)
        with self._lock:
            self.objects.pop((bucket, path), None)
            self.filenames.pop((bucket, path), None)

    def public_url(self, bucket: str, path: str) -> str:
        return f"{self.base_url}/{bucket}/{path}"

    # ---- the staging area (revideo.ports.staging) ---------------------------
    def stage(self, actor: Actor, path: str, data: bytes | Iterable[bytes]) -> int:
        check_folder(actor, STAGING_BUCKET, path)
        blob = data if isinstance(data, bytes) else b"".join(data)
        with self._lock:
            self.staging[path] = blob
        return len(blob)

    def staged(self, actor: Actor, path: str) -> Iterator[bytes]:
        check_folder(actor, STAGING_BUCKET, path, "read")
        try:
            return iter([self.staging[path]])
        except KeyError:
            raise NotFound("file", f"{STAGING_BUCKET}/{path}") from None

    def unstage(self, actor: Actor, paths: Sequence[str]) -> None:
        for path in paths:
            check_folder(actor, STAGING_BUCKET, path, "delete")
        with self._lock:
            for path in paths:
                self.staging.pop(path, None)

    def staged_in(self, actor: Actor, folder: str) -> list[StagedObject]:
        check_listing(actor, STAGING_BUCKET, folder)
        with self._lock:
            found = [(p, len(b)) for p, b in self.staging.items() if p.startswith(f"{folder}/")]
        return [
            StagedObject(p, size) for p, size in sorted(found) if "/" not in p[len(folder) + 1 :]
        ]

    def staging_folders(self, actor: Actor) -> list[str]:
        if not actor.system:
            raise Forbidden("list", STAGING_BUCKET, "")
        with self._lock:
            return sorted({p.split("/", 1)[0] for p in self.staging})


@attrs.frozen
class Mail:
    to: str
    subject: str
    body: str


class OutboxMailer:
    """Keeps every sent mail in `outbox`; optionally echoes it to a writer."""

    def __init__(self, echo: bool = False) -> None:
        self.outbox: list[Mail] = []
        self.echo = echo

    def send(self, to: str, subject: str, body: str) -> None:
        self.outbox.append(Mail(to, subject, body))
        if self.echo:
            print(f"--- mail to {to}: {subject}\n{body}\n---", flush=True)
