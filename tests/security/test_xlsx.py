"""
Issue 15 #6: an XLSX report is checked before it is parsed (a zip bomb is refused by its
declared sizes), every way it can be broken is a 400 naming the file, the staged upload is
always deleted when reading fails, and kept previews are bounded per user (count, bytes,
expiry). Over HTTP against the real app on the embedded PostgreSQL.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable

import pytest

from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, Live, fields, staged
from tests.support import Clock

backend, services, standin, supabase_backend, live, live_pg = fx.FIXTURES  # fixtures

HEADER = ["Campaign name", "Ad name", "Day", "Amount spent (USD)", "Impressions", "Leads"]
SHEET = "xl/worksheets/sheet1.xml"
KEPT = (".report", ".meta")  # a kept upload and its details (entrypoints/web/_staging.py)


def workbook(lines: int = 3) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(lines):
        sheet.append(["Spring", f"Ad {i}", "2026-11-01", 10.5, 1000, 2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(sheet: bytes | None = None, rows: int = 0) -> bytes:
    """A real workbook whose first sheet is replaced: by `sheet`, or by a header and `rows`
    identical rows written as a stream (a small file that unpacks to a huge one)."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item, source.read(item))
            elif sheet is not None:
                target.writestr(SHEET, sheet)
            else:
                with target.open(SHEET, "w", force_zip64=True) as stream:
                    stream.write(_sheet_xml(rows).encode())
    return out.getvalue()


def _sheet_xml(rows: int) -> str:
    """A header, then rows whose ad name is 64 KB of one letter (deflate packs it ~1000×)."""

    def cell(v: object) -> str:
        if isinstance(v, str):
            return f'<c t="inlineStr"><is><t>{v}</t></is></c>'
        return f"<c><v>{v}</v></c>"

    head = "".join(cell(v) for v in HEADER)
    row = "".join(cell(v) for v in ["Spring", "A" * 65536, "2026-11-01", 10.5, 1000, 2])
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData><row>{head}</row>{('<row>' + row + '</row>') * rows}</sheetData></worksheet>"
    )


def real_sheet(lines: int) -> bytes:
    """The sheet XML of a workbook as Excel tools write it (with its <dimension>)."""
    return zipfile.ZipFile(io.BytesIO(workbook(lines))).read(SHEET)


def damaged_member() -> bytes:
    """The sheet's compressed bytes overwritten near the end (an inflate or CRC error)."""
    blob = bytearray(with_sheet(real_sheet(5000)))
    info = zipfile.ZipFile(io.BytesIO(bytes(blob))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    late = start + info.compress_size * 9 // 10
    blob[late : late + 64] = bytes(64)
    return bytes(blob)


BROKEN: dict[str, tuple[Callable[[], bytes], str]] = {
    "bomb": (lambda: with_sheet(rows=5000), "unpack"),
    "cut-in-half": (lambda: workbook(200)[: len(workbook(200)) // 2], "not a readable XLSX"),
    "sheet-cut-short": (lambda: with_sheet(real_sheet(5000)[:-2000]), "the sheet is damaged"),
    "damaged-member": (damaged_member, "the sheet is damaged"),
    "garbage": (lambda: b"PK\x03\x04" + os.urandom(4000), "not a readable XLSX"),
}


def upload(agent: Agent, body: bytes, name: str = "report.xlsx") -> object:
    files = {"file": (name, body, "application/octet-stream")}
    return agent.post("/ads/import", {"platform": "meta"}, files=files)


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_xlsx_is_a_400_naming_the_file_and_leaves_nothing(
    live_pg: Live, case: str
) -> None:
    build, words = BROKEN[case]
    body = build()
    agent = live_pg.agent("ann@example.com")
    answer = upload(agent, body)
    assert answer.status_code == 400, answer.text[:300]  # type: ignore[attr-defined]
    assert fields(answer) == ["file"]  # type: ignore[arg-type]
    assert words in answer.text  # type: ignore[attr-defined]
    assert staged(live_pg.services, KEPT) == []


def test_a_bomb_is_refused_before_it_is_unpacked() -> None:
    """The declared sizes decide: the bomb's sheet would unpack to far more than it weighs."""
    body = BROKEN["bomb"][0]()
    sheet = zipfile.ZipFile(io.BytesIO(body)).getinfo(SHEET)
    assert len(body) < 1_000_000 and sheet.file_size > 300 * 2**20


def token_of(html: str) -> str:
    found = re.search(r'action="/ads/import/([A-Za-z0-9_-]+)"', html)
    assert found, html[:500]
    return found[1]


def test_kept_previews_are_bounded_per_user(live_pg: Live) -> None:
    from revideo.entrypoints.web._staging import KEEP_COUNT

    agent = live_pg.agent("bob@example.com")
    tokens = []
    for _ in range(KEEP_COUNT + 2):
        answer = upload(agent, workbook())
        assert answer.status_code == 200, fields(answer)  # type: ignore[arg-type]
        tokens.append(token_of(answer.text))  # type: ignore[attr-defined]
    assert len(staged(live_pg.services, ".report")) == KEEP_COUNT
    oldest = agent.post(f"/ads/import/{tokens[0]}", {"action": "preview"})
    assert oldest.status_code == 404
    newest = agent.post(f"/ads/import/{tokens[-1]}", {"action": "preview"})
    assert newest.status_code == 200


def clock_of(live: Live) -> Clock:
    clock = live.services.staging.clock
    assert isinstance(clock, Clock)
    return clock


def test_an_expired_preview_is_refused_and_deleted(live_pg: Live) -> None:
    agent = live_pg.agent("cat@example.com")
    token = token_of(upload(agent, workbook()).text)  # type: ignore[attr-defined]
    clock_of(live_pg).advance(hours=live_pg.services.settings.staging_hours, seconds=1)
    answer = agent.post(f"/ads/import/{token}", {"action": "commit"})
    assert answer.status_code == 404
    assert staged(live_pg.services, ".report") == []


def test_expired_previews_of_other_users_are_swept_by_the_worker(live_pg: Live) -> None:
    first, second = live_pg.agent("dan@example.com"), live_pg.agent("eve@example.com")
    upload(first, workbook())
    stale = staged(live_pg.services, KEPT)
    clock_of(live_pg).advance(hours=live_pg.services.settings.staging_hours, seconds=1)
    upload(second, workbook())
    assert set(stale) <= set(staged(live_pg.services, KEPT))  # eve's upload tidies only her folder
    assert live_pg.services.staging.sweep_if_due() >= len(stale)  # what the worker calls
    assert not set(stale) & set(staged(live_pg.services, KEPT))
    assert len(staged(live_pg.services, ".report")) == 1  # eve's


def test_reading_an_xlsx_stops_at_its_time_budget() -> None:
    """A budget already spent ends the parse at the first check, with a 4xx-ready error."""
    from revideo.adapters.ad_exports.reader import _xlsx_source
    from revideo.domain.ad_rows import UnreadableExport

    with pytest.raises(UnreadableExport, match="took longer than 0 s") as caught:
        for _ in _xlsx_source(io.BytesIO(workbook(600)), seconds=0):
            pass
    assert caught.value.field == "file"
