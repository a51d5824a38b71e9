"""
Storage API subset: upload (multipart POST/PUT, `x-upsert`), public and
authenticated download (a single `Range: bytes=a-b` answered with 206, as
Storage does), and remove. Object rows go into `storage.objects`
as the caller's role with its claims, so the migrations' storage policies
decide; bytes live in a folder.
"""

from __future__ import annotations

import json
import re
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

from tests.supabase.standin.server import Reply, Request, send_json
from tests.supabase.standin.tokens import BadToken, claims_of


def refuse(status: int, error: str, message: str) -> Reply:
    """Storage's error shape: HTTP 400 with the real status in `statusCode`."""
    return send_json(400, {"statusCode": str(status), "error": error, "message": message})


def multipart_file(req: Request) -> tuple[Any, str]:
    """The `file` part of a multipart/form-data body: its bytes and content type."""
    head = f"Content-Type: {req.headers.get('Content-Type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True) or b"", part.get_content_type()
    return req.body, str(req.headers.get("Content-Type") or "application/octet-stream")


def ranged(data: bytes, header: str | None, content_type: str) -> Reply:
    """The whole object, or the one byte range asked for (206; 416 when out of range)."""
    found = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    if found is None or found.groups() == ("", ""):
        return Reply(200, data, (("Accept-Ranges", "bytes"),), content_type)
    first, last = found.groups()
    if first:
        start, end = int(first), min(int(last) if last else len(data) - 1, len(data) - 1)
    else:
        start, end = max(len(data) - int(last), 0), len(data) - 1
    if start > end:
        return Reply(416, b"", (("Content-Range", f"bytes */{len(data)}"),), content_type)
    span = (("Content-Range", f"bytes {start}-{end}/{len(data)}"), ("Accept-Ranges", "bytes"))
    return Reply(206, data[start : end + 1], span, content_type)


class StorageStandIn:
    def __init__(self, pool: Any, root: Path) -> None:
        self.pool = pool  # as authenticator, like the Storage server
        self.root = root

    def __call__(self, req: Request) -> Reply:
        try:
            claims = claims_of(req.headers.get("Authorization"))
        except BadToken as exc:
            return refuse(403, "Unauthorized", str(exc))
        parts = req.path.split("/")
        if parts[0] != "object":
            return refuse(404, "not_found", "no route")
        if req.method == "GET" and parts[1] == "public":
            return self.download(req, parts[2], "/".join(parts[3:]))
        if req.method == "GET":
            return self.download(req, parts[1], "/".join(parts[2:]))
        if req.method in ("POST", "PUT"):
            return self.upload(req, claims, parts[1], "/".join(parts[2:]))
        if req.method == "DELETE":
            return self.remove(claims, parts[1], (req.json() or {}).get("prefixes", []))
        return refuse(405, "method", "unsupported")

    def _as(self, conn: Any, claims: dict[str, Any]) -> None:
        conn.execute(
            "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            [claims.get("role", "anon"), json.dumps(claims)],
        )

    def _file(self, bucket: str, name: str) -> Path:
        return self.root / bucket / name

    def upload(self, req: Request, claims: dict[str, Any], bucket: str, name: str) -> Reply:
        import psycopg

        data, content_type = multipart_file(req)
        upsert = req.method == "PUT" or req.headers.get("x-upsert") == "true"
        meta = json.dumps({"mimetype": content_type, "size": len(data)})
        conflict = (
            "ON CONFLICT (bucket_id, name) DO UPDATE SET metadata = EXCLUDED.metadata,"
            " updated_at = now()"
            if upsert
            else ""
        )
        try:
            with self.pool.connection() as conn, conn.transaction():
                self._as(conn, claims)
                conn.execute(
                    "INSERT INTO storage.objects (bucket_id, name, owner_id, metadata)"
                    f" VALUES (%s, %s, %s, %s::jsonb) {conflict}",
                    [bucket, name, claims.get("sub"), meta],
                )
        except psycopg.errors.UniqueViolation:
            return refuse(409, "Duplicate", "The resource already exists")
        except psycopg.Error as exc:
            if exc.sqlstate == "42501":
                return refuse(403, "Unauthorized", "new row violates row-level security policy")
            return refuse(500, "internal", str(exc))
        target = self._file(bucket, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return send_json(200, {"Id": name, "Key": f"{bucket}/{name}"})

    def download(self, req: Request, bucket: str, name: str) -> Reply:
        with self.pool.connection() as conn, conn.transaction():
            self._as(conn, {"role": "anon"})
            row = conn.execute(
                "SELECT metadata FROM storage.objects WHERE bucket_id = %s AND name = %s",
                [bucket, name],
            ).fetchone()
        target = self._file(bucket, name)
        if row is None or not target.is_file():
            return refuse(404, "not_found", "Object not found")
        content_type = (row["metadata"] or {}).get("mimetype", "application/octet-stream")
        return ranged(target.read_bytes(), req.headers.get("Range"), content_type)

    def remove(self, claims: dict[str, Any], bucket: str, names: list[str]) -> Reply:
        with self.pool.connection() as conn, conn.transaction():
            self._as(conn, claims)
            rows = conn.execute(
                "DELETE FROM storage.objects WHERE bucket_id = %s AND name = ANY(%s)"
                " RETURNING name",
                [bucket, names],
            ).fetchall()
        for row in rows:
            self._file(bucket, row["name"]).unlink(missing_ok=True)
        return send_json(200, [{"name": r["name"], "bucket_id": bucket} for r in rows])
