"""
Byte-level sniffing of an export: encoding, XLSX, and a constant-memory text stream.

UTF-16 with a BOM (either byte order) -> `utf-16`; UTF-16 LE/BE without a BOM (NUL in every
other byte) -> `utf-16-le`/`-be`; otherwise UTF-8 with or without BOM (`utf-8-sig` drops a BOM)
when the first 64 KiB decode as UTF-8, else Windows-1252 (Excel's "CSV" on Windows). The text
is decoded incrementally by `io.TextIOWrapper` over a buffered reader, so memory does not grow
with the file. Undecodable bytes become lone surrogates (`surrogateescape`) so that
`checked_lines` can name the exact line they are on (the decoder reads ahead of the lines).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

SNIFF_BYTES = 1 << 16
XLSX_MAGIC = b"PK\x03\x04"
_ESCAPED = re.compile("[\udc80-\udcff]")


class UndecodableLine(ValueError):
    """Line `line` holds bytes that are not valid in the file's encoding."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


class _Prefixed(io.RawIOBase):
    """A raw stream that first replays the bytes already read for sniffing."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_head(stream: BinaryIO) -> bytes:
    """Read up to SNIFF_BYTES, looping over short reads (pipes, sockets)."""
    parts: list[bytes] = []
    size = 0
    while size < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - size)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def sniff_encoding(head: bytes) -> str:
    """Pick the codec for a text export from its first bytes."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    pairs = head[: len(head) & ~1]
    if len(pairs) >= 4 and pairs[1::2].count(0) * 4 >= len(pairs) // 2 * 3:
        return "utf-16-le"
    if len(pairs) >= 4 and pairs[0::2].count(0) * 4 >= len(pairs) // 2 * 3:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def text_stream(head: bytes, rest: BinaryIO, encoding: str) -> io.TextIOWrapper:
    """Decode `head` + the rest of `rest` lazily, keeping line endings for the csv module."""
    raw = io.BufferedReader(_Prefixed(head, rest), buffer_size=SNIFF_BYTES)
    return io.TextIOWrapper(raw, encoding=encoding, newline="", errors="surrogateescape")


def checked_lines(lines: Iterable[str]) -> Iterator[str]:
    """Pass lines through; raise UndecodableLine on the first holding an undecodable byte."""
    for number, line in enumerate(lines, start=1):
        if not line.isascii() and _ESCAPED.search(line):
            raise UndecodableLine(number)
        yield line
