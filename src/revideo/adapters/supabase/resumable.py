"""
Supabase's resumable uploads (TUS 1.0.0) through the `tuspy` client.

`POST {SUPABASE_URL}/storage/v1/upload/resumable` with `Upload-Length` and
`Upload-Metadata` (bucketName, objectName, contentType, cacheControl, and the
user's `metadata` as JSON) creates the upload; chunks of exactly 6 MiB follow
as `PATCH` at their offsets; after a dropped connection or a 409 (another
request holds the upload's lock) the client asks `HEAD` for the offset and
goes on from there (supabase-storage-real.md §1).

tuspy 1.1 sends its requests with `requests` and no timeout, so a server that
stops answering would hold the upload for ever: `_TimedUploader` gives each of
its requests (creation, PATCH, HEAD) the store's timeout
(REVIDEO_STORAGE_TIMEOUT), and a request that runs out ends as a StorageError.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urljoin

from revideo.adapters.supabase.errors import storage_error
from revideo.domain.errors import RevideoError, StorageError, TooLarge

CHUNK = 6 * 1024 * 1024  # Supabase requires 6 MiB chunks (the last one may be shorter)
RETRIES = 5  # per chunk: resume from the server's offset this many times
RETRY_DELAY = 1  # seconds between attempts (tuspy's own sleep)
TIMEOUT = 60.0  # seconds each TUS request may wait for the server (REVIDEO_STORAGE_TIMEOUT)


def deadline(timeout: float) -> float:
    """The longest a stalled server can hold an upload: the PATCH that stalls, the
    pause before resuming, and the HEAD that stalls too (which ends it)."""
    return 2 * timeout + RETRY_DELAY


def upload(
    endpoint: str,
    headers: dict[str, str],
    target: tuple[str, str],
    stream: IO[bytes],
    content_type: str,
    *,
    filename: str | None = None,
    too_large: Callable[[], TooLarge] | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Upload `stream` (seekable, read from its start) to `target` = (bucket, path), upserting.

    Every request waits at most `timeout` seconds for the server (see deadline).
    """
    from requests import RequestException
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
        uploader = _timed_uploader(timeout)(
            client=client,
            file_stream=stream,
            chunk_size=CHUNK,
            metadata=metadata,
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
        )
        uploader.upload()
    except TusCommunicationError as exc:
        cause = exc.args[0] if exc.args else None  # tuspy wraps the requests error
        if isinstance(cause, RequestException):
            raise _silent(bucket, path, timeout, cause) from exc
        raise _translate(exc, bucket, path, too_large) from exc
    except RequestException as exc:  # the HEAD that asks where to resume, unanswered
        raise _silent(bucket, path, timeout, exc) from exc


def _silent(bucket: str, path: str, timeout: float, exc: BaseException) -> StorageError:
    from requests import Timeout

    if isinstance(exc, Timeout):
        why = f"Supabase Storage did not answer within {timeout:g} s (REVIDEO_STORAGE_TIMEOUT)"
    else:
        why = f"no connection to Supabase Storage ({type(exc).__name__})"
    return StorageError(f"cannot write {bucket}/{path}: {why}")


def _timed_uploader(timeout: float) -> Any:
    """tuspy's Uploader whose requests carry `timeout` (tuspy 1.1 sets none).

    The three methods below are tuspy 1.1's own (tusclient/uploader/uploader.py,
    baseuploader.py, request.py), each with `timeout=` added to its request.
    """
    import requests
    import tusclient.exceptions
    import tusclient.request
    import tusclient.uploader.uploader

    tus: Any = tusclient  # its functions carry no types
    TusCommunicationError = tus.exceptions.TusCommunicationError
    TusUploadFailed = tus.exceptions.TusUploadFailed

    class TimedRequest(tus.request.TusRequest):  # type: ignore[misc]
        def perform(self: Any) -> None:
            try:
                chunk = self.file.read(self._content_length)
                self.add_checksum(chunk)
                resp = requests.patch(
                    self._url,
                    data=chunk,
                    headers=self._request_headers,
                    verify=self.verify_tls_cert,
                    stream=True,
                    cert=self.client_cert,
                    timeout=timeout,
                )
                self.status_code = resp.status_code
                self.response_content = resp.content
                self.response_headers = {k.lower(): v for k, v in resp.headers.items()}
            except requests.exceptions.RequestException as error:
                raise TusUploadFailed(error) from error

    class TimedUploader(tus.uploader.uploader.Uploader):  # type: ignore[misc]
        def create_url(self: Any) -> str:
            try:
                resp = requests.post(
                    self.client.url,
                    headers=self.get_url_creation_headers(),
                    verify=self.verify_tls_cert,
                    cert=self.client_cert,
                    timeout=timeout,
                )
            except requests.exceptions.RequestException as error:
                raise TusCommunicationError(error) from error
            url = resp.headers.get("location")
            if url is None:
                msg = f"Attempt to retrieve create file url with status {resp.status_code}"
                raise TusCommunicationError(msg, resp.status_code, resp.content)
            return str(urljoin(self.client.url, url))

        def get_offset(self: Any) -> int:
            resp = requests.head(
                self.url,
                headers=self.get_headers(),
                verify=self.verify_tls_cert,
                cert=self.client_cert,
                timeout=timeout,
            )
            offset = resp.headers.get("upload-offset")
            if offset is None:
                msg = f"Attempt to retrieve offset fails with status {resp.status_code}"
                raise TusCommunicationError(msg, resp.status_code, resp.content)
            return int(offset)

        def _do_request(self: Any) -> None:
            self.request = TimedRequest(self)
            try:
                self.request.perform()
                if not 200 <= (self.request.status_code or 0) < 300:
                    raise TusUploadFailed(
                        "", self.request.status_code, self.request.response_content
                    )
            except TusUploadFailed as error:
                self._retry_or_cry(error)

    return TimedUploader


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
