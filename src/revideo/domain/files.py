"""What a rendered file must look like before we keep it: its first bytes and its size."""

from __future__ import annotations

HEAD_BYTES = 12
MAX_BYTES = {"mp4": 4 * 2**30, "jpg": 50 * 2**20, "png": 50 * 2**20}
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


def kind_of_head(head: bytes) -> str | None:
    """'mp4', 'jpg' or 'png' from a file's first bytes; None for anything else."""
    if len(head) >= 8 and head[4:8] == b"ftyp":  # ISO base media: size, then 'ftyp'
        return "mp4"
    if head.startswith(_JPEG):
        return "jpg"
    if head.startswith(_PNG):
        return "png"
    return None


def check_head(head: bytes, ext: str) -> str | None:
    """Why a file that should be `ext` is not (None when its first bytes fit).

    A thumbnail may be JPEG or PNG whatever its name says; a video must be MP4.
    """
    found = kind_of_head(head)
    if found is None:
        return f"is not a video or an image (it starts {head[:8]!r})"
    fits = {"mp4": {"mp4"}, "jpg": {"jpg", "png"}, "png": {"jpg", "png"}}[ext]
    if found not in fits:
        return f"is a {found}, not a {ext}"
    return None
