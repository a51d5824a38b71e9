"""
Half-filled wizards, kept on the server: one JSON file per user and wizard under
DRAFT_DIR (REVIDEO_DATA_DIR/drafts). The session cookie holds none of it, so a
5,000-character description cannot push the cookie past the 4 KB browsers keep
(issue 15). A draft belongs to the signed-in user, whichever browser they use.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app

from ._support import actor

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _path(kind: str) -> Path:
    user_id = actor().user_id or ""
    if not (_SAFE.fullmatch(user_id) and _SAFE.fullmatch(kind)):
        raise ValueError("drafts need a signed-in user and a plain wizard name")
    return Path(current_app.config["DRAFT_DIR"]) / user_id / f"{kind}.json"


def load(kind: str) -> dict[str, Any] | None:
    """The signed-in user's draft of `kind`, or None if there is none (or it is unreadable)."""
    try:
        found = json.loads(_path(kind).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def save(kind: str, draft: dict[str, Any]) -> None:
    """Replace the draft at once (written aside, then renamed: never half a file)."""
    path = _path(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(draft, out, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def drop(kind: str) -> None:
    """Forget the draft."""
    with contextlib.suppress(OSError):
        _path(kind).unlink()
