"""
Importing a large ad export through the service into the embedded PostgreSQL, against a raw COPY.

Starts an embedded server in a temporary folder, seeds one user with VIDEOS videos, and writes
a Meta daily export (UTF-8 with BOM, one row per video and day, the ad name carrying the
video's short id: every row is its own natural key). Then, for each size:
  import = AdImportService.commit on the file (sniff, parse, map, COPY the mapped rows into a
           staging table, then in SQL: sums per natural key, checks, one INSERT … ON CONFLICT),
           run in a child process whose peak RSS is reported;
  raw    = the very rows that import stored, deleted again and re-sent by a bare
           `COPY ad_performance FROM STDIN` (superuser: no RLS, rows pre-rendered as text).
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
COLUMNS = "id, video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks, leads"


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


def write_export(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(
            "Campaign name,Ad set name,Ad name,Day,Reach,Impressions,Frequency,Result type,"
            "Results,Amount spent (USD),Cost per result,Link clicks,Reporting starts,"
            "Reporting ends\n"
        )
        for i in range(rows):
            v, day = i % VIDEOS, FIRST + timedelta(days=i // VIDEOS)
            out.write(
                f"Spring,Broad,Tour rv-{video_id(v)[:8]},{day},{i % 5000},{i % 9000 + 100},"
                f"1.{i % 90:02d},Leads,{i % 9},{i % 997}.{i % 100:02d},3.10,{i % 77},{day},{day}\n"
            )


def child(app: str, path: str) -> None:
    """Import the file through the service; print seconds, counts and peak RSS as JSON."""
    from revideo.adapters.ad_exports import read_export
    from revideo.adapters.postgres import PostgresDatabase
    from revideo.domain.profile import Actor
    from revideo.services._base import Context
    from revideo.services.ad_import import AdImportService

    db = PostgresDatabase.connect(app, min_size=1, max_size=1)
    service = AdImportService(Context(db.unit_of_work), read_export)
    start = time.perf_counter()
    with open(path, "rb") as f:
        report = service.commit(Actor.user(USER), f)
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    print(json.dumps({"seconds": seconds, "added": report.to_add, "errors": report.error_count,
                      "unmapped": report.unmapped_count, "peak_mib": peak}))  # fmt: skip
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


def raw_copy(admin: str) -> tuple[int, float]:
    """Take the stored rows out, delete them, and time a bare COPY of them back in."""
    with psycopg.connect(admin) as conn:
        buffer = io.BytesIO()
        with conn.cursor().copy(f"COPY public.ad_performance ({COLUMNS}) TO STDOUT") as cp:
            for block in cp:
                buffer.write(block)
        conn.execute("DELETE FROM public.ad_performance")
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
    path = folder / f"meta-{rows}.csv"
    write_export(path, rows)
    size = path.stat().st_size / 2**20
    floor_rate, read_rate = reader_vs_csv(path)
    run = subprocess.run(
        [sys.executable, __file__, "--child", app, str(path)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["added"] == rows and got["errors"] == got["unmapped"] == 0, got
    count, raw_seconds = raw_copy(admin)
    assert count == rows, count
    print(f"{rows:,} rows ({size:.0f} MiB file)")
    print(f"  reader alone       {read_rate:>12,.0f} rows/s   csv.reader {floor_rate:,.0f} rows/s"
          f"   ratio {read_rate / floor_rate:.2f}")  # fmt: skip
    print(f"  import (service)   {rows / got['seconds']:>12,.0f} rows/s   {got['seconds']:.1f} s")
    print(f"  raw COPY           {rows / raw_seconds:>12,.0f} rows/s   {raw_seconds:.1f} s")
    print(f"  ratio raw/import   {raw_seconds / got['seconds']:.2f}   (goal ≥ 0.5)")
    print(f"  peak RSS of import {got['peak_mib']:.0f} MiB   (goal: flat, < 200 MiB)")
    path.unlink()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
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
        for rows in args.sizes:
            measure(app, admin, folder, rows)
    finally:
        embedded.stop_server(folder / "pg")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
