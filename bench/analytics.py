"""
Analytics and list speed of the PostgreSQL adapter against bare SQL, same data, same run.

Seeds an embedded server (in a temporary directory) with users, then by COPY
properties, videos, render jobs and ad rows (beyond SERVER_SIDE ad rows the server generates
the same rows; the rollups are summed once after the bulk load), then times, for one user
and for an admin:
- the analytics summary, the daily series and the breakdowns per video, property and
  platform through the repository (RLS, role switch, conversion; it reads the rollups)
  against the bare aggregate SQL over the raw ad rows (superuser, no RLS): what the
  analytics cost before the rollups. Goal: ratio <= 0.1 at --scale 10 (10M ad rows);
- the first page of the video list against its bare SQL (goal <= 2.0).
Before timing, it checks that every figure equals the raw aggregate (rollup == raw sum).
Prints the median of each (the two sides timed in turns) and the ratio.

    python bench/analytics.py            # 100 users, 10k properties, 100k videos,
                                          # 1M ad rows, 300k render jobs
    python bench/analytics.py --scale 0.1
    python bench/analytics.py --scale 10 --who user --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
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
# Beyond this many ad rows the server generates them (the same rows the COPY would send):
# a Python COPY of 10M rows takes half an hour on a shared two-core machine.
SERVER_SIDE = 2_000_000
SERVER_ADS = """
INSERT INTO ad_performance
  (video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks, leads)
SELECT v.id, v.user_id,
       (%(platforms)s::text[])[(a / %(videos)s) %% cardinality(%(platforms)s::text[]) + 1]
         ::ad_platform,
       %(first)s::date + (a / %(videos)s)::int, (a %% 10000) / 100.0, a %% 5000, a %% 97, a %% 7
FROM generate_series(0, %(n)s - 1) a JOIN bench_videos v ON v.n = a %% %(videos)s
"""
ROLLUPS = """
INSERT INTO ad_daily_rollup (user_id, day, platform, spend, impressions, clicks, leads, row_count)
SELECT user_id, date_recorded, platform, sum(spend_amount), sum(impressions), sum(clicks),
       sum(leads), count(*)
FROM ad_performance GROUP BY 1, 2, 3;
INSERT INTO ad_video_rollup
  (video_id, user_id, property_id, spend, impressions, clicks, leads, row_count)
SELECT a.video_id, v.user_id, v.property_id, sum(a.spend_amount), sum(a.impressions),
       sum(a.clicks), sum(a.leads), count(*)
FROM ad_performance a JOIN videos v ON v.id = a.video_id GROUP BY 1, 2, 3;
INSERT INTO ad_property_rollup
  (property_id, user_id, spend, impressions, clicks, leads, row_count)
SELECT v.property_id, v.user_id, sum(a.spend_amount), sum(a.impressions), sum(a.clicks),
       sum(a.leads), count(*)
