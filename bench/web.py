"""
Web pages against the SQL behind them, and requests/s under 20 concurrent clients.

Seeds an embedded PostgreSQL (in a temporary directory) the way bench/analytics.py
does (100 users, 10k properties, 100k videos, 1M ad rows, 300k render jobs at
--scale 1), then, for one user (1% of the rows) and for an admin (every row):
- server time: the median time of the Flask app answering the dashboard, the
  property list, the video list and the analytics page in-process (full WSGI
  stack, RLS, role switch, templates), against the bare SQL that fetches the
  same data (superuser, no RLS, one connection, rows as tuples): the ratio;
- throughput: waitress on 127.0.0.1, 20 client threads with their own
  httpx.Client hitting the page for a few seconds: requests/s, p50 and p95.

    python bench/web.py                 # full size (seeding takes a few minutes)
    python bench/web.py --scale 0.05    # quick
    python bench/web.py --profile analytics --who admin   # cProfile one page
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from revideo.adapters.postgres import PostgresDatabase, embedded

PASSWORD = "bench-password-7"
WHO = {"user": "user2@bench.test", "admin": "user1@bench.test"}
PAGES = {
    "dashboard": "/dashboard",
    "properties": "/properties/",
    "videos": "/videos/",
    "analytics": "/analytics/",
}
_SUMS = "sum(a.spend_amount), sum(a.impressions), sum(a.clicks), sum(a.leads)"


@functools.cache
def _bench_analytics() -> Any:
    """bench/analytics.py as a module (its seeding, timing and bare summary SQL)."""
    spec = importlib.util.spec_from_file_location(
        "bench_analytics", Path(__file__).with_name("analytics.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the bare SQL behind each page -------------------------------------------------


def _page(table: str, w: str, size: int) -> list[str]:
    return [
        f"SELECT count(*) FROM {table} WHERE {w}",
        f"SELECT * FROM {table} WHERE {w} ORDER BY created_at DESC, id DESC LIMIT {size}",
    ]


def _breakdown(key: str, label: str, joins: str, w: str) -> str:
    return (
        f"SELECT {key}, min({label}), {_SUMS} FROM ad_performance a{joins}"
        f" WHERE {w} GROUP BY 1 ORDER BY 3 DESC"
    )


def bare_sql(page: str, admin: bool, summary_sql: str) -> list[str]:
    """The statements that fetch what `page` shows, with no RLS and no conversion."""

    def w(alias: str) -> str:
        return "true" if admin else f"{alias}user_id = %(u)s"

    me = ["SELECT * FROM profiles WHERE id = %(me)s"]  # Flask-Login's user loader
    summary = summary_sql.format(ads=w(""), videos=w(""))
    if page == "dashboard":
        return [*me, summary, *_page("properties", w(""), 1), *_page("videos", w(""), 5)]
    if page == "properties":
        cities = (
            "SELECT DISTINCT address->>'city' COLLATE \"C\" AS c FROM properties"
            f" WHERE {w('')} AND coalesce(address->>'city', '') <> '' ORDER BY c"
        )
        return me + _page("properties", w(""), 20) + [cities]
    if page == "videos":
        return me + _page("videos", w(""), 20)
    return me + _analytics_sql(w, admin, summary)


def _analytics_sql(w: Callable[[str], str], admin: bool, summary: str) -> list[str]:
    video = " JOIN videos v ON v.id = a.video_id"
    found = [
        summary,
        f"SELECT a.date_recorded, {_SUMS} FROM ad_performance a WHERE {w('a.')} GROUP BY 1"
        " ORDER BY 1",
        f"SELECT a.platform, {_SUMS} FROM ad_performance a WHERE {w('a.')} GROUP BY 1",
        _breakdown("a.video_id", "v.title", video, w("a.")),
        _breakdown(
            "v.property_id",
            "p.title",
            video + " JOIN properties p ON p.id = v.property_id",
            w("a."),
        ),
        _breakdown("a.platform", "a.platform::text", "", w("a.")),
        *_page("properties", w(""), 200),
        *_page("videos", w(""), 200),
    ]
    if admin:
        found.append(
            _breakdown("a.user_id", "u.email", " JOIN profiles u ON u.id = a.user_id", "true")
        )
        found += [
            "SELECT count(*) FROM profiles",
            "SELECT * FROM profiles ORDER BY created_at DESC, id DESC LIMIT 200",
        ]
    return found


# ---- measuring ----------------------------------------------------------------------


def median_seconds(runs: list[Callable[[], Any]], repeat: int, min_seconds: float) -> list[float]:
    """bench/analytics.py's timing (warm-up runs, then the sides in turns, then the
    medians), so both benches agree."""
    return [float(t) for t in _bench_analytics().median_seconds(runs, repeat, min_seconds)]


def prepare_users(admin_dsn: str) -> dict[str, str]:
    """Give the bench user and admin a password and a confirmed address; return their ids."""
    from argon2 import PasswordHasher

    hashed = PasswordHasher().hash(PASSWORD)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE auth.users SET encrypted_password = %s, email_confirmed_at = now()"
            " WHERE email = ANY(%s)",
            [hashed, list(WHO.values())],
        )
        rows = conn.execute(
            "SELECT email, id::text FROM profiles WHERE email = ANY(%s)", [list(WHO.values())]
        ).fetchall()
    found: dict[str, str] = dict(rows)
    return {who: found[email] for who, email in WHO.items()}


def make_app(app_dsn: str, data_dir: Path) -> tuple[Any, Any]:
    """The web app over its own pool on the seeded database (fake engine, files store)."""
    from revideo.bootstrap import bootstrap
    from revideo.entrypoints.web import create_app
    from revideo.settings import load

    env = {
        "REVIDEO_DATA_DIR": str(data_dir),
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_SECRET_KEY": "bench-secret",
    }
    backend = PostgresDatabase.connect(app_dsn, min_size=4, max_size=12)
    services = bootstrap(load(env, dotenv=False), backend=backend)
    config = {
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_LOGIN": "1000 per minute",
    }
    return create_app(services, config), services


def signed_in(app: Any, who: str) -> Any:
    client = app.test_client()
    answer = client.post("/auth/login", data={"email": WHO[who], "password": PASSWORD})
    if answer.status_code != 302 or "/auth/" in answer.location:
        raise SystemExit(f"bench login as {WHO[who]} failed: {answer.status_code}")
    return client


def server_times(
    app: Any, raw: Any, ids: dict[str, str], summary_sql: str, repeat: int, min_seconds: float
) -> list[tuple[str, str, float, float, int]]:
    """(who, page, app seconds, bare SQL seconds, page bytes) for every page and role."""
    results = []
    for who in WHO:
        client = signed_in(app, who)
        params = {"u": ids["user"], "me": ids[who]}
        for page, path in PAGES.items():

            def serve(path: str = path, client: Any = client) -> None:
                answer = client.get(path)
                if answer.status_code != 200:
                    raise SystemExit(f"{path} answered {answer.status_code}")

            statements = bare_sql(page, who == "admin", summary_sql)

            def bare(statements: list[str] = statements, params: Any = params) -> None:
                for sql in statements:
                    raw.execute(sql, params).fetchall()

            size = len(client.get(path).data)
            mine, floor = median_seconds([serve, bare], repeat, min_seconds)
            results.append((who, page, mine, floor, size))
    return results


@contextmanager
def live_server(app: Any, threads: int) -> Iterator[str]:
    import logging

    from waitress.server import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is the point here
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown(timeout=60)  # requests in progress finish first
        server.close()
        thread.join(5)


def hammer(base: str, cookies: Any, path: str, clients: int, seconds: float) -> dict[str, float]:
    """`clients` threads, each with its own httpx.Client, GET `path` until time is up."""
    import httpx

    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        mine, bad = [], 0
        with httpx.Client(base_url=base, cookies=cookies, timeout=600) as http:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    ok = http.get(path).status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - start)
                bad += not ok
        with lock:
            latencies.extend(mine)
            failures.append(bad)

    started = time.perf_counter()
    workers = [threading.Thread(target=client_loop) for _ in range(clients)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
        "failed": float(sum(failures)),
        "done": float(len(latencies)),
    }


def throughput(app: Any, args: argparse.Namespace) -> list[tuple[str, str, dict[str, float]]]:
    import httpx

    results = []
    with live_server(app, args.threads) as base:
        for who in WHO:
            with httpx.Client(base_url=base) as login:
                login.post("/auth/login", data={"email": WHO[who], "password": PASSWORD})
                cookies = dict(login.cookies)
            for page, path in PAGES.items():
                found = hammer(base, cookies, path, args.clients, args.seconds)
                results.append((who, page, found))
    return results


# ---- reporting ----------------------------------------------------------------------


def print_server_times(rows: list[tuple[str, str, float, float, int]]) -> None:
    print("\nServer time, in-process (median)")
    print(f"{'who':<6} {'page':<11} {'app ms':>10} {'bare SQL ms':>12} {'ratio':>7} {'page KB':>9}")
    for who, page, mine, floor, size in rows:
        print(
            f"{who:<6} {page:<11} {mine * 1e3:10.2f} {floor * 1e3:12.2f} {mine / floor:7.2f}"
            f" {size / 1024:9.0f}"
        )


def print_throughput(rows: list[tuple[str, str, dict[str, float]]], args: Any) -> None:
    print(
        f"\nThroughput: waitress ({args.threads} threads) on 127.0.0.1, "
        f"{args.clients} concurrent httpx clients, {args.seconds:g} s per page"
    )
    heads = ("req/s", "p50 ms", "p95 ms", "requests", "non-200")
    print(f"{'who':<6} {'page':<11} " + " ".join(f"{h:>9}" for h in heads))
    for who, page, r in rows:
        print(
            f"{who:<6} {page:<11} {r['rps']:9.1f} {r['p50'] * 1e3:9.1f} {r['p95'] * 1e3:9.1f}"
            f" {int(r['done']):9d} {int(r['failed']):9d}"
        )


def profile(app: Any, page: str, who: str, requests: int) -> None:
    """cProfile `requests` requests of one page; print the top functions by cumulative time."""
    import cProfile
    import pstats

    client = signed_in(app, who)
    client.get(PAGES[page])
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(requests):
        client.get(PAGES[page])
    prof.disable()
    stats = pstats.Stats(prof).strip_dirs().sort_stats("cumulative")
    stats.print_stats(30)
    stats.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data set")
    parser.add_argument(
        "--repeat", type=int, default=7, help="timed runs per page (profiled runs with --profile)"
    )
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=_bench_analytics().MIN_SECONDS,
        help="time each page at least this long",
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent loopback clients")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per page")
    parser.add_argument("--profile", choices=sorted(PAGES), help="profile one page and stop")
    parser.add_argument("--who", choices=sorted(WHO), default="admin", help="for --profile")
    parser.add_argument("--skip-load", action="store_true", help="server times only")
    args = parser.parse_args()
    seeding = _bench_analytics()
    data_dir = Path(tempfile.mkdtemp(prefix="revideo-bench-web-"))
    try:
        app_dsn = embedded.ensure_server(data_dir / "pg")
        admin_dsn = embedded.admin_dsn(data_dir / "pg")
        start = time.perf_counter()
        sizes = seeding.sizes_for(args.scale)
        seeding.seed(seeding.tune(data_dir / "pg"), sizes)
        print(f"seeded {sizes} in {time.perf_counter() - start:.1f} s", flush=True)
        ids = prepare_users(admin_dsn)
        app, services = make_app(app_dsn, data_dir)
        if args.profile:
            profile(app, args.profile, args.who, args.repeat)
            return
        with psycopg.connect(admin_dsn, autocommit=True) as raw:
            rows = server_times(app, raw, ids, seeding.BARE_SUMMARY, args.repeat, args.min_seconds)
        print_server_times(rows)
        sys.stdout.flush()
        if not args.skip_load:
            print_throughput(throughput(app, args), args)
        services.close()
    finally:
        embedded.stop_server(data_dir / "pg")
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
