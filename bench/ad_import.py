"""
Throughput of reading ad exports, against the floor of Python's csv module reading the same file.

Generates large Meta (UTF-8, comma) and Google (UTF-16 LE with BOM, tab, title and date-range
lines, thousands separators, currency symbols) exports in a temporary folder, then for each:
  floor  = csv.reader merely iterating the file (same encoding, same separator);
  read   = revideo.adapters.ad_exports.read_export parsing every row;
  mapped = read + match_rows + merge_matches (the whole pure half of an import).
Prints rows/second and the ratio read/floor (1.0 would be "as fast as csv alone").

    python bench/ad_import.py [--rows 300000] [--memory]

--memory also reads each file once more under tracemalloc and prints the peak (slower).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from revideo.adapters.ad_exports import VideoRef, match_rows, merge_matches, read_export
from revideo.domain.ad_rows import ExportRow

VIDEOS = [VideoRef(id=f"{i:08x}-0000-4000-8000-{i:012x}", title=f"Video {i}") for i in range(200)]
FIRST = date(2025, 1, 1)


def meta_lines(rows: int) -> Iterator[str]:
    yield (
        "Campaign name,Ad set name,Ad name,Day,Reach,Impressions,Frequency,Result type,Results,"
        "Amount spent (USD),Cost per result,Link clicks,Reporting starts,Reporting ends\n"
    )
    for i in range(rows):
        v, day = VIDEOS[i % len(VIDEOS)], FIRST + timedelta(days=i % 365)
        yield (
            f"Spring {v.short_id},Broad,Ad {i % 7},{day},{i % 5000},{i % 9000},1.{i % 90:02d},"
            f"Leads,{i % 9},{i % 997}.{i % 100:02d},3.10,{i % 77},{day},{day}\n"
        )


def google_lines(rows: int) -> Iterator[str]:
    yield "Campaign report\n1 January 2025 - 31 December 2025\n"
    yield (
        "Day\tCampaign\tAd group\tCampaign type\tCurrency code\tCost\tImpr.\tClicks\tCTR\t"
        "Conversions\n"
    )
    for i in range(rows):
        v, day = VIDEOS[i % len(VIDEOS)], FIRST + timedelta(days=i % 365)
        yield (
            f"{day}\tTour {v.short_id}\tGroup\t{'Video' if i % 3 else 'Search'}\tUSD\t"
            f"${i % 4000:,}.{i % 100:02d}\t{i * 7:,}\t{i % 1500:,}\t2.{i % 100:02d}%\t{i % 4}.00\n"
        )
    yield "Total: Account\t\t\t\t\t$1.00\t1\t1\t\t1.00\n"


def write(path: Path, lines: Iterator[str], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as out:
        out.writelines(lines)


def timed(run: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    rows = run()
    return rows, time.perf_counter() - start


def floor(path: Path, encoding: str, delimiter: str) -> int:
    with path.open(encoding=encoding, newline="") as f:
        return sum(1 for _ in csv.reader(f, delimiter=delimiter))


def ours(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for item in read_export(f) if isinstance(item, ExportRow))


def ours_mapped(path: Path) -> int:
    with path.open("rb") as f:
        rows = (item for item in read_export(f) if isinstance(item, ExportRow))
        merged, _ = merge_matches(match_rows(rows, VIDEOS))
    return sum(m.rows for m in merged)


def peak_mib(path: Path) -> float:
    tracemalloc.start()
    try:
        ours(path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    rows = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("meta utf-8 comma", Path(tmp, "meta.csv"), meta_lines, "utf-8-sig", ","),
            ("google utf-16 tab", Path(tmp, "google.csv"), google_lines, "utf-16", "\t"),
        ]
        for name, path, lines, encoding, delimiter in cases:
            write(path, lines(rows), encoding)
            size = path.stat().st_size / 2**20
            n_floor, t_floor = timed(lambda: floor(path, encoding, delimiter))  # noqa: B023
            n_read, t_read = timed(lambda: ours(path))  # noqa: B023
            n_map, t_map = timed(lambda: ours_mapped(path))  # noqa: B023
            assert n_read == n_map == rows, (n_read, n_map, rows)
            print(f"{name}: {rows} rows, {size:.1f} MiB")
            print(f"  floor csv.reader   {n_floor / t_floor:>12,.0f} rows/s")
            print(f"  read_export        {n_read / t_read:>12,.0f} rows/s")
            print(f"  read+match+merge   {n_map / t_map:>12,.0f} rows/s")
            print(f"  ratio read/floor   {t_floor / t_read:.3f}")
            print(f"  ratio full/floor   {t_floor / t_map:.3f}")
            if args.memory:
                print(f"  read_export peak   {peak_mib(path):.2f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()