FROM ad_performance a JOIN videos v ON v.id = a.video_id GROUP BY 1, 2
"""
BARE_DAILY = (
    "SELECT date_recorded, sum(spend_amount), sum(impressions), sum(clicks), sum(leads)"
    " FROM ad_performance WHERE {ads} GROUP BY 1 ORDER BY 1"
)
BARE_BREAKDOWN = {
    "video": "SELECT a.video_id, min(v.title), {sums} FROM ad_performance a"
    " JOIN videos v ON v.id = a.video_id WHERE {ads} GROUP BY 1 ORDER BY 3 DESC LIMIT 50",
    "property": "SELECT v.property_id, min(p.title), {sums} FROM ad_performance a"
    " JOIN videos v ON v.id = a.video_id JOIN properties p ON p.id = v.property_id"
    " WHERE {ads} GROUP BY 1 ORDER BY 3 DESC LIMIT 50",
    "platform": "SELECT a.platform, {sums} FROM ad_performance a WHERE {ads} GROUP BY 1",
}
SUMS = "sum(a.spend_amount), sum(a.impressions), sum(a.clicks), sum(a.leads)"
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
            conn.execute(
                "CREATE TEMP TABLE bench_videos (n int PRIMARY KEY, id uuid, user_id uuid)"
            )
            # a bulk load: the rollups are summed once afterwards, as the migration does
            conn.execute("ALTER TABLE ad_performance DISABLE TRIGGER ad_performance_rollup_insert")
            if sizes["ads"] <= SERVER_SIDE:
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
            else:  # the same rows, generated by the server
                with conn.cursor().copy("COPY bench_videos (n, id, user_id) FROM STDIN") as cp:
                    for n, (vid, _, owner) in enumerate(videos):
                        cp.write_row((n, vid, owner))
                conn.execute(SERVER_ADS, {"n": sizes["ads"], "videos": n_videos,
                                          "platforms": PLATFORMS, "first": first_day})  # fmt: skip
            conn.execute("ALTER TABLE ad_performance ENABLE TRIGGER ad_performance_rollup_insert")
            conn.execute(ROLLUPS)
        conn.execute("VACUUM ANALYZE")
    return sizes


def compare(
    label: str,
    ours: Callable[[], Any],
    bare: Callable[[], Any],
    repeat: int,
    min_seconds: float,
    floor_name: str = "bare SQL",
    goal: float = 1.5,
) -> None:
    mine, floor = median_seconds([ours, bare], repeat, min_seconds)
    print(
        f"{label:<44} repository {mine * 1000:8.2f} ms   {floor_name} {floor * 1000:8.2f} ms"
        f"   goal <= {goal:<4}   ratio {mine / floor:5.3f}"
    )


def check_rollups(
    raw: psycopg.Connection[Any], db: PostgresDatabase, actor: Actor, w: str, user_id: str
) -> None:
    """Every figure the repository gives equals the aggregate over the raw rows."""
    with db.unit_of_work(actor) as uow:
        summary = uow.analytics.summary(AdFilter()).ads
        daily = uow.analytics.daily(AdFilter())
        videos = uow.analytics.breakdown(AdFilter(), "video", 50)
    got = raw.execute(
        f"SELECT coalesce(sum(spend_amount), 0), coalesce(sum(impressions), 0),"
        f" coalesce(sum(clicks), 0), coalesce(sum(leads), 0) FROM ad_performance WHERE {w}",
        {"u": user_id},
    ).fetchone()
    assert got is not None
    assert (summary.spend, summary.impressions, summary.clicks, summary.leads) == tuple(got), got
    days = raw.execute(BARE_DAILY.format(ads=w), {"u": user_id}).fetchall()
    assert [(p.day, p.totals.spend, p.totals.impressions, p.totals.clicks, p.totals.leads)
            for p in daily] == [tuple(d) for d in days]  # fmt: skip
    top = raw.execute(
        BARE_BREAKDOWN["video"].format(sums=SUMS, ads=w.replace("user_id", "a.user_id")),
        {"u": user_id},
    ).fetchall()
    assert [r.totals.spend for r in videos] == [t[2] for t in top]


def run(admin: str, app: str, repeat: int, min_seconds: float, who_runs: str = "both") -> None:
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
    cases = [c for c in cases if who_runs == "both" or who_runs in c[0]]
    for who, actor, where in cases:
        check_rollups(raw, db, actor, where, user_id)
        a_where = where.replace("user_id", "a.user_id")

        def ours(call: Callable[[Any], Any], actor: Actor = actor) -> Callable[[], Any]:
            def go() -> Any:
                with db.unit_of_work(actor) as uow:
                    return call(uow)

            return go

        def bare(*queries: str) -> Callable[[], Any]:
            return lambda: [raw.execute(q, {"u": user_id}).fetchall() for q in queries]

        summary_sql = BARE_SUMMARY.format(ads=where, videos=where)
        timed = [
            ("analytics summary", ours(lambda u: u.analytics.summary(AdFilter())),
             bare(summary_sql)),
            ("daily series", ours(lambda u: u.analytics.daily(AdFilter())),
             bare(BARE_DAILY.format(ads=where))),
        ] + [
            (f"breakdown by {by}", ours(lambda u, by=by: u.analytics.breakdown(AdFilter(), by, 50)),
             bare(BARE_BREAKDOWN[by].format(sums=SUMS, ads=a_where)))
            for by in ("video", "property", "platform")
        ]  # fmt: skip
        for label, mine, floor in timed:
            compare(f"{label} ({who})", mine, floor, repeat, min_seconds, "raw aggregate", 0.1)
        compare(
            f"video list, first page ({who})",
            ours(lambda u: u.videos.list(VideoFilter(), PageRequest())),
            bare(*(q.format(videos=where) for q in BARE_PAGE)),
            repeat, min_seconds, "bare SQL", 2.0,
        )  # fmt: skip
    raw.close()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query (at least)")
    parser.add_argument(
        "--min-seconds", type=float, default=MIN_SECONDS, help="time each query at least this long"
    )
    parser.add_argument("--who", choices=["user", "admin", "both"], default="both")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="revideo-bench-"))
    try:
        app = embedded.ensure_server(data_dir)
        admin = embedded.admin_dsn(data_dir)
        start = time.perf_counter()
        sizes = seed(admin, args.scale)
        print(f"seeded {sizes} in {time.perf_counter() - start:.1f} s")
        print(f"load average before timing: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        run(admin, app, args.repeat, args.min_seconds, args.who)
    finally:
        embedded.stop_server(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
