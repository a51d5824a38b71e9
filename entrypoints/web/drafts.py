"""
Half-filled wizards, kept on the server: one JSON object per user and wizard in the media
store's private staging area (revideo.services.staging, suffix `draft-<wizard>`), so any web
host can go on with it. The session cookie holds none of it, so a 5,000-character description
cannot push the cookie past the 4 KB browsers keep (issue 15). A draft belongs to the
signed-in user, whichever browser they use, and expires with REVIDEO_STAGING_HOURS after its
last change.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._support import actor, svc

_KIND = re.compile(r"[a-z][a-z0-9_]{0,30}")


def _suffix(kind: str) -> str:
    if actor().user_id is None or not _KIND.fullmatch(kind):
        raise ValueError("drafts need a signed-in user and a plain wizard name")
    return f"draft-{kind}"


def load(kind: str) -> dict[str, Any] | None:
    """The signed-in user's draft of `kind`, or None if there is none (or it is unreadable)."""
    found = svc().staging.latest(actor(), _suffix(kind))
    if found is None:
        return None
    try:
        draft = json.loads(found[1])
    except ValueError:
        return None
    return draft if isinstance(draft, dict) else None


def save(kind: str, draft: dict[str, Any]) -> None:
    """Replace the draft at once (a new object, then the older one goes: never half a file)."""
    data = json.dumps(draft, ensure_ascii=False).encode()
    svc().staging.replace(actor(), _suffix(kind), data)


def drop(kind: str) -> None:
    """Forget the draft."""
    suffix, staging = _suffix(kind), svc().staging
    staging.drop_all(actor(), [s for s in staging.mine(actor()) if s.suffix == suffix])
