"""The embedded server: started once, reused, and recovered after a crash."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
from click.testing import CliRunner

from revideo.adapters.postgres import embedded
from revideo.adapters.postgres.migrate import migrations
from revideo.entrypoints.commands.db import command as db
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="revideo-test-embedded-"))
    try:
        yield path
    finally:
        embedded.stop_server(path)
        shutil.rmtree(path, ignore_errors=True)


def pid(data_dir: Path) -> int:
    state = embedded.server_status(data_dir)
    assert state.running and state.pid is not None
    return state.pid


def note(data_dir: Path, text: str | None = None) -> str:
    """Write (or read back) a value that must survive restarts."""
    with psycopg.connect(embedded.admin_dsn(data_dir), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS survives (v text)")
        if text is not None:
            conn.execute("INSERT INTO survives VALUES (%s)", [text])
        row = conn.execute("SELECT string_agg(v, ',') FROM survives").fetchone()
    return row[0] if row else ""


def wait_gone(process_id: int) -> None:
    deadline = time.monotonic() + 10
    while psutil.pid_exists(process_id) and time.monotonic() < deadline:
        try:
            if psutil.Process(process_id).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.05)


def test_a_running_server_is_reused_and_a_stopped_one_restarted(data_dir: Path) -> None:
    dsn = embedded.ensure_server(data_dir)
    first = pid(data_dir)
    note(data_dir, "kept")
    assert embedded.ensure_server(data_dir) == dsn
    assert pid(data_dir) == first
    with psycopg.connect(dsn) as conn:  # the app's login: authenticator, not a superuser
        assert conn.execute(
            "SELECT current_user, usesuper FROM pg_user WHERE usename = current_user"
        ).fetchone() == ("authenticator", False)
    assert embedded.stop_server(data_dir) is True
    assert not embedded.server_status(data_dir).running
    assert embedded.stop_server(data_dir) is False
    embedded.ensure_server(data_dir)
    assert pid(data_dir) != first
    assert note(data_dir) == "kept"


def test_a_killed_server_is_cleanly_restarted(data_dir: Path) -> None:
    embedded.ensure_server(data_dir)
    note(data_dir, "before the kill")
    victim = pid(data_dir)
    os.kill(victim, signal.SIGKILL)
    wait_gone(victim)
    assert (data_dir / "pgdata" / "postmaster.pid").exists()  # the stale lock is left behind
    assert not embedded.server_status(data_dir).running
    embedded.ensure_server(data_dir)
    assert pid(data_dir) != victim
    assert "before the kill" in note(data_dir)


def test_a_pid_file_naming_some_other_process_is_cleared(data_dir: Path) -> None:
    embedded.ensure_server(data_dir)
    note(data_dir, "before the foreign pid")
    pid_file = data_dir / "pgdata" / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    embedded.stop_server(data_dir)
    pid_file.write_text("\n".join([str(os.getpid()), *lines[1:]]) + "\n")  # a live, foreign pid
    embedded.ensure_server(data_dir)
    assert pid(data_dir) != os.getpid()
    assert "before the foreign pid" in note(data_dir)


def test_cli_start_status_stop(data_dir: Path) -> None:
    runner = CliRunner()
    env = {"REVIDEO_DATA_DIR": str(data_dir), "REVIDEO_DATABASE_URL": ""}
    started = runner.invoke(db, ["start"], env=env)
    assert started.exit_code == 0, started.output
    assert f"host={data_dir}" in started.output
    shown = runner.invoke(db, ["status"], env=env)
    assert "running, pid" in shown.output
    assert f"applied: {len(migrations())}  pending: 0" in shown.output
    assert "applied 0 migration(s)" in runner.invoke(db, ["migrate"], env=env).output
    assert runner.invoke(db, ["stop"], env=env).output.strip() == "stopped"
    assert "stopped" in runner.invoke(db, ["status"], env=env).output


def test_cli_against_a_database_url(pg_server: PgServer) -> None:
    runner = CliRunner()
    env = {"REVIDEO_DATABASE_URL": pg_server.admin}
    assert "applied 0 migration(s)" in runner.invoke(db, ["migrate"], env=env).output
    assert (
        f"applied: {len(migrations())}  pending: 0" in runner.invoke(db, ["status"], env=env).output
    )
    refused = runner.invoke(db, ["start"], env=env)
    assert refused.exit_code == 1 and "not ours to start" in refused.output
    bad = runner.invoke(
        db, ["status"], env={"REVIDEO_DATABASE_URL": "postgresql://x@/x?host=/nonexistent"}
    )
    assert bad.exit_code == 1 and "REVIDEO_DATABASE_URL" in bad.output
