"""
Importing a large ad export through the service into the embedded PostgreSQL, against a raw COPY.

Starts an embedded server in a temporary folder, seeds one user with VIDEOS videos, and writes
two Meta daily exports (UTF-8 with BOM, one row per ad and day, the ad name carrying the
video's short id): a first report, and a later one whose first fifth restates the last fifth
of the first (other leads: platforms restate for days) and whose rest is new days. Then, for
each size, in a child process whose peak RSS is reported:
  first  = AdImportService.commit of the first report (sniff, parse, map, COPY into staging,
           then in SQL: sums per source ad and day, checks, outcomes, inserts);
  import = the same for the later report: 20 % of its rows update stored figures (the old
           ones kept aside for undo), 80 % are added;
  raw    = the rows the later import holds, sent by a bare `COPY ad_performance FROM STDIN`
           into the emptied table (superuser: no RLS, rows pre-rendered as text; the
           rollup triggers run as for any write).
Prints rows/second and the ratio raw/import (1.0 = as fast as COPY alone; goal ≥ 0.5), and
the reader alone against csv.reader merely iterating the same file.

    python bench/ad_import.py                    # 100k and 1M rows
    python bench/ad_import.py --sizes 20000      # quick
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

VIDEOS = 1000
FIRST = date(2020, 1, 1)
USER = "00000000-0000-4000-8000-00000000b0b0"
COLUMNS = (
    "id, video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks, leads,"
    " import_id, source_key, ad_id, ad_name, ad_set_name, campaign_id, campaign_name"
)
RESTATED = 5  # a fifth of the later report restates the first


def video_id(i: int) -> str:
    return f"{i:08x}-0000-4000-8000-{i:012x}"


def seed(admin: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
        conn.execute(
            "INSERT INTO auth.users (id, email, aud, role)"
            " VALUES (%s, 'bench@bench.test', 'authenticated', 'authenticated')",
            [USER],
        )
        conn.execute(
            "INSERT INTO public.properties (id, user_id, title, category)"
            " VALUES (%s, %s, 'Bench', 'residential')",
            [USER, USER],
        )
        with conn.cursor().copy(
            "COPY public.videos (id, user_id, property_id, title) FROM STDIN"
        ) as cp:
            for i in range(VIDEOS):
                cp.write_row((video_id(i), USER, USER, f"Video {i}"))


def write_export(path: Path, rows: int, start: int = 0, restated: int = 0) -> None:
    """`rows` rows from row number `start` on; the first `restated` carry other leads."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(
            "Campaign name,Ad set name,Ad name,Day,Reach,Impressions,Frequency,Result type,"
            "Results,Amount spent (USD),Cost per result,Link clicks,Reporting starts,"
            "Reporting ends\n"
        )
        for n in range(rows):
            i = start + n
            v, day = i % VIDEOS, FIRST + timedelta(days=i // VIDEOS)
            leads = i % 9 + (3 if n < restated else 0)
            out.write(
                f"Spring,Broad,Tour rv-{video_id(v)[:8]},{day},{i % 5000},{i % 9000 + 100},"
                f"1.{i % 90:02d},Leads,{leads},{i % 997}.{i % 100:02d},3.10,{i % 77},{day},{day}\n"
            )


def child(app: str, *paths: str) -> None:
    """Import each file through the service; print seconds, counts and peak RSS as JSON."""
    from revideo.adapters.ad_exports import read_export
    from revideo.adapters.postgres import PostgresDatabase
    from revideo.domain.profile import Actor
    from revideo.services._base import Context
    from revideo.services.ad_import import AdImportService

    db = PostgresDatabase.connect(app, min_size=1, max_size=1)
    service = AdImportService(Context(db.unit_of_work), read_export)
    done = []
    for path in paths:
        start = time.perf_counter()
        with open(path, "rb") as f:
            report = service.commit(Actor.user(USER), f, file_name=Path(path).name)
        seconds = time.perf_counter() - start
        done.append({"seconds": seconds, "added": report.added, "updated": report.updated,
                     "errors": report.error_count, "unmapped": report.unmapped_count,
                     "import_id": report.import_id})  # fmt: skip
    print(json.dumps({"imports": done, "peak_mib": peak_rss_mib()}))
    db.close()


def peak_rss_mib() -> float:
    """This process's own peak RSS (VmHWM).

    Not ru_maxrss: Linux carries the RSS a process had when forked over execve into the
    child's ru_maxrss, so the 1M child showed the parent's raw-COPY buffer of the 100k round.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_copy(admin: str, import_id: str) -> tuple[int, float]:
    """Take the rows an import holds out, empty the tables, and time a bare COPY of them."""
    with psycopg.connect(admin) as conn:
        buffer = io.BytesIO()
        held = f"SELECT {COLUMNS} FROM public.ad_performance WHERE import_id = '{import_id}'"
        with conn.cursor().copy(f"COPY ({held}) TO STDOUT") as cp:
            for block in cp:
                buffer.write(block)
        conn.execute("DELETE FROM public.ad_performance")
        conn.execute("DELETE FROM public.ad_figure_versions")
        conn.commit()
        data = buffer.getvalue()
        start = time.perf_counter()
        with conn.cursor().copy(f"COPY public.ad_performance ({COLUMNS}) FROM STDIN") as cp:
            for at in range(0, len(data), 1 << 20):
                cp.write(data[at : at + (1 << 20)])
        conn.commit()
        seconds = time.perf_counter() - start
        count = conn.execute("SELECT count(*) FROM public.ad_performance").fetchone()[0]  # type: ignore[index]
        conn.execute("DELETE FROM public.ad_performance")
        conn.execute("DELETE FROM public.ad_imports")
        conn.commit()
    return int(count), seconds


def reader_vs_csv(path: Path) -> tuple[float, float]:
    from revideo.adapters.ad_exports import read_export

    start = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as f:
        n_floor = sum(1 for _ in csv.reader(f))
    t_floor = time.perf_counter() - start
    start = time.perf_counter()
    with path.open("rb") as f:
        n_read = sum(1 for _ in read_export(f))
    t_read = time.perf_counter() - start
    return (n_floor - 1) / t_floor, n_read / t_read


def measure(app: str, admin: str, folder: Path, rows: int) -> None:
    first, later = folder / f"meta-{rows}-a.csv", folder / f"meta-{rows}-b.csv"
    overlap = rows // RESTATED
    write_export(first, rows)
    write_export(later, rows, start=rows - overlap, restated=overlap)
    size = later.stat().st_size / 2**20
    floor_rate, read_rate = reader_vs_csv(later)
    run = subprocess.run(
        [sys.executable, __file__, "--child", app, str(first), str(later)],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if run.returncode:
        raise SystemExit(f"the import failed:\n{run.stderr[-3000:]}")
    got = json.loads(run.stdout.strip().splitlines()[-1])
    base, restating = got["imports"]
    assert base["added"] == rows and base["errors"] == base["unmapped"] == 0, base
    assert (restating["added"], restating["updated"]) == (rows - overlap, overlap), restating
    count, raw_seconds = raw_copy(admin, restating["import_id"])
    assert count == rows, count
    seconds = restating["seconds"]
    print(f"{rows:,} rows ({size:.0f} MiB file), the later report restating {overlap:,} of them")
    print(f"  reader alone       {read_rate:>12,.0f} rows/s   csv.reader {floor_rate:,.0f} rows/s"
          f"   ratio {read_rate / floor_rate:.2f}")  # fmt: skip
    print(f"  first import       {rows / base['seconds']:>12,.0f} rows/s   {base['seconds']:.1f} s"
          f"   (raw/first {raw_seconds / base['seconds']:.2f})")  # fmt: skip
    print(f"  import (service)   {rows / seconds:>12,.0f} rows/s   {seconds:.1f} s"
          f"   ({rows - overlap:,} added, {overlap:,} updated)")  # fmt: skip
    print(f"  raw COPY           {rows / raw_seconds:>12,.0f} rows/s   {raw_seconds:.1f} s")
    print(f"  ratio raw/import   {raw_seconds / seconds:.2f}   (goal ≥ 0.5)")
    print(f"  peak RSS of import {got['peak_mib']:.0f} MiB   (goal: flat, < 200 MiB)")
    first.unlink()
    later.unlink()


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        child(sys.argv[2], *sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    from revideo.adapters.postgres import embedded

    folder = Path(tempfile.mkdtemp(prefix="revideo-bench-import-"))
    try:
        app = embedded.ensure_server(folder / "pg")
        admin = embedded.admin_dsn(folder / "pg")
        seed(admin)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for rows in args.sizes:
            measure(app, admin, folder, rows)
    finally:
        embedded.stop_server(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
