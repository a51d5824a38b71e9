"""
Analytics and list speed of the PostgreSQL adapter against bare SQL, same data, same run.

Seeds an embedded server (in a temporary directory) with users, properties,
videos, render jobs and ad rows, then times:
- the analytics summary through the repository (RLS, role switch, conversion)
  against the bare aggregate SQL over the same rows (superuser, no RLS);
- the first page of the video list, likewise.
Prints the median of each and the ratio (goals: summary <= 1.5, list <= 2.0).

    python bench/analytics.py            # 100 users, 10k properties, 100k videos,
                                          # 1M ad rows, 300k render jobs
    python bench/analytics.py --scale 0.1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from revideo.adapters.postgres import PostgresDatabase, embedded
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor, Role
from revideo.ports.repositories import AdFilter, VideoFilter

SEED = """
INSERT INTO auth.users (id, email, aud, role)
  SELECT gen_random_uuid(), 'user' || n || '@bench.test', 'authenticated', 'authenticated'
  FROM generate_series(1, %(users)s) n;
UPDATE public.profiles SET role = 'admin' WHERE email = 'user1@bench.test';
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY email) - 1 AS n, id FROM public.profiles;
INSERT INTO public.properties (id, user_id, title, category, address, specs)
  SELECT gen_random_uuid(), u.id, 'Property ' || p, 'residential',
         jsonb_build_object('city', 'City ' || (p %% 50)), jsonb_build_object('price', p * 1000)
  FROM generate_series(0, %(properties)s - 1) p JOIN u ON u.n = p %% %(users)s;
CREATE TEMP TABLE pr AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, user_id
  FROM public.properties;
INSERT INTO public.videos (id, user_id, property_id, title, status, created_at)
  SELECT gen_random_uuid(), pr.user_id, pr.id, 'Video ' || v,
         (ARRAY['draft', 'pending', 'processing', 'completed', 'failed'])[1 + v %% 5]
           ::public.video_status,
         now() - make_interval(secs => v)
  FROM generate_series(0, %(videos)s - 1) v JOIN pr ON pr.n = v %% %(properties)s;
CREATE TEMP TABLE vi AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, user_id
  FROM public.videos;
INSERT INTO public.video_render_jobs (video_id, user_id, status, cost_credits)
  SELECT vi.id, vi.user_id, 'completed', (j %% 7) * 0.25
  FROM generate_series(0, %(jobs)s - 1) j JOIN vi ON vi.n = j %% %(videos)s;
INSERT INTO public.ad_performance (video_id, user_id, platform, date_recorded,
                                   spend_amount, impressions, clicks, leads)
  SELECT vi.id, vi.user_id,
         (ARRAY['meta','google','youtube','manual'])[1 + (a / %(videos)s) %% 4]::public.ad_platform,
         date '2026-01-01' + (a / %(videos)s)::int,
         (a %% 10000) / 100.0, a %% 5000, a %% 97, a %% 7
  FROM generate_series(0, %(ads)s - 1) a JOIN vi ON vi.n = a %% %(videos)s;
"""

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


def median_seconds(run: Callable[[], Any], repeat: int) -> float:
    """The median time of `run`, over at least `repeat` runs and MIN_SECONDS."""
    for _ in range(WARM_UP):
        run()
    times: list[float] = []
    while len(times) < repeat or sum(times) < MIN_SECONDS:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seed(admin: str, scale: float) -> dict[str, int]:
    sizes = {
        "users": 100,
        "properties": max(1, int(10_000 * scale)),
        "videos": max(1, int(100_000 * scale)),
        "jobs": max(1, int(300_000 * scale)),
        "ads": max(1, int(1_000_000 * scale)),
    }
    sizes["ads"] = min(sizes["ads"], sizes["videos"] * 40)
    with psycopg.connect(admin, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
        with conn.transaction():
            for statement in filter(str.strip, SEED.split(";\n")):
                conn.execute(statement, sizes)
        conn.execute("VACUUM ANALYZE")
    return sizes


def compare(label: str, ours: Callable[[], Any], bare: Callable[[], Any], repeat: int) -> None:
    mine, floor = median_seconds(ours, repeat), median_seconds(bare, repeat)
    print(
        f"{label:<36} repository {mine * 1000:8.2f} ms   bare SQL {floor * 1000:8.2f} ms"
        f"   ratio {mine / floor:5.2f}"
    )


def run(admin: str, app: str, repeat: int) -> None:
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

        compare(f"analytics summary ({who})", summary, bare_summary, repeat)
        compare(f"video list, first page ({who})", video_page, bare_page, repeat)
    raw.close()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query (at least)")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="revideo-bench-"))
    try:
        app = embedded.ensure_server(data_dir)
        admin = embedded.admin_dsn(data_dir)
        start = time.perf_counter()
        sizes = seed(admin, args.scale)
        print(f"seeded {sizes} in {time.perf_counter() - start:.1f} s")
        run(admin, app, args.repeat)
    finally:
        embedded.stop_server(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
