"""
Analytics and list speed of the PostgreSQL adapter against bare SQL, same data, same run.

Seeds an embedded server (in a temporary directory) with users, then by COPY
properties, videos, render jobs and ad rows, then times:
- the analytics summary through the repository (RLS, role switch, conversion)
  against the bare aggregate SQL over the same rows (superuser, no RLS);
- the first page of the video list, likewise.
Prints the median of each (the two sides timed in turns) and the ratio
(goals: summary <= 1.5, list <= 2.0).

    python bench/analytics.py            # 100 users, 10k properties, 100k videos,
                                          # 1M ad rows, 300k render jobs
    python bench/analytics.py --scale 0.1
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from revideo.adapters.postgres import PostgresDatabase, embedded
from revideo.domain.ads import AdPlatform
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor, Role
from revideo.domain.video import VideoStatus
from revideo.ports.repositories import AdFilter, VideoFilter

USERS = """
INSERT INTO auth.users (id, email, aud, role)
  SELECT gen_random_uuid(), 'user' || n || '@bench.test', 'authenticated', 'authenticated'
  FROM generate_series(1, %s) n
"""
STATUSES = [s.value for s in VideoStatus]
PLATFORMS = [p.value for p in AdPlatform]


def copy_rows(conn: psycopg.Connection[Any], table: str, columns: str, rows: Iterable[Any]) -> None:
    with conn.cursor().copy(f"COPY public.{table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


BARE_SUMMARY = """
SELECT (SELECT row(sum(spend_amount), sum(impressions), sum(clicks), sum(leads))
          FROM ad_performance WHERE {ads}),
       (SELECT json_object_agg(status, n) FROM
          (SELECT status, count(*) AS n FROM videos WHERE {videos} GROUP BY status) s),
       (SELECT sum(cost_credits) FROM video_render_jobs WHERE {videos})
