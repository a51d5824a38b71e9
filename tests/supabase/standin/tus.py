"""
Resumable (TUS 1.0.0) uploads at `/storage/v1/upload/resumable`, as the real
Storage server answers them (supabase-storage-real.md §1, "real §1" below;
supabase/storage v1.26.5 src/http/routes/tus): creation with `Upload-Length`
and base64 `Upload-Metadata` (bucketName, objectName, contentType,
cacheControl, metadata), `PATCH` chunks of exactly 6 MiB at their offsets,
`HEAD` for the offset to resume from, 409 while another request holds the
lock of the same object path. TUS errors carry the real HTTP status and a
plain-text body (the server's onResponseError), not Storage's 400+statusCode.

Faults for tests: `cut(keep, after=k)` lets `k` PATCHes through, then makes
the next keep only its first `keep` bytes (what a server had received when
the connection dropped) and hang up without an answer; `stall(after=k)` lets
`k` PATCHes through, then holds every request without an answer until
`unstall()` (a server that stopped answering: the client's timeout must end it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from tests.supabase.standin.server import HANG_UP, Reply, Request
from tests.supabase.standin.storage import key_refusal, metadata, object_key
from tests.supabase.standin.tokens import BadToken, claims_of

if TYPE_CHECKING:
    from tests.supabase.standin.storage import StorageStandIn

CHUNK = 6 * 1024 * 1024  # real §1: PATCH chunks of exactly 6 MiB (the last may be shorter)
TUS = (("Tus-Resumable", "1.0.0"),)


def text(status: int, message: str, *headers: tuple[str, str]) -> Reply:
    return Reply(status, message.encode(), (*TUS, *headers), "text/plain; charset=utf-8")


@attrs.define
class Upload:
    id: str
    bucket: str
    name: str
    length: int
    kind: str
    cache_control: str
    user_metadata: Any
    upsert: bool
    scratch: Path
    offset: int = 0
    md5: Any = attrs.field(factory=hashlib.md5)


class TusStandIn:
    def __init__(self, storage: StorageStandIn) -> None:
        self.storage = storage
        self.uploads: dict[str, Upload] = {}
        self.patches = 0  # PATCH requests seen (for tests: the chunks really were sent)
        self.hung_up = 0
        self._cut: tuple[int, int] | None = None  # (PATCHes still let through, bytes kept)
        self._stall: int | None = None  # PATCHes still let through before the stall
        self._stalled = threading.Event()  # set: requests held by the stall may go
        self.held = 0  # requests the stall held
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    def cut(self, keep: int, after: int = 0) -> None:
        """After `after` PATCHes, one keeps only its first `keep` bytes; the connection drops."""
        self._cut = (after, keep)

    def stall(self, after: int = 0) -> None:
        """After `after` PATCHes, hold every request unanswered until unstall()."""
        self._stalled.clear()
        self._stall = after

    def unstall(self) -> None:
        """Let the held requests go (they end with a dropped connection)."""
        self._stall = None
        self._stalled.set()

    def __call__(self, req: Request, upload_id: str | None) -> Reply:
        if self._stall is not None:
            if self._stall == 0:
                self.held += 1
                self._stalled.wait()
                return Reply(HANG_UP)
            if req.method == "PATCH":
                self._stall -= 1
        if req.headers.get("Tus-Resumable") != "1.0.0":
            return text(412, "Unsupported TUS version")
        if req.method in ("POST", "PATCH") and "Authorization" not in req.headers:
            # real §6: no Authorization header is refused
            return text(400, "headers must have required property 'authorization'")
        try:
            claims = claims_of(req.headers.get("Authorization"))
        except BadToken as exc:
            return text(403, str(exc))
        if upload_id is None:
            return self.create(req, claims) if req.method == "POST" else text(405, "POST only")
        upload = self.uploads.get(upload_id)
        if upload is None:
            return text(404, "The file for this url was not found")
        if req.method == "HEAD":
            offsets = (("Upload-Offset", str(upload.offset)), ("Upload-Length", str(upload.length)))
            return text(200, "", *offsets, ("Cache-Control", "no-store"))
        if req.method == "PATCH":
            return self.patch(req, claims, upload)
        return text(405, "HEAD or PATCH")

    # ---- creation -----------------------------------------------------------
    def create(self, req: Request, claims: dict[str, Any]) -> Reply:
        length = req.headers.get("Upload-Length")
        if length is None or not length.isdigit():
            return text(400, "Upload-Length or Upload-Defer-Length header required")
        meta = _metadata(req.headers.get("Upload-Metadata") or "")
        bucket, name = meta.get("bucketName", ""), object_key(meta.get("objectName", ""))
        kind = meta.get("contentType") or "application/octet-stream"
        row = self.storage.bucket(bucket)
        if row is None:
            return text(404, "Bucket not found")
        if key_refusal(name) is not None:
            return text(400, f"Invalid key: {name}")
        if int(length) > self.storage.limit_of(row):
            return text(413, "Maximum size exceeded")  # @tus/server's maxSize check (real §1)
        allowed = row.get("allowed_mime_types")
        if allowed and kind not in allowed:
            return text(415, f"mime type {kind} is not supported")
        upsert = req.headers.get("x-upsert") == "true"
        refusal = self.can_upload(claims, bucket, name, upsert)
        if refusal is not None:
            return refusal
        seconds = meta.get("cacheControl") or ""
        upload_id = base64.urlsafe_b64encode(f"{bucket}/{name}/{uuid.uuid4()}".encode()).decode()
        scratch = self.storage.scratch() / uuid.uuid4().hex
        scratch.touch()
        self.uploads[upload_id.rstrip("=")] = Upload(
            id=upload_id.rstrip("="),
            bucket=bucket,
            name=name,
            length=int(length),
            kind=kind,
            cache_control=f"max-age={seconds}" if seconds.isdigit() else "no-cache",
            user_metadata=_json_or_none(meta.get("metadata")),
            upsert=upsert,
            scratch=scratch,
        )
        host = req.headers.get("Host", "127.0.0.1")
        where = f"http://{host}/storage/v1/upload/resumable/{upload_id.rstrip('=')}"
        return text(201, "", ("Location", where), ("Upload-Offset", "0"))

    def can_upload(
        self, claims: dict[str, Any], bucket: str, name: str, upsert: bool
    ) -> Reply | None:
        """The server's canUpload: try the row as the caller, then roll it back."""
        import psycopg

        probe = {"_upsert": upsert, "_user": None, "mimetype": "probe"}
        try:
            with self.storage.pool.connection() as conn, conn.transaction():
                self.storage.as_caller(conn, claims)
                self.storage.record(conn, claims, (bucket, name), probe)
                raise psycopg.Rollback()
        except psycopg.errors.UniqueViolation:
            return text(409, "The resource already exists")
        except psycopg.Error as exc:
            if exc.sqlstate == "42501":
                return text(403, "new row violates row-level security policy")
            return text(500, str(exc))
        return None

    # ---- chunks -------------------------------------------------------------
    def patch(self, req: Request, claims: dict[str, Any], upload: Upload) -> Reply:
        if req.headers.get("Content-Type") != "application/offset+octet-stream":
            return text(415, "Content-Type must be application/offset+octet-stream")
        lock = self._lock_of(upload)
        if not lock.acquire(blocking=False):
            return text(409, "file is currently locked")  # real §1: 409 while locked
        try:
            return self._append(req, claims, upload)
        finally:
            lock.release()

    def _append(self, req: Request, claims: dict[str, Any], upload: Upload) -> Reply:
        self.patches += 1
        if req.headers.get("Upload-Offset") != str(upload.offset):
            return text(409, "Upload-Offset header does not match the current offset")
        data = req.body
        end = upload.offset + len(data)
        if end > upload.length:
            return text(413, "Upload-Length exceeded")
        if end < upload.length and len(data) != CHUNK:
            return text(400, f"chunks must be exactly {CHUNK} bytes")  # real §1
        if self._cut is not None and self._cut[0] > 0:
            self._cut = (self._cut[0] - 1, self._cut[1])
        elif self._cut is not None:
            data, self._cut = data[: self._cut[1]], None
            self._write(upload, data)
            self.hung_up += 1
            return Reply(HANG_UP)
        self._write(upload, data)
        if upload.offset < upload.length:
            return text(204, "", ("Upload-Offset", str(upload.offset)))
        return self._finish(claims, upload)

    def _write(self, upload: Upload, data: bytes) -> None:
        with upload.scratch.open("ab") as out:
            out.write(data)
        upload.md5.update(data)
        upload.offset += len(data)

    def _finish(self, claims: dict[str, Any], upload: Upload) -> Reply:
        """Record the object as the uploader (real §6: owner_id) and move the bytes in."""
        meta = metadata(None, upload.kind, upload.cache_control, etag=upload.md5.hexdigest())
        meta["size"] = upload.length
        meta["_upsert"], meta["_user"] = upload.upsert, upload.user_metadata
        answer = self.storage.store(claims, (upload.bucket, upload.name), upload.scratch, meta)
        self.uploads.pop(upload.id, None)
        if answer.status != 200:
            body = answer.body if isinstance(answer.body, dict) else {}
            return text(int(body.get("statusCode", 500)), str(body.get("message", "")))
        return text(204, "", ("Upload-Offset", str(upload.offset)), ("Tus-Complete", "1"))

    def _lock_of(self, upload: Upload) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((upload.bucket, upload.name), threading.Lock())


def _metadata(header: str) -> dict[str, str]:
    """`key base64value,key base64value` (TUS Upload-Metadata)."""
    found = {}
    for pair in header.split(","):
        key, _, value = pair.strip().partition(" ")
        if key:
            found[key] = base64.b64decode(value).decode("utf-8") if value else ""
    return found


def _json_or_none(value: str | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None
