"""
Storage API subset, as strict as the real server (supabase/storage v1.26.5,
measured in /work/shared/docs/supabase-storage-real.md, cited below as
"real §N"): upload (multipart POST/PUT, `x-upsert`), public (public buckets
only) and authenticated download and HEAD (a single `Range: bytes=a-b`
answered with 206), bucket info, list, remove, and resumable TUS uploads
(tests/supabase/standin/tus.py).
Object rows go into `storage.objects` as the caller's role with its claims,
so the migrations' storage policies decide; bytes live in a folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC
from email.parser import BytesParser
from email.policy import HTTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from tests.supabase.standin.server import FileSlice, Reply, Request, send_json
from tests.supabase.standin.tokens import BadToken, claims_of

# real §1: the global limit, supabase/config.toml [storage] file_size_limit "50MiB" (Free plan)
FREE_PLAN_LIMIT = 50 * 1024 * 1024
# real §2: the server's isValidKey (src/storage/limits.ts):
# \w / ! - . * ' ( ) space & $ @ = ; : + , ?
_VALID_KEY = re.compile(r"[A-Za-z0-9_/!\-.*'() &$@=;:+,?]+")


def refuse(status: int, error: str, message: str) -> Reply:
    """Storage's error shape: HTTP 400, the real status in `statusCode` (real, "Same on both")."""
    return send_json(400, {"statusCode": str(status), "error": error, "message": message})


def object_key(raw: str) -> str:
    """real §2: a `;` silently cuts the key (`a&b=c;d.jpg` is stored as `a&b=c`)."""
    return raw.split(";", 1)[0]


def key_refusal(name: str) -> Reply | None:
    """real §2: non-ASCII, `# \\ % ^ | ~ < > " { } [ ]` and tab are refused with InvalidKey."""
    if name and _VALID_KEY.fullmatch(name):
        return None
    return refuse(400, "InvalidKey", f"Invalid key: {name}")


def multipart_fields(req: Request) -> tuple[bytes, str, dict[str, str]]:
    """The `file` part of a multipart/form-data body, its content type, and the other fields."""
    head = f"Content-Type: {req.headers.get('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    data, kind, fields = req.body, str(req.headers.get("Content-Type") or ""), {}
    if not message.is_multipart():
        return data, kind or "application/octet-stream", fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            data, kind = payload, part.get_content_type()
        elif isinstance(name, str):
            fields[name] = payload.decode("utf-8", "replace")
    return data, kind, fields


def served_type(content_type: str) -> str:
    """real §6: `text/html` is served as `text/plain`."""
    return "text/plain" if "text/html" in content_type else content_type


