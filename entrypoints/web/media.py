"""Serve `/media/<bucket>/<path>` from the files media store (public buckets)."""

from __future__ import annotations

import mimetypes
from typing import Any

from flask import Blueprint, Response, abort, send_file, stream_with_context, url_for
from flask_login import login_required

from revideo.domain.errors import EngineError, NotFound, ValidationError

from ._support import svc

bp = Blueprint("media", __name__)
TYPES = {".mp4": "video/mp4", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png"}


def content_type(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


@bp.get("/media/<bucket>/<path:path>")
def serve(bucket: str, path: str) -> Any:
    """A stored photo or video; range requests are honoured for local files."""
    store = svc().store
    local = getattr(store, "local_path", None)
    try:
        if local is not None:
            file = local(bucket, path)
            if not file.is_file():
                abort(404)
            return send_file(file, mimetype=content_type(path), conditional=True, max_age=3600)
        data = b"".join(store.open(bucket, path))
    except (NotFound, ValidationError):
        abort(404)
    return Response(data, mimetype=content_type(path))


ENGINE_SCHEME = "local://"
ENGINE_FOLDERS = ("avatars/", "voices/")


def engine_url(url: str | None) -> str | None:
    """A URL the browser can load for an engine's preview: `local://` ones go through us."""
    if url and url.startswith(ENGINE_SCHEME):
        return url_for("media.engine_preview", ref=url[len(ENGINE_SCHEME) :])
    return url


@bp.get("/engine/<path:ref>")
@login_required  # type: ignore[untyped-decorator]
def engine_preview(ref: str) -> Any:
    """An avatar picture or voice sample the offline engine makes on demand."""
    if not ref.startswith(ENGINE_FOLDERS) or ".." in ref:
        abort(404)
    try:
        chunks = svc().engine.fetch(ENGINE_SCHEME + ref)
        first = next(iter(chunks), b"")
    except (EngineError, NotFound):
        abort(404)

    def body() -> Any:
        yield first
        yield from chunks

    return Response(
        stream_with_context(body()),
        mimetype=content_type(ref),
        headers={"Cache-Control": "private, max-age=3600"},
    )
