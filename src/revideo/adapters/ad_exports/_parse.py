"""
Turning one data line of an export into an ExportRow or a RowError.

Skipped silently: blank lines, total rows (`Total`, `Total: Account`, `Grand total`, …) and
summary rows with no campaign, ad set or ad name (Meta's first row in aggregated exports).
Leads: a `Leads` column (Meta) or `Conversions` (Google) when it has a value; otherwise Meta's
`Results` when the row's `Result type` names a lead result. `Results` without a result type is
not taken for leads: it may count link clicks or views.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date

from revideo.adapters.ad_exports import _headers
from revideo.adapters.ad_exports._numbers import CellError, NumberStyle, amount, count, day
from revideo.domain.ad_rows import ExportRow, RowError
from revideo.domain.ads import AdPlatform

_TOTALS = ("total:", "total :", "totals:", "grand total", "total general", "totaux")
_TOTAL_CELLS = frozenset({"total", "totals", "totales", "totais", "total geral"})
_NUMERIC_FIELDS = ("spend", "impressions", "clicks", "leads", "results")


class _DayError(CellError):
    """A CellError in a date column other than the one being parsed."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


def _is_total(cells: Sequence[str]) -> bool:
    for cell in cells[:3]:
        text = cell.strip().casefold()
        if text:
            return text in _TOTAL_CELLS or text.startswith(_TOTALS)
    return False


class RowParser:
    """Parses the data lines of one file; holds the file's number style as it learns it."""

    def __init__(
        self,
        cols: _headers.Columns,
        platform: AdPlatform,
        split_youtube: bool,
        file_range: tuple[date, date] | None,
    ) -> None:
        self.cols = cols
        self.platform = platform
        self.style = NumberStyle()
        self.width = len(cols.header)
        at = cols.index.get
        self._names = [i for i in (at("campaign"), at("ad_set"), at("ad")) if i is not None]
        self._i = {f: cols.index.get(f, -1) for f in _headers._TABLE}
        self._youtube = self._i["campaign_type"] if split_youtube else -1
        self._range = file_range

    def learn(self, rows: Sequence[tuple[int, list[str]]]) -> None:
        """Settle the decimal separator from unambiguous cells in the first rows, if any."""
        columns = [self._i[f] for f in _NUMERIC_FIELDS if self._i[f] >= 0]
        columns += self.cols.evidence
        for _, cells in rows:
            if len(cells) != self.width:
                continue
            for i in columns:
                with contextlib.suppress(CellError):
                    amount(cells[i].rstrip("%"), self.style)

    def parse(self, line: int, cells: list[str]) -> ExportRow | RowError | None:
        """The row on `line`, its error, or None for a line to skip."""
        if len(cells) != self.width:
            if not any(c.strip() for c in cells):
                return None
            if len(cells) < self.width or any(c.strip() for c in cells[self.width :]):
                return RowError(line, "row", f"has {len(cells)} cells, the header has {self.width}")
        if _is_total(cells):
            return None
        names = self._named(cells)
        if names is None:
            return None
        return self._metrics(line, cells, names)

    def _named(self, cells: list[str]) -> tuple[str, str, str] | None:
        i = self._i
        campaign = cells[i["campaign"]].strip() if i["campaign"] >= 0 else ""
        ad_set = cells[i["ad_set"]].strip() if i["ad_set"] >= 0 else ""
        ad = cells[i["ad"]].strip() if i["ad"] >= 0 else ""
        if not (campaign or ad_set or ad):
            return None
        return campaign, ad_set, ad

    def _metrics(
        self, line: int, cells: list[str], names: tuple[str, str, str]
    ) -> ExportRow | RowError:
        i, style, field = self._i, self.style, "day"
        try:
            when, start = self._day(cells)
            field = "spend"
            spend = amount(cells[i["spend"]], style) if i["spend"] >= 0 else None
            field = "impressions"
            impressions = count(cells[i["impressions"]], style) if i["impressions"] >= 0 else None
            field = "clicks"
            clicks = count(cells[i["clicks"]], style) if i["clicks"] >= 0 else None
            field = "leads"
            leads = amount(cells[i["leads"]], style) if i["leads"] >= 0 else None
            if leads is None and i["results"] >= 0 and self._lead_result(cells):
                field = "results"
                leads = amount(cells[i["results"]], style)
        except CellError as e:
            return RowError(line, self._column(getattr(e, "field", field)), str(e))
        return ExportRow(
            line, self._platform(cells), when, *names, spend, impressions, clicks, leads,
            self._currency(cells), start,
        )  # fmt: skip

    def _day(self, cells: list[str]) -> tuple[date, date | None]:
        i = self._i
        if i["day"] >= 0:
            return self._required_day(cells, "day"), None
        if i["ends"] >= 0:
            end = self._required_day(cells, "ends")
            start_cell = cells[i["starts"]].strip() if i["starts"] >= 0 else ""
            try:
                return end, (day(start_cell) if start_cell else None)
            except CellError as e:
                raise _DayError("starts", str(e)) from None
        assert self._range is not None  # ExportReader checked there is a date source
        return self._range[1], self._range[0]

    def _required_day(self, cells: list[str], field: str) -> date:
        cell = cells[self._i[field]].strip()
        try:
            if not cell:
                raise CellError("missing date")
            return day(cell)
        except CellError as e:
            raise _DayError(field, str(e)) from None

    def _lead_result(self, cells: list[str]) -> bool:
        at = self._i["result_type"]
        kind = cells[at].casefold() if at >= 0 else ""
        return any(word in kind for word in _headers.LEAD_WORDS)

    def _platform(self, cells: list[str]) -> AdPlatform:
        at = self._youtube
        if at >= 0 and cells[at].strip().casefold() in _headers.VIDEO_CAMPAIGN_TYPES:
            return AdPlatform.YOUTUBE
        return self.platform

    def _currency(self, cells: list[str]) -> str | None:
        at = self._i["currency"]
        code = cells[at].strip().upper() if at >= 0 else ""
        return code or self.cols.currency

    def _column(self, field: str) -> str:
        return self.cols.name(field) if field in self.cols.index else field
