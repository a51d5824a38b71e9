"""
Apply supabase/migrations/*.sql to any PostgreSQL, the way the Supabase CLI does.

Applied versions are recorded in supabase_migrations.schema_migrations, the
table `supabase db push` and `supabase migration list` read, so both tools
agree; the seed is recorded in supabase_migrations.seed_files (path and
SHA-256, as the CLI's `db push --include-seed` does), so neither tool runs
it twice. On a plain PostgreSQL (no `auth` schema) the bootstrap that recreates
the Supabase pieces the migrations rely on is applied first. A session-level
advisory lock makes two concurrent runs safe: the second waits, then finds
nothing left to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import attrs

from revideo.adapters.postgres.errors import database_errors

LOCK_KEY = 0x7265_7669_6465_6F  # "revideo" as a 64-bit advisory lock key
_NAME = re.compile(r"(\d+)_(.*)\.sql")


@attrs.frozen
class Migration:
    """One file of supabase/migrations: version, name and SQL text."""

    version: str
    name: str
    sql: str


@attrs.frozen
class MigrationStatus:
    """Which migrations a database has applied and which are still pending."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]
    bootstrapped: bool


def sql_dir() -> Traversable:
    """The shipped supabase/ folder (package revideo.sql), or the checkout's."""
    try:
        return resources.files("revideo.sql")
    except ModuleNotFoundError:  # editable installs cannot map a namespace subpackage
        return Path(__file__).resolve().parents[4] / "supabase"


def migrations() -> list[Migration]:
    """Every migration file, in version order."""
    found = []
    for entry in (sql_dir() / "migrations").iterdir():
        match = _NAME.fullmatch(entry.name)
        if match:
            found.append(Migration(match[1], match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def bootstrap_sql() -> list[str]:
    """The plain-PostgreSQL stand-in for Supabase's roles, auth and storage."""
    folder = resources.files("revideo.adapters.postgres") / "bootstrap"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [f.read_text(encoding="utf-8") for f in files]


def seed_sql() -> str:
    seed = sql_dir() / "seed.sql"
    return seed.read_text(encoding="utf-8") if seed.is_file() else ""


def migrate(dsn: str, *, seed: bool = True) -> list[str]:
    """Bring the database up to date; return the versions applied by this call."""
    with _locked(dsn) as conn:
        if not _has_auth_schema(conn):
            with conn.transaction():  # all or nothing: `auth` is what marks it done
                for text in bootstrap_sql():
                    conn.execute(text)
        _ensure_history(conn)
        done = _applied(conn)
        applied = [m for m in migrations() if m.version not in done]
        for migration in applied:
            with conn.transaction():
                conn.execute(migration.sql)
                conn.execute(
                    "INSERT INTO supabase_migrations.schema_migrations (version, name, statements)"
                    " VALUES (%s, %s, %s)",
                    [migration.version, migration.name, [migration.sql]],
                )
        if seed and seed_sql().strip():
            _seed(conn, seed_sql())
    return [m.version for m in applied]


SEED_PATH = "supabase/seed.sql"  # the path the Supabase CLI records for [db.seed] ./seed.sql


def _seed(conn: Any, text: str) -> None:
    """Run the seed unless it is recorded already; a changed seed is only re-recorded (CLI)."""
    import hashlib

    digest = hashlib.sha256((sql_dir() / "seed.sql").read_bytes()).hexdigest()  # the file's bytes
    with conn.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS supabase_migrations.seed_files"
            " (path text NOT NULL PRIMARY KEY, hash text NOT NULL)"
        )
        row = conn.execute(
            "SELECT hash FROM supabase_migrations.seed_files WHERE path = %s", [SEED_PATH]
        ).fetchone()
        if row is None:
            conn.execute(text)
        if row is None or row[0] != digest:
            conn.execute(
                "INSERT INTO supabase_migrations.seed_files (path, hash) VALUES (%s, %s)"
                " ON CONFLICT (path) DO UPDATE SET hash = EXCLUDED.hash",
                [SEED_PATH, digest],
            )


def status(dsn: str) -> MigrationStatus:
    """Applied and pending versions, without changing anything."""
    with database_errors(), _connect(dsn) as conn:
        bootstrapped = _has_auth_schema(conn)
        history = conn.execute(
            "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL"
        ).fetchone()
        done = _applied(conn) if history and history[0] else set()
    versions = [m.version for m in migrations()]
    return MigrationStatus(
        applied=tuple(v for v in versions if v in done),
        pending=tuple(v for v in versions if v not in done),
        bootstrapped=bootstrapped,
    )


def _connect(dsn: str) -> Any:
    import psycopg

    return psycopg.connect(dsn, autocommit=True, connect_timeout=10)


@contextmanager
def _locked(dsn: str) -> Iterator[Any]:
    """A connection holding the migration advisory lock; closing it releases the lock."""
    with database_errors(), _connect(dsn) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        yield conn


def _has_auth_schema(conn: Any) -> bool:
    row = conn.execute("SELECT to_regnamespace('auth') IS NOT NULL").fetchone()
    return bool(row and row[0])


def _ensure_history(conn: Any) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS supabase_migrations")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations"
        " (version text PRIMARY KEY, statements text[], name text)"
    )


def _applied(conn: Any) -> set[str]:
    rows: Iterator[tuple[str]] = conn.execute(
        "SELECT version FROM supabase_migrations.schema_migrations"
    )
    return {r[0] for r in rows}
