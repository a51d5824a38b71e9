"""
Uploaded ad reports kept between their preview and their commit, one folder per user under
the data directory. Each is deleted after the commit, on cancel, and whenever reading it
fails. Kept uploads are bounded: each user keeps at most KEEP_COUNT of them and KEEP_BYTES in
all (the oldest go first), and none outlives KEEP_SECONDS (expired ones are refused, and swept
for every user on each upload).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import current_app
from werkzeug.exceptions import NotFound

from revideo.services.ad_import import ImportRejected

from ._support import actor, svc

KEEP_SECONDS = 2 * 3600
KEEP_COUNT = 3
KEEP_BYTES = 128 * 1024 * 1024
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def upload_dir() -> Path:
    """This user's folder of uploaded reports waiting for their commit."""
    root = current_app.config.get("AD_IMPORT_DIR") or svc().settings.data_dir / "ad-imports"
    user_id = actor().user_id or ""
    if not re.fullmatch(r"[0-9a-fA-F-]{1,64}", user_id):
        raise NotFound()
    return Path(root) / user_id


def kept(token: str) -> tuple[Path, dict[str, Any]]:
    """The kept file and its details; 404 when the token is unknown or expired."""
    if not _TOKEN.fullmatch(token):
        raise NotFound()
    folder = upload_dir()
    data, meta = folder / f"{token}.upload", folder / f"{token}.json"
    try:
        expired = data.stat().st_mtime < time.time() - KEEP_SECONDS
        details = json.loads(meta.read_text())
    except (OSError, ValueError):
        expired, details = True, {}
    if expired or not isinstance(details, dict):
        discard(token)
        raise NotFound(description="That upload is gone: upload the file again.")
    return data, details


def sweep(root: Path) -> None:
    """Delete every user's kept uploads older than KEEP_SECONDS."""
    cutoff = time.time() - KEEP_SECONDS
    for path in root.glob("*/*.*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)


def make_room(folder: Path, incoming: int) -> None:
    """Drop this user's oldest kept uploads until one more of `incoming` bytes fits."""
    waiting = sorted(folder.glob("*.upload"), key=lambda p: p.stat().st_mtime)
    sizes = {p: p.stat().st_size for p in waiting}
    while waiting and (len(waiting) >= KEEP_COUNT or sum(sizes.values()) + incoming > KEEP_BYTES):
        oldest = waiting.pop(0)
        sizes.pop(oldest)
        for path in (oldest, oldest.with_suffix(".json")):
            path.unlink(missing_ok=True)


def discard(token: str) -> None:
    folder = upload_dir()
    for suffix in (".upload", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def reading(token: str) -> Iterator[None]:
    """Any failure to read the kept file deletes it (a 4xx names the problem)."""
    try:
        yield
    except ImportRejected:
        raise  # lines with errors: the preview shows them and the file stays for a retry
    except BaseException:
        discard(token)
        raise
