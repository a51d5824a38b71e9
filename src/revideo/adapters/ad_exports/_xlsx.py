"""
Guards for XLSX reports (zip archives of XML): what the archive declares is checked before
openpyxl parses a byte of it, so a zip bomb (a small file that unpacks to gigabytes) is
refused at once. Python's zipfile never inflates a member past its declared size (it stops
there and checks the CRC), so the declared sizes are an upper bound the parse cannot pass.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from revideo.domain.ad_rows import UnreadableExport

MAX_UNPACKED = 256 * 1024 * 1024
"""All members together, unpacked: a million-row report is about 200 MB of sheet XML."""
MAX_RATIO = 500
"""Unpacked ÷ packed for a member over 16 MiB: report XML packs 10–300× (300× only when every
row is the same), a bomb close to deflate's limit of 1032×. MAX_UNPACKED bounds the rest."""
MAX_MEMBERS = 10_000


def check_archive(stream: BinaryIO) -> None:
    """Raise UnreadableExport('file') unless the archive's declared sizes are sane."""
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        raise UnreadableExport("file", f"not a readable XLSX file ({brief(e)})") from None
    finally:
        stream.seek(start)
    if len(members) > MAX_MEMBERS:
        raise UnreadableExport("file", f"the XLSX archive holds {len(members)} files: refused")
    total = 0
    for member in members:
        total += member.file_size
        packed = max(1, member.compress_size)
        if member.file_size > 16 << 20 and member.file_size > MAX_RATIO * packed:
            raise UnreadableExport(
                "file",
                f"{member.filename[:80]} would unpack from {_size(packed)} to"
                f" {_size(member.file_size)}: refused as a zip bomb",
            )
    if total > MAX_UNPACKED:
        raise UnreadableExport(
            "file",
            f"the XLSX unpacks to {_size(total)}, over the {_size(MAX_UNPACKED)} limit:"
            " export it as CSV",
        )


def too_slow(seconds: float, line: int) -> str:
    return (
        f"reading the XLSX took longer than {seconds:.0f} s (stopped at row {line}):"
        " export it as CSV"
    )


def brief(error: BaseException) -> str:
    """An exception as a short phrase for a user (its type when it has no words)."""
    text = " ".join(str(error).split())[:120]
    return text or type(error).__name__


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MB"
    return f"{max(1, n // 1024)} KB"
