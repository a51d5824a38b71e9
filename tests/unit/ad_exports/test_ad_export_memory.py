"""Reading streams: peak memory does not grow with the number of rows."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice

from revideo.adapters.ad_exports import ExportRow, VideoRef, match_rows, read_export

VIDEOS = [VideoRef(id=f"{i:08x}-0000-4000-8000-{i:012x}", title=f"Video {i}") for i in range(50)]


class GeneratedExport(io.RawIOBase):
    """A Meta export of `rows` lines, produced on demand so the test holds no file in memory."""

    def __init__(self, rows: int, encoding: str) -> None:
        self._encoding = encoding.replace("utf-16", "utf-16-le")
        self._lines = self._generate(rows)
        self._pending = b""

    def _generate(self, rows: int) -> Iterator[str]:
        yield "\ufeffCampaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"
        first = date(2025, 1, 1)
        for i in range(rows):
            video = VIDEOS[i % len(VIDEOS)]
            when = first + timedelta(days=i % 365)
            figures = f'{i % 997}.25,"{i:,}",{i % 89},{i % 5}'
            yield f"Spring {video.short_id},Ad {i % 7},{when},{figures}\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = "".join(islice(self._lines, 500)).encode(self._encoding)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def peak_while_reading(rows: int, encoding: str = "utf-8") -> tuple[int, int]:
    stream = io.BufferedReader(GeneratedExport(rows, encoding), buffer_size=1 << 16)
    tracemalloc.start()
    try:
        read = mapped = 0
        for match in match_rows(
            (r for r in read_export(stream) if isinstance(r, ExportRow)), VIDEOS
        ):
            read += 1
            mapped += match.video_id is not None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == mapped == rows
    return peak, read


def test_peak_memory_is_flat_from_20k_to_200k_rows() -> None:
    small, _ = peak_while_reading(20_000)
    large, _ = peak_while_reading(200_000)
    assert large < 4 * 2**20, large  # a few MiB: buffers and the look-ahead window
    assert large / small < 1.2, (small, large)


def test_utf16_streams_too() -> None:
    small, _ = peak_while_reading(5_000, "utf-16")
    large, _ = peak_while_reading(50_000, "utf-16")
    assert large / small < 1.2, (small, large)