"""
BARE_PAGE = (
    "SELECT count(*) FROM videos WHERE {videos}",
    "SELECT * FROM videos WHERE {videos} ORDER BY created_at DESC, id DESC LIMIT 20",
)


WARM_UP = 8  # past psycopg's prepare_threshold (5): both sides timed with prepared statements
MIN_SECONDS = 1.0  # fast queries run more often: a median of a few runs of 0.4 ms is noise


def median_seconds(
    runs: Sequence[Callable[[], Any]], repeat: int, min_seconds: float = MIN_SECONDS
) -> list[float]:
    """The median time of each of `runs`, over at least `repeat` runs and
    `min_seconds` each, taken in turns so that a machine that slows down for a
    while slows every side alike."""
    for run in runs:
        for _ in range(WARM_UP):
            run()
    times: list[list[float]] = [[] for _ in runs]
    while len(times[0]) < repeat or min(map(sum, times)) < min_seconds:
        for run, took in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            took.append(time.perf_counter() - start)
    return [statistics.median(took) for took in times]


def seed(admin: str, scale: float) -> dict[str, int]:
    """Users by INSERT (the auth trigger makes their profiles), the rest by COPY."""
    sizes = {
        "users": 100,
        "properties": max(1, int(10_000 * scale)),
        "videos": max(1, int(100_000 * scale)),
        "jobs": max(1, int(300_000 * scale)),
        "ads": max(1, int(1_000_000 * scale)),
    }
    sizes["ads"] = min(sizes["ads"], sizes["videos"] * 40)  # one row per video, platform, day
    n_users, n_props, n_videos = sizes["users"], sizes["properties"], sizes["videos"]
    with psycopg.connect(admin, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
        with conn.transaction():
            conn.execute(USERS, [n_users])
            conn.execute(
                "UPDATE public.profiles SET role = 'admin' WHERE email = 'user1@bench.test'"
            )
            users = [r[0] for r in conn.execute("SELECT id FROM public.profiles ORDER BY email")]
            props = [(uuid.uuid4(), users[p % n_users]) for p in range(n_props)]
            copy_rows(
                conn,
                "properties",
                "id, user_id, title, category, address, specs",
                (
                    (
                        pid,
                        owner,
                        f"Property {p}",
                        "residential",
                        json.dumps({"city": f"City {p % 50}"}),
                        json.dumps({"price": p * 1000}),
                    )
                    for p, (pid, owner) in enumerate(props)
                ),
            )
            now = datetime.now(UTC)
            videos = [(uuid.uuid4(), *props[v % n_props]) for v in range(n_videos)]
            copy_rows(
                conn,
                "videos",
                "id, user_id, property_id, title, status, created_at",
                (
                    (
                        vid,
                        owner,
                        pid,
                        f"Video {v}",
                        STATUSES[v % len(STATUSES)],
                        now - timedelta(seconds=v),
                    )
                    for v, (vid, pid, owner) in enumerate(videos)
                ),
            )
            copy_rows(
                conn,
                "video_render_jobs",
                "video_id, user_id, status, cost_credits",
                (
                    (
                        videos[j % n_videos][0],
                        videos[j % n_videos][2],
                        "completed",
                        Decimal(j % 7) / 4,
                    )
                    for j in range(sizes["jobs"])
                ),
            )
            first_day = date(2026, 1, 1)
            copy_rows(
                conn,
                "ad_performance",
                "video_id, user_id, platform, date_recorded,"
                " spend_amount, impressions, clicks, leads",
                (
                    (
                        videos[a % n_videos][0],
                        videos[a % n_videos][2],
                        PLATFORMS[(a // n_videos) % len(PLATFORMS)],
                        first_day + timedelta(days=a // n_videos),
                        Decimal(a % 10000) / 100,
                        a % 5000,
                        a % 97,
                        a % 7,
                    )
                    for a in range(sizes["ads"])
                ),
            )
        conn.execute("VACUUM ANALYZE")
    return sizes


def compare(
    label: str, ours: Callable[[], Any], bare: Callable[[], Any], repeat: int, min_seconds: float
) -> None:
    mine, floor = median_seconds([ours, bare], repeat, min_seconds)
    print(
        f"{label:<36} repository {mine * 1000:8.2f} ms   bare SQL {floor * 1000:8.2f} ms"
        f"   ratio {mine / floor:5.2f}"
    )


def run(admin: str, app: str, repeat: int, min_seconds: float) -> None:
    db = PostgresDatabase.connect(app, min_size=1, max_size=2)
    raw = psycopg.connect(admin, autocommit=True)
    user_id, admin_id = (
        raw.execute("SELECT id::text FROM profiles WHERE email = %s", [e]).fetchone()[0]  # type: ignore[index]
        for e in ("user2@bench.test", "user1@bench.test")
    )
    cases = [
        ("one user", Actor.user(user_id), "user_id = %(u)s"),
        ("admin, every row", Actor.user(admin_id, Role.ADMIN), "true"),
    ]
    for who, actor, where in cases:

        def summary(actor: Actor = actor) -> Any:
            with db.unit_of_work(actor) as uow:
                return uow.analytics.summary(AdFilter())

        def video_page(actor: Actor = actor) -> Any:
            with db.unit_of_work(actor) as uow:
                return uow.videos.list(VideoFilter(), PageRequest())

        def bare_summary(where: str = where) -> Any:
            sql = BARE_SUMMARY.format(ads=where, videos=where)
            return raw.execute(sql, {"u": user_id}).fetchall()

        def bare_page(where: str = where) -> Any:
            return [
                raw.execute(q.format(videos=where), {"u": user_id}).fetchall() for q in BARE_PAGE
            ]

        compare(f"analytics summary ({who})", summary, bare_summary, repeat, min_seconds)
        compare(f"video list, first page ({who})", video_page, bare_page, repeat, min_seconds)
    raw.close()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query (at least)")
    parser.add_argument(
        "--min-seconds", type=float, default=MIN_SECONDS, help="time each query at least this long"
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="revideo-bench-"))
    try:
        app = embedded.ensure_server(data_dir)
        admin = embedded.admin_dsn(data_dir)
        start = time.perf_counter()
        sizes = seed(admin, args.scale)
        print(f"seeded {sizes} in {time.perf_counter() - start:.1f} s")
        run(admin, app, args.repeat, args.min_seconds)
    finally:
        embedded.stop_server(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
