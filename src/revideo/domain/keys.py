"""
Object keys every media store accepts alike (design.md §3, supabase-storage-real.md §2).

Supabase Storage refuses non-ASCII and `# \\ % ^ | ~ < > " { } [ ]` with
`InvalidKey` and silently cuts a key at `;`; storage3 percent-decodes `%XX`
and strips a leading `/`. So keys are built from ids and a slug of
`[A-Za-z0-9._-]`, never from a file name as typed, and every store refuses
any other key the same way. The name as typed is kept beside the key
(`display_name`), for captions and downloads.
"""

from __future__ import annotations

import re
import unicodedata

from revideo.domain.errors import ValidationError

MAX_SLUG = 60
MAX_NAME = 200
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(name: str, fallback: str = "file") -> str:
    """A key-safe form of a file name's stem: ASCII letters, digits, `._-`.

    Accents are folded (façade → facade), everything else becomes one `-`;
    a name with nothing left (日本) gives `fallback`.
    """
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.strip(".") else stem
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = _UNSAFE.sub("-", folded).strip(".-_")[:MAX_SLUG].strip(".-_")
    return safe.lower() or fallback


def display_name(name: str | None) -> str:
    """The file name as the user typed it, without folders or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return clean[:MAX_NAME]


def is_safe_key(path: str) -> bool:
    """Whether `path` is `segment/segment/...` of the safe alphabet (no `.`/`..`)."""
    parts = path.split("/")
    return bool(path) and all(_SEGMENT.fullmatch(p) for p in parts)


def check_key(path: str) -> str:
    """`path` unchanged, or ValidationError('path') for a key a store would mangle."""
    if not is_safe_key(path):
        raise ValidationError(
            "path", "must be folders and a file name of letters, digits, '.', '_' and '-'"
        )
    return path


def render_key(user_id: str, video_id: str, attempt: int, engine_id: str | None, ext: str) -> str:
    """Where an archived render goes: a new path for every attempt, so a cached
    copy of an older version is never served under the new one's URL."""
    return f"{user_id}/{video_id}/{attempt}-{slug(engine_id or '', 'render')}.{ext}"
