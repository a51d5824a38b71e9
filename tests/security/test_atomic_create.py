"""
Issue 15 #13: a crash during the wizard's Create leaves nothing half-made (the property and
its photos are one transaction), and FFmpeg dies with the process that started it.

The crash is real: the app runs in a child process, over HTTP on the embedded PostgreSQL, and
its media store SIGKILLs that process while it writes the 4th of 5 photos.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from revideo.adapters.files import FilesMediaStore
from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, rows
from tests.support import Clock, image
from tests.web.conftest import make_services

backend, services, standin, supabase_backend, live, live_pg = fx.FIXTURES  # fixtures
DEADLINE = 60.0  # seconds to wait for an event before calling it lost (never a timing claim)


class DyingStore(FilesMediaStore):
    """The files store, except that the process is killed (SIGKILL) on the n-th write."""

    def __init__(self, root: Path, die_on: int) -> None:
        super().__init__(root, base_url="/media")
        self.die_on = die_on
        self.writes = 0

    def put(self, *args: Any, **kwargs: Any) -> Any:
        self.writes += 1
        if self.writes == self.die_on:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().put(*args, **kwargs)


def serve_until_killed(dsn: str, root: str, die_on: int, ports: Any) -> None:
    """The child: the real app on the test database (with the dying store if `die_on`)."""
    import attrs

    from revideo.adapters.postgres import PostgresDatabase
    from tests.security._data_fixtures import serve
    from tests.web.conftest import make_app

    db = PostgresDatabase.connect(dsn, min_size=1, max_size=4)
    services = make_services(db, Clock(), Path(root) / "media")
    if die_on:
        store = DyingStore(Path(root) / "media", die_on)
        properties = attrs.evolve(services.properties, store=store)
        services = attrs.evolve(services, store=store, properties=properties)
    app = make_app(services, Path(root), TESTING=False, WTF_CSRF_ENABLED=True)
    url, _ = serve(app)
    ports.put(url)
    while True:
        time.sleep(3600)


def test_a_crash_during_create_leaves_no_half_made_property(
    pg_server: Any, live_pg: fx.Live, tmp_path: Path
) -> None:
    live_pg.agent("ann@example.com")  # the user, made through the parent's services
    spawn = multiprocessing.get_context("spawn")
    ports = spawn.Queue()
    child = spawn.Process(
        target=serve_until_killed, args=(pg_server.app, str(tmp_path / "child"), 4, ports)
    )
    child.start()
    try:
        agent = Agent(ports.get(timeout=DEADLINE))
        agent.sign_in("ann@example.com")
        key = agent.fill_wizard([(f"p{i}.jpg", image()) for i in range(5)])
        with pytest.raises(httpx.HTTPError):  # the server died under the request
            agent.post("/properties/new/review", {"submission_key": key})
        child.join(DEADLINE)
        assert child.exitcode == -signal.SIGKILL
    finally:
        if child.is_alive():
            child.kill()
            child.join(DEADLINE)
    found = rows(live_pg.services)
    assert (found.properties, found.photos) == (0, 0)


# Holds the 3rd photo row of a property in its INSERT, so the test can kill the app right there.
STALL = """
CREATE FUNCTION public.test_stall() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."order" = 2 THEN PERFORM pg_sleep(600); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_stall BEFORE INSERT ON public.property_media
  FOR EACH ROW EXECUTE FUNCTION public.test_stall();
"""
UNSTALL = "DROP TRIGGER IF EXISTS test_stall ON public.property_media;"
UNSTALL += " DROP FUNCTION IF EXISTS public.test_stall();"
SLEEPING = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"


def test_a_crash_while_the_rows_are_written_leaves_nothing(
    pg_server: Any, live_pg: fx.Live, tmp_path: Path
) -> None:
    """Killed between the 2nd and 3rd photo row: the open transaction goes with the app."""
    import threading

    import psycopg

    live_pg.agent("bob@example.com")
    spawn = multiprocessing.get_context("spawn")
    ports = spawn.Queue()
    child = spawn.Process(
        target=serve_until_killed, args=(pg_server.app, str(tmp_path / "child"), 0, ports)
    )
    child.start()
    with psycopg.connect(pg_server.admin, autocommit=True) as admin:
        admin.execute(STALL)
        # A backend asleep in the trigger reads nothing from its client, so it learns that
        # the app died only by checking the socket (PostgreSQL 14+), as servers can be told to.
        admin.execute("ALTER SYSTEM SET client_connection_check_interval = 200")
        admin.execute("SELECT pg_reload_conf()")
        try:
            agent = Agent(ports.get(timeout=DEADLINE))
            agent.sign_in("bob@example.com")
            key = agent.fill_wizard([(f"p{i}.jpg", image()) for i in range(4)])
            failed: list[BaseException] = []

            def submit() -> None:
                try:
                    agent.post("/properties/new/review", {"submission_key": key})
                except httpx.HTTPError as exc:  # the server died under the request
                    failed.append(exc)

            create = threading.Thread(target=submit, daemon=True)
            create.start()
            wait_for(lambda: admin.execute(SLEEPING).fetchone()[0], "the 3rd photo's row")
            child.kill()
            child.join(DEADLINE)
            create.join(DEADLINE)
            assert failed, "the create answered although the app was killed"
            wait_for(lambda: not admin.execute(SLEEPING).fetchone()[0], "the server to notice")
        finally:
            if child.is_alive():
                child.kill()
                child.join(DEADLINE)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE wait_event = 'PgSleep'"
            )
            admin.execute(UNSTALL)
            admin.execute("ALTER SYSTEM RESET client_connection_check_interval")
            admin.execute("SELECT pg_reload_conf()")
    found = rows(live_pg.services)
    assert (found.properties, found.photos) == (0, 0)


# ---- child processes ------------------------------------------------------------------

PARENT = """
import sys
from revideo.adapters.local_engine import compose
compose.run([sys.argv[1], "-v", "error", "-re", "-f", "lavfi", "-i", "anullsrc=r=8000",
             "-t", "900", "-f", "null", "-"], timeout=1200)
"""


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for a reaper that may never come)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for(check: Any, what: str) -> Any:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {DEADLINE:.0f} s for {what}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_ffmpeg_dies_with_the_process_that_started_it() -> None:
    import imageio_ffmpeg

    parent = subprocess.Popen([sys.executable, "-c", PARENT, imageio_ffmpeg.get_ffmpeg_exe()])
    started: list[int] = []
    try:
        started += wait_for(lambda: children_of(parent.pid), "FFmpeg to start")
        parent.kill()  # SIGKILL: no handler, no cleanup of ours runs
        parent.wait()
        wait_for(lambda: not running(started[0]), "FFmpeg to die with its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in started:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
