"""
Supabase's resumable uploads (TUS 1.0.0) through the `tuspy` client.

`POST {SUPABASE_URL}/storage/v1/upload/resumable` with `Upload-Length` and
`Upload-Metadata` (bucketName, objectName, contentType, cacheControl, and the
user's `metadata` as JSON) creates the upload; chunks of exactly 6 MiB follow
as `PATCH` at their offsets; after a dropped connection or a 409 (another
request holds the upload's lock) the client asks `HEAD` for the offset and
goes on from there (supabase-storage-real.md §1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO

from revideo.adapters.supabase.errors import storage_error
from revideo.domain.errors import RevideoError, StorageError, TooLarge

CHUNK = 6 * 1024 * 1024  # Supabase requires 6 MiB chunks (the last one may be shorter)
RETRIES = 5  # per chunk: resume from the server's offset this many times
RETRY_DELAY = 1  # seconds between attempts (tuspy's own sleep)


def upload(
    endpoint: str,
    headers: dict[str, str],
    target: tuple[str, str],
    stream: IO[bytes],
    content_type: str,
    *,
    filename: str | None = None,
    too_large: Callable[[], TooLarge] | None = None,
) -> None:
    """Upload `stream` (seekable, read from its start) to `target` = (bucket, path), upserting."""
    from tusclient.client import TusClient
    from tusclient.exceptions import TusCommunicationError

    bucket, path = target
    metadata = {
        "bucketName": bucket,
        "objectName": path,
        "contentType": content_type,
        "cacheControl": "3600",
    }
    if filename:
        metadata["metadata"] = json.dumps({"filename": filename})
    client = TusClient(endpoint, headers={**headers, "x-upsert": "true"})
    try:
        uploader = client.uploader(
            file_stream=stream,
            chunk_size=CHUNK,
            metadata=metadata,
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
        )
        uploader.upload()
    except TusCommunicationError as exc:
        raise _translate(exc, bucket, path, too_large) from exc


def _translate(
    exc: object, bucket: str, path: str, too_large: Callable[[], TooLarge] | None
) -> RevideoError:
    """TUS answers carry the real HTTP status and a plain-text message."""
    status = getattr(exc, "status_code", None)
    content = getattr(exc, "response_content", b"") or b""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    if status is None:
        return StorageError(f"cannot write {bucket}/{path}: {exc}")
    return storage_error(str(status), text.strip() or str(exc), bucket, path, "write", too_large)
