"""The migrations deploy the reference schema, and the runner is idempotent and safe."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from revideo.adapters.postgres import migrate as runner
from tests.fixtures.postgres import PgServer

pytestmark = pytest.mark.integration

# design.md §2, verbatim: enums with their values, tables with their columns.
ENUMS = {
    "user_role": ["admin", "user"],
    "property_category": ["residential", "commercial", "resale"],
    "video_purpose": ["sale", "rent"],
    "video_status": ["draft", "pending", "processing", "completed", "failed"],
    "ad_platform": ["meta", "google", "youtube", "manual"],
}
TABLES = {
    "profiles": "id email full_name role avatar_url",
    "properties": "user_id title description category address specs",
    "property_media": "property_id user_id storage_path public_url mime_type order",
    "videos": "user_id property_id title script_content avatar_id voice_id purpose status"
    " heygen_video_id video_url thumbnail_url error_message meta",
    "video_render_jobs": "video_id heygen_job_id status attempt_count started_at completed_at"
    " cost_credits",
    "ad_performance": "video_id user_id platform spend_amount impressions clicks leads"
    " date_recorded",
}


def migration_text() -> str:
    return "\n".join(m.sql for m in runner.migrations())


@pytest.fixture
def fresh_db(pg_server: PgServer) -> Iterator[str]:
    """An empty database on the test server (no bootstrap, no migrations)."""
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server.admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield make_conninfo(pg_server.admin, dbname=name)
    finally:
        with psycopg.connect(pg_server.admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


class TestTheSchemaIsTheReference:
    def test_migration_files_declare_every_enum_table_and_column(self) -> None:
        text = migration_text()
        for enum, values in ENUMS.items():
            declared = ", ".join(f"'{v}'" for v in values)
            assert f"CREATE TYPE public.{enum} AS ENUM ({declared})" in text
        for table, columns in TABLES.items():
            body = re.search(rf"CREATE TABLE public\.{table} \((.*?)\n\);", text, re.S)
            assert body, table
            for column in columns.split():
                assert re.search(rf'^\s+"?{column}"?\s', body[1], re.M), (table, column)

    def test_the_migrated_database_has_them_with_the_reference_types(
        self, pg_server: PgServer
    ) -> None:
        with psycopg.connect(pg_server.admin) as conn:
            for enum, values in ENUMS.items():
                found = conn.execute(
                    "SELECT enum_range(NULL::public." + enum + ")::text[]"
                ).fetchone()
                assert found is not None and found[0] == values
            types = dict(
                conn.execute(
                    "SELECT table_name || '.' || column_name, data_type || ':' || udt_name"
                    " FROM information_schema.columns WHERE table_schema = 'public'"
                ).fetchall()
            )
        for table, columns in TABLES.items():
            for column in columns.split():
                assert f"{table}.{column}" in types
        assert types["ad_performance.spend_amount"] == "numeric:numeric"
        assert types["properties.specs"] == "jsonb:jsonb"
        assert types["videos.status"] == "USER-DEFINED:video_status"

    def test_the_packaged_sql_is_found(self) -> None:
        versions = [m.version for m in runner.migrations()]
        assert versions == sorted(versions) and len(versions) >= 3
        assert "auth.users" in "".join(runner.bootstrap_sql())


class TestTheRunner:
    def test_a_second_run_applies_nothing(self, fresh_db: str) -> None:
        first = runner.migrate(fresh_db)
        assert first == [m.version for m in runner.migrations()]
        assert runner.migrate(fresh_db) == []
        state = runner.status(fresh_db)
        assert (state.applied, state.pending, state.bootstrapped) == (tuple(first), (), True)

    def test_status_of_an_empty_database_lists_everything_pending(self, fresh_db: str) -> None:
        state = runner.status(fresh_db)
        assert state.applied == () and not state.bootstrapped
        assert len(state.pending) == len(runner.migrations())

    def test_history_is_kept_where_the_supabase_cli_reads_it(self, fresh_db: str) -> None:
        runner.migrate(fresh_db)
        with psycopg.connect(fresh_db) as conn:
            rows = conn.execute(
                "SELECT version, name, statements FROM supabase_migrations.schema_migrations"
                " ORDER BY version"
            ).fetchall()
        assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in runner.migrations()]
        assert rows[0][2] == [runner.migrations()[0].sql]

    def test_the_bootstrap_is_skipped_where_supabase_already_is(self, fresh_db: str) -> None:
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA auth")  # what a Supabase project looks like to us
        with pytest.raises(Exception, match="auth"):
            runner.migrate(fresh_db)  # no auth.users: proves the bootstrap did not run

    def test_two_processes_migrating_at_once_apply_each_version_once(self, fresh_db: str) -> None:
        code = (
            "import sys; from revideo.adapters.postgres.migrate import migrate;"
            " print(','.join(migrate(sys.argv[1])))"
        )
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, fresh_db], stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert [p.returncode for p in procs] == [0, 0]
        every = ",".join(m.version for m in runner.migrations())
        assert sorted(outputs) == ["", every]
        with psycopg.connect(fresh_db) as conn:
            count = conn.execute("SELECT count(*) FROM supabase_migrations.schema_migrations")
            assert count.fetchone() == (len(runner.migrations()),)


class TestSeedBookkeeping:
    def test_the_seed_is_recorded_like_the_cli_and_run_once(self, fresh_db: str) -> None:
        import hashlib

        runner.migrate(fresh_db)
        seed = (runner.sql_dir() / "seed.sql").read_bytes()
        query = "SELECT path, hash FROM supabase_migrations.seed_files"
        with psycopg.connect(fresh_db) as conn:
            assert conn.execute(query).fetchall() == [
                ("supabase/seed.sql", hashlib.sha256(seed).hexdigest())
            ]
            # a seed the CLI recorded with other contents is re-recorded, not run again
            conn.execute("UPDATE supabase_migrations.seed_files SET hash = 'old'")
            conn.commit()
        assert runner.migrate(fresh_db) == []
        with psycopg.connect(fresh_db) as conn:
            assert conn.execute(query).fetchall() == [
                ("supabase/seed.sql", hashlib.sha256(seed).hexdigest())
            ]

    def test_buckets_carry_size_limits_and_types(self, fresh_db: str) -> None:
        runner.migrate(fresh_db)
        with psycopg.connect(fresh_db) as conn:
            found = conn.execute(
                "SELECT id, file_size_limit, allowed_mime_types FROM storage.buckets"
            )
            rows = {r[0]: (r[1], r[2]) for r in found}
        assert rows["generated-videos"][0] == 50 * 1024 * 1024
        assert "video/mp4" in rows["generated-videos"][1]
        assert rows["property-images"][0] == 20 * 1024 * 1024
        assert "video/mp4" not in rows["property-images"][1]