class StorageStandIn:
    """The Storage routes; `file_size_limit` is the project's global limit (real §1)."""

    def __init__(self, pool: Any, root: Path, file_size_limit: int = FREE_PLAN_LIMIT) -> None:
        from tests.supabase.standin.tus import TusStandIn

        self.pool = pool  # as authenticator, like the Storage server
        self.root = root
        self.file_size_limit = file_size_limit
        self.tus = TusStandIn(self)

    def __call__(self, req: Request) -> Reply:
        parts = req.path.split("/")
        if parts[0] == "upload" and parts[1:2] == ["resumable"]:
            return self.tus(req, parts[2] if len(parts) > 2 else None)
        public = req.method in ("GET", "HEAD") and parts[:2] == ["object", "public"]
        if not public and "Authorization" not in req.headers:
            # real §6: every other route requires the header (a public read does not)
            return refuse(400, "Error", "headers must have required property 'authorization'")
        try:
            claims = claims_of(req.headers.get("Authorization"))
        except BadToken as exc:
            if public:  # real §5: a garbage or expired bearer on a public URL is ignored
                claims = {"role": "anon"}
            else:
                return refuse(403, "Unauthorized", str(exc))
        return self.route(req, parts, claims)

    def route(self, req: Request, parts: list[str], claims: dict[str, Any]) -> Reply:
        if parts[0] == "bucket" and len(parts) == 2 and req.method == "GET":
            return self.bucket_info(parts[1])
        if parts[0] != "object" or len(parts) < 2:
            return refuse(404, "not_found", "no route")
        if req.method == "POST" and parts[1] == "list" and len(parts) == 3:
            return self.listing(req, claims, parts[2])
        if req.method in ("GET", "HEAD") and parts[1] == "public":
            # supabase-storage-real.md §6 (unknown bucket: "Bucket not found"); the server's
            # public route finds the bucket only among public ones, so an object of a
            # private bucket has no public URL
            row = self.bucket(parts[2])
            if row is None or not row.get("public"):
                return refuse(404, "Bucket not found", "Bucket not found")
            return self.download(req, {"role": "anon"}, parts[2], object_key("/".join(parts[3:])))
        if req.method in ("GET", "HEAD") and parts[1] == "authenticated":
            # real §6: /object/authenticated/<bucket>/<path> reads with the caller's token
            return self.download(req, claims, parts[2], object_key("/".join(parts[3:])))
        if req.method in ("GET", "HEAD"):
            return self.download(req, claims, parts[1], object_key("/".join(parts[2:])))
        if req.method in ("POST", "PUT"):
            return self.upload(req, claims, parts[1], object_key("/".join(parts[2:])))
        if req.method == "DELETE":
            return self.remove(claims, parts[1], (req.json() or {}).get("prefixes", []))
        return refuse(405, "method", "unsupported")

    # ---- database ---------------------------------------------------------
    def as_caller(self, conn: Any, claims: dict[str, Any]) -> None:
        conn.execute(
            "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            [claims.get("role", "anon"), json.dumps(claims)],
        )

    def bucket(self, bucket: str) -> dict[str, Any] | None:
        """The bucket's row as the server reads it (as superuser, like findBucket)."""
        with self.pool.connection() as conn, conn.transaction():
            self.as_caller(conn, {"role": "service_role"})
            row: dict[str, Any] | None = conn.execute(
                "SELECT id, name, public, file_size_limit, allowed_mime_types"
                " FROM storage.buckets WHERE id = %s",
                [bucket],
            ).fetchone()
            return row

    def limit_of(self, bucket: dict[str, Any]) -> int:
        """real §1: the bucket's file_size_limit, never above the global limit."""
        own = bucket.get("file_size_limit")
        return min(int(own), self.file_size_limit) if own else self.file_size_limit

    def refusal_for(self, bucket: str, name: str, size: int, kind: str) -> Reply | None:
        """The checks the server makes before it stores anything (real §1, §2, §6)."""
        row = self.bucket(bucket)
        if row is None:
            return refuse(404, "Bucket not found", "Bucket not found")
        bad_key = key_refusal(name)
        if bad_key is not None:
            return bad_key
        if size > self.limit_of(row):
            return refuse(413, "Payload too large", "The object exceeded the maximum allowed size")
        allowed = row.get("allowed_mime_types")
        if allowed and kind not in allowed:
            return refuse(415, "invalid_mime_type", f"mime type {kind} is not supported")
        return None

    def record(
        self, conn: Any, claims: dict[str, Any], target: tuple[str, str], meta: dict[str, Any]
    ) -> None:
        """Insert or upsert the object's row as the caller (RLS decides).

        real §6: an upsert sets `owner_id` to the uploader (and fills `owner`).
        """
        bucket, name, upsert = *target, meta.pop("_upsert")
        user_meta = meta.pop("_user")
        conflict = (
            " ON CONFLICT (bucket_id, name) DO UPDATE SET metadata = EXCLUDED.metadata,"
            " user_metadata = EXCLUDED.user_metadata, owner_id = EXCLUDED.owner_id,"
            " owner = EXCLUDED.owner, updated_at = now()"
            if upsert
            else ""
        )
        sub = claims.get("sub")
        conn.execute(
            "INSERT INTO storage.objects"
            " (bucket_id, name, owner_id, owner, metadata, user_metadata)"
            f" VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb){conflict}",
            [bucket, name, sub, sub, json.dumps(meta), json.dumps(user_meta)],
        )

    def store(
        self, claims: dict[str, Any], target: tuple[str, str], source: Path, meta: dict[str, Any]
    ) -> Reply:
        """Record the row, then move `source` into place; the refusal if RLS says no."""
        import psycopg

        try:
            with self.pool.connection() as conn, conn.transaction():
                self.as_caller(conn, claims)
                self.record(conn, claims, target, meta)
        except psycopg.errors.UniqueViolation:
            source.unlink(missing_ok=True)
            return refuse(409, "Duplicate", "The resource already exists")
        except psycopg.Error as exc:
            source.unlink(missing_ok=True)
            if exc.sqlstate == "42501":
                return refuse(403, "Unauthorized", "new row violates row-level security policy")
            return refuse(500, "internal", str(exc))
        final = self.file(*target)
        final.parent.mkdir(parents=True, exist_ok=True)
        source.replace(final)
        return send_json(200, {"Id": target[1], "Key": "/".join(target)})

    def file(self, bucket: str, name: str) -> Path:
        return self.root / bucket / name

    def scratch(self) -> Path:
        folder = self.root / ".incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # ---- routes -----------------------------------------------------------
    def bucket_info(self, bucket: str) -> Reply:
        row = self.bucket(bucket)
        if row is None:
            return refuse(404, "Bucket not found", "Bucket not found")
        return send_json(200, row)

    def upload(self, req: Request, claims: dict[str, Any], bucket: str, name: str) -> Reply:
        data, kind, fields = multipart_fields(req)
        refusal = self.refusal_for(bucket, name, len(data), kind)
        if refusal is not None:
            return refusal
        seconds = fields.get("cacheControl") or ""
        meta = metadata(data, kind, f"max-age={seconds}" if seconds.isdigit() else "no-cache")
        meta["_upsert"] = req.method == "PUT" or req.headers.get("x-upsert") == "true"
        meta["_user"] = _json_or_none(fields.get("metadata"))
        incoming = self.scratch() / uuid.uuid4().hex
        incoming.write_bytes(data)
        return self.store(claims, (bucket, name), incoming, meta)

    def download(self, req: Request, claims: dict[str, Any], bucket: str, name: str) -> Reply:
        if self.bucket(bucket) is None:
            return refuse(404, "Bucket not found", "Bucket not found")
        with self.pool.connection() as conn, conn.transaction():
            self.as_caller(conn, claims)
            row = conn.execute(
                "SELECT metadata, updated_at FROM storage.objects"
                " WHERE bucket_id = %s AND name = %s",
                [bucket, name],
            ).fetchone()
        target = self.file(bucket, name)
        if row is None or not target.is_file():
            return refuse(404, "not_found", "Object not found")
        meta = row["metadata"] or {}
        # real §4: HEAD answers 200; ETag, Last-Modified and the upload's Cache-Control;
        # If-None-Match with the current ETag answers 304.
        caching = (
            ("ETag", meta.get("eTag", "")),
            ("Last-Modified", format_datetime(row["updated_at"].astimezone(UTC), usegmt=True)),
            ("Cache-Control", meta.get("cacheControl", "no-cache")),
        )
        if req.headers.get("If-None-Match") == meta.get("eTag"):
            return Reply(304, b"", caching)
        download = req.arg("download")
        if download is not None:  # the renderer's handleDownload (?download=<name>)
            named = "attachment;"
            if download:
                named = f"attachment; filename*=UTF-8''{_quote(download)}"
            caching = (*caching, ("Content-Disposition", named))
        kind = served_type(meta.get("mimetype", "application/octet-stream"))
        return ranged(target, req.headers.get("Range"), kind, caching)

    def listing(self, req: Request, claims: dict[str, Any], bucket: str) -> Reply:
        """One level of a bucket, as the caller (RLS decides what is seen).

        As supabase/storage's list route (storage3 `list`: POST /object/list/<bucket>,
        `prefix` required, `limit`, `offset`, `sortBy`): a prefix is taken as a folder
        (a `/` is added), and the SQL function `storage.search` answers one level:
        folders as entries with a null id, files with their id, times and metadata.
        """
        query = req.json()
        if not isinstance(query, dict) or not isinstance(query.get("prefix"), str):
            return refuse(400, "Error", "body must have required property 'prefix'")
        if self.bucket(bucket) is None:
            return refuse(404, "Bucket not found", "Bucket not found")
        prefix = query["prefix"]
        prefix = f"{prefix}/" if prefix and not prefix.endswith("/") else prefix
        with self.pool.connection() as conn, conn.transaction():
            self.as_caller(conn, claims)
            rows = conn.execute(
                "SELECT id, name, metadata, created_at, updated_at, last_accessed_at"
                " FROM storage.objects WHERE bucket_id = %s AND starts_with(name, %s)",
                [bucket, prefix],
            ).fetchall()
        entries: dict[str, dict[str, Any]] = {}
        for row in rows:
            rest = row["name"][len(prefix) :]
            if "/" in rest:
                folder = rest.split("/", 1)[0]
                entries[folder] = {"name": folder, "id": None, "updated_at": None,
                                   "created_at": None, "last_accessed_at": None,
                                   "metadata": None}  # fmt: skip
            else:
                entries[rest] = {**row, "name": rest, "id": str(row["id"])}
        order = query.get("sortBy") or {}
        ordered = sorted(entries.values(), key=lambda e: e["name"],
                         reverse=str(order.get("order", "asc")).lower() == "desc")  # fmt: skip
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 100)
        return send_json(200, ordered[offset : offset + limit])

    def remove(self, claims: dict[str, Any], bucket: str, names: list[str]) -> Reply:
        if self.bucket(bucket) is None:
            return refuse(404, "Bucket not found", "Bucket not found")
        with self.pool.connection() as conn, conn.transaction():
            self.as_caller(conn, claims)
            rows = conn.execute(
                "DELETE FROM storage.objects WHERE bucket_id = %s AND name = ANY(%s)"
                " RETURNING name",
                [bucket, [object_key(n) for n in names]],
            ).fetchall()
        for row in rows:
            self.file(bucket, row["name"]).unlink(missing_ok=True)
        return send_json(200, [{"name": r["name"], "bucket_id": bucket} for r in rows])


def metadata(
    data: bytes | None, kind: str, cache_control: str, *, etag: str = ""
) -> dict[str, Any]:
    """The object's `metadata` column as the server fills it."""
    tag = etag or hashlib.md5(data or b"").hexdigest()
    size = len(data) if data is not None else 0
    return {"mimetype": kind, "size": size, "eTag": f'"{tag}"', "cacheControl": cache_control}


def ranged(path: Path, header: str | None, kind: str, extra: tuple[tuple[str, str], ...]) -> Reply:
    """The whole object, or the one byte range asked for (206; 416 when out of range)."""
    size = path.stat().st_size
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    accept = (("Accept-Ranges", "bytes"), *extra)
    if found is None or found.groups() == ("", ""):
        return Reply(200, FileSlice(path, 0, size), accept, kind)
    first, last = found.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:
        start, end = max(size - int(last), 0), size - 1
    if start > end:
        return Reply(416, b"", (("Content-Range", f"bytes */{size}"),), kind)
    span = (("Content-Range", f"bytes {start}-{end}/{size}"), *accept)
    return Reply(206, FileSlice(path, start, end - start + 1), span, kind)


def _json_or_none(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
