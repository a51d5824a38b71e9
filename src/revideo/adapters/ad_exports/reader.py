"""
Streaming reader for Meta Ads Manager and Google Ads report files (CSV, TSV or XLSX).

`read_export` sniffs the file (encoding, separator, the header row within the first 12 rows,
platform) and returns an `ExportReader`; iterating it parses one data line at a time, so
memory stays flat whatever the file size. Platform detection: Meta or Google from the
platform-specific header names; YouTube is never inferred from headers alone, only when passed
explicitly or, for a detected Google file, per row when its `Campaign type` cell is `Video` (or
`YouTube`). An explicit platform applies to every row as given.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, islice
from typing import BinaryIO

from revideo.adapters.ad_exports import _headers, _numbers, _text, _xlsx
from revideo.adapters.ad_exports._parse import RowParser
from revideo.domain.ad_rows import ExportRow, RowError, UnreadableExport
from revideo.domain.ads import AdPlatform

HEADER_SEARCH_ROWS = 12
LOOKAHEAD_ROWS = 1000  # data rows buffered to learn the file's decimal separator
XLSX_SECONDS = 120.0  # an XLSX that takes longer to parse is refused (export it as CSV)
_DELIMITERS = (",", "\t", ";")
_RANGE_SPLIT = re.compile(r"\s+[-–—]\s+|\s+(?:to|a|au|até)\s+")

Source = Iterator[tuple[int, list[str]]]


class ExportReader:
    """One export file: what its header says, and a one-pass iterator over its data lines."""

    def __init__(
        self,
        source: Source,
        header: tuple[int, list[str]],
        preamble: Sequence[list[str]],
        platform: AdPlatform | None,
        encoding: str,
        delimiter: str | None,
    ) -> None:
        self.header_line, cells = header
        self.encoding = encoding
        self.delimiter = delimiter
        cols = _headers.resolve(cells)
        _require_columns(cols, self.header_line)
        detected = cols.platform()
        self.platform: AdPlatform = _chosen_platform(platform, detected)
        self.currency = cols.currency
        self.columns = {field: cols.name(field) for field in cols.index}
        file_range = _file_range(cols, preamble)
        split_youtube = platform is None and detected is AdPlatform.GOOGLE
        self._parser = RowParser(cols, self.platform, split_youtube, file_range)
        self._source: Source | None = source

    def __iter__(self) -> Iterator[ExportRow | RowError]:
        """Parse the data lines in order; a second iteration is refused (the file streams)."""
        if self._source is None:
            raise RuntimeError("an ExportReader can be iterated only once")
        source, self._source = self._source, None
        return self._rows(source)

    def _rows(self, source: Source) -> Iterator[ExportRow | RowError]:
        window = list(islice(source, LOOKAHEAD_ROWS))
        self._parser.learn(window)
        parse = self._parser.parse
        for line, cells in chain(window, source):
            item = parse(line, cells)
            if item is not None:
                yield item


def read_export(stream: BinaryIO, platform: AdPlatform | None = None) -> ExportReader:
    """Open a Meta or Google Ads export; raise UnreadableExport when it cannot be read."""
    start = stream.tell() if stream.seekable() else None
    if isinstance(stream, io.TextIOBase):
        raise UnreadableExport("file", "must be opened in binary mode ('rb')")
    head = _text.read_head(stream)
    if head.startswith(_text.XLSX_MAGIC):
        if start is None:
            raise UnreadableExport("file", "an XLSX file must be given as a seekable stream")
        stream.seek(start)
        return _open(_xlsx_source(stream), platform, "xlsx", None)
    encoding = _text.sniff_encoding(head)
    text = _text.text_stream(head, stream, encoding)
    lines = list(islice(text, HEADER_SEARCH_ROWS))
    delimiter = _pick_delimiter(lines)
    source = _csv_source(chain(lines, text), delimiter, encoding)
    return _open(source, platform, encoding, delimiter)


def _open(
    source: Source, platform: AdPlatform | None, encoding: str, delimiter: str | None
) -> ExportReader:
    preamble: list[list[str]] = []
    for line, cells in islice(source, HEADER_SEARCH_ROWS):
        if _headers.score(cells) >= 2:
            return ExportReader(source, (line, cells), preamble, platform, encoding, delimiter)
        preamble.append(cells)
    raise UnreadableExport(
        "file", f"no header row (Campaign name, Amount spent, …) in the first {len(preamble)} rows"
    )


def _pick_delimiter(lines: list[str]) -> str:
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        top = max((_headers.score(r) for r in rows), default=0)
        if top > best_score:
            best, best_score = delimiter, top
    return best


def _csv_source(lines: Iterable[str], delimiter: str, encoding: str) -> Source:
    reader = csv.reader(_text.checked_lines(lines), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except _text.UndecodableLine as e:
        raise UnreadableExport("file", f"not valid {encoding} text", e.line) from None
    except csv.Error as e:
        raise UnreadableExport("file", f"broken CSV ({e})", reader.line_num) from None


def _xlsx_source(stream: BinaryIO, seconds: float = XLSX_SECONDS) -> Source:
    """The rows of the first sheet; any failure, a bomb or a slow parse is UnreadableExport."""
    import openpyxl  # lazy: heavy, and only XLSX needs it

    deadline = time.monotonic() + seconds
    _xlsx.check_archive(stream)
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as e:  # zipfile/XML errors of a damaged file
        raise UnreadableExport("file", f"not a readable XLSX file ({_xlsx.brief(e)})") from None
    line = 0
    try:
        rows = book.active.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as e:  # a truncated or damaged sheet: zlib, CRC, XML errors
                problem = f"the sheet is damaged after row {line} ({_xlsx.brief(e)})"
                raise UnreadableExport("file", problem) from None
            line += 1
            if line % 256 == 0 and time.monotonic() > deadline:
                raise UnreadableExport("file", _xlsx.too_slow(seconds, line))
            yield line, [_numbers.day_from_excel(v) for v in values]
    finally:
        book.close()


def _require_columns(cols: _headers.Columns, line: int) -> None:
    if not {"campaign", "ad_set", "ad"} & cols.index.keys():
        raise UnreadableExport("Campaign name", "no campaign, ad set or ad name column", line)
    if not {"spend", "impressions", "clicks", "leads", "results"} & cols.index.keys():
        raise UnreadableExport("Amount spent", "no spend, impressions, clicks or leads", line)


def _chosen_platform(given: AdPlatform | None, detected: AdPlatform | None) -> AdPlatform:
    if given is not None:
        return given
    if detected is None:
        raise UnreadableExport("platform", "cannot tell Meta from Google by the headers: give it")
    return detected


def _file_range(cols: _headers.Columns, preamble: Sequence[list[str]]) -> tuple[date, date] | None:
    """None when rows carry their own day; else the preamble's range, or UnreadableExport."""
    if {"day", "ends"} & cols.index.keys():
        return None
    found = _preamble_range(preamble)
    if found is None:
        raise UnreadableExport("Day", "no Day or Reporting ends column and no date range")
    return found


def _preamble_range(rows: Sequence[list[str]]) -> tuple[date, date] | None:
    """The `1 February 2026 - 28 February 2026` line Google puts above the header."""
    for cells in rows:
        parts = _RANGE_SPLIT.split(",".join(cells).strip().strip(","), maxsplit=1)
        if len(parts) == 2:
            try:
                return _numbers.day(parts[0]), _numbers.day(parts[1])
            except _numbers.CellError:
                continue
    return None
