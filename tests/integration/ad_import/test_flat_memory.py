"""An import through the service into PostgreSQL keeps no row nor key once sent: flat memory."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import islice

import pytest

from tests.integration.ad_import.conftest import Agent

pytestmark = pytest.mark.integration
FIRST = date(1940, 1, 1)  # 15,000 days later is still in the past


class Export(io.RawIOBase):
    """A Meta export of `rows` lines, each its own key (2 videos), produced as it is read."""

    def __init__(self, agent: Agent, rows: int) -> None:
        self._lines = self._generate(agent, rows)
        self._pending = b""

    def _generate(self, agent: Agent, rows: int) -> Iterator[str]:
        yield "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"
        for i in range(rows):
            video, day = (agent.villa, agent.loft)[i % 2], FIRST + timedelta(days=i // 2)
            yield f"Spring,Ad {i % 40} {video[:8]},{day},{i % 97}.25,{i},3,1\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = "".join(islice(self._lines, 500)).encode()
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def peak_of_import(agent: Agent, rows: int) -> int:
    stream = io.BufferedReader(Export(agent, rows), buffer_size=1 << 16)
    tracemalloc.start()
    try:
        report = agent.svc.ad_import.preview(agent.actor, stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.rows_read, report.added, report.error_count) == (rows, rows, 0)
    return peak


def test_peak_memory_does_not_grow_with_the_rows(agent: Agent) -> None:
    small = peak_of_import(agent, 6_000)  # past the bounded caches of day texts
    large = peak_of_import(agent, 30_000)
    assert large < 4 * 2**20, large
    assert large / small < 1.2, (small, large)
