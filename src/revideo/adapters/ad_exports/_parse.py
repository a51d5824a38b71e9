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
from decimal import Decimal
from typing import Any

from revideo.adapters.ad_exports import _headers
from revideo.adapters.ad_exports._numbers import CellError, NumberStyle, amount, count, day
from revideo.domain.ad_rows import ExportRow, RowError
from revideo.domain.ads import AdPlatform

_TOTALS = ("total:", "total :", "totals:", "grand total", "total general", "totaux")
_TOTAL_CELLS = frozenset({"total", "totals", "totales", "totais", "total geral"})
_NUMERIC_FIELDS = ("spend", "impressions", "clicks", "leads", "results")
_TOTAL_START = "tTgG\u1e97"  # what a total's first cell may start with (casefolds to t, g)
_DAYS_KEPT = 1024  # distinct day texts (and result types) remembered per file


class _FieldError(CellError):
    """A CellError in a known column (the field names it for the RowError)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


def _is_total(cells: Sequence[str]) -> bool:
    for cell in cells[:3]:
        if cell:
            if cell[0] not in _TOTAL_START and not cell[0].isspace():
                return False  # fast path: the first name cannot start a total
            text = cell.strip().casefold()
            if text:
                return text in _TOTAL_CELLS or text.startswith(_TOTALS)
    return False


class RowParser:
    """Parses the data lines of one file; holds the file's number style as it learns it.

    Column positions are looked up once (-1: the file has no such column), and each day text
    is parsed once per file (`_days`), so a line costs a few string checks per cell.
    """

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
        self._i = i = {f: cols.index.get(f, -1) for f in _headers._TABLE}
        self._names = (i["campaign"], i["ad_set"], i["ad"])
        self._ids = (i["ad_id"], i["campaign_id"])
        self._metric = (i["spend"], i["impressions"], i["clicks"], i["leads"], i["results"])
        self._youtube = i["campaign_type"] if split_youtube else -1
        self._day_at = i["day"]
        self._range = file_range
        self._days: dict[str, date] = {}
        self._lead_kinds: dict[str, bool] = {}

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
        c, s, a = self._names
        campaign = cells[c].strip() if c >= 0 else ""
        ad_set = cells[s].strip() if s >= 0 else ""
        ad = cells[a].strip() if a >= 0 else ""
        if not (campaign or ad_set or ad):
            return None
        try:
            when = self._days.get(cells[self._day_at]) if self._day_at >= 0 else None
            start = None
            if when is None:
                when, start = self._day(cells)
            spend, impressions, clicks, leads = self._metrics(cells)
        except CellError as e:
            return RowError(line, self._column(getattr(e, "field", "day")), str(e))
        platform = self.platform if self._youtube < 0 else self._platform(cells)
        currency = self.cols.currency if self._i["currency"] < 0 else self._currency(cells)
        ad_id, campaign_id = (cells[k].strip()[:200] if k >= 0 else "" for k in self._ids)
        return ExportRow(
            line, platform, when, campaign, ad_set, ad, spend, impressions, clicks, leads,
            currency, start, ad_id, campaign_id,
        )  # fmt: skip

    def _metrics(self, cells: list[str]) -> tuple[Decimal | None, int | None, int | None, Any]:
        sp, im, cl, le, rs = self._metric
        style, field = self.style, "spend"
        try:
            spend = amount(cells[sp], style) if sp >= 0 else None
            field = "impressions"
            impressions = count(cells[im], style) if im >= 0 else None
            field = "clicks"
            clicks = count(cells[cl], style) if cl >= 0 else None
            field = "leads"
            leads = amount(cells[le], style) if le >= 0 else None
            if leads is None and rs >= 0 and self._lead_result(cells):
                field = "results"
                leads = amount(cells[rs], style)
        except CellError as e:
            raise _FieldError(field, str(e)) from None
        return spend, impressions, clicks, leads

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
                raise _FieldError("starts", str(e)) from None
        assert self._range is not None  # ExportReader checked there is a date source
        return self._range[1], self._range[0]

    def _required_day(self, cells: list[str], field: str) -> date:
        cell = cells[self._i[field]]
        found = self._days.get(cell)
        if found is not None:
            return found
        try:
            if not cell.strip():
                raise CellError("missing date")
            found = day(cell.strip())
        except CellError as e:
            raise _FieldError(field, str(e)) from None
        if len(self._days) >= _DAYS_KEPT:
            self._days.clear()
        self._days[cell] = found
        return found

    def _lead_result(self, cells: list[str]) -> bool:
        at = self._i["result_type"]
        kind = cells[at] if at >= 0 else ""
        found = self._lead_kinds.get(kind)
        if found is None:
            folded = kind.casefold()
            found = any(word in folded for word in _headers.LEAD_WORDS)
            if len(self._lead_kinds) < _DAYS_KEPT:
                self._lead_kinds[kind] = found
        return found

    def _platform(self, cells: list[str]) -> AdPlatform:
        if cells[self._youtube].strip().casefold() in _headers.VIDEO_CAMPAIGN_TYPES:
            return AdPlatform.YOUTUBE
        return self.platform

    def _currency(self, cells: list[str]) -> str | None:
        code = cells[self._i["currency"]].strip().upper()
        return code or self.cols.currency

    def _column(self, field: str) -> str:
        return self.cols.name(field) if field in self.cols.index else field
