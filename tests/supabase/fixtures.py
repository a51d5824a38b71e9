"""
pytest plugin for the Supabase adapter: a loopback stand-in project over the
test PostgreSQL (`pg_server`), and a SupabaseBackend on it.

Fixtures: `standin` (session), `supabase_backend` (a clean database, a new
backend). Other suites can use them with
`pytest_plugins = ["tests.supabase.fixtures"]` or by importing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from revideo.adapters.supabase import SupabaseBackend
from revideo.settings import Settings
from tests.fixtures.postgres import PgServer, clean
from tests.supabase.standin.project import StandInProject


@pytest.fixture(scope="session")
def standin(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StandInProject]:
    project = StandInProject(pg_server.admin, pg_server.app, tmp_path_factory.mktemp("storage"))
    try:
        yield project
    finally:
        project.close()


def settings_for(project: StandInProject, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        backend="supabase",
        supabase_url=project.url,
        supabase_anon_key=project.anon_key,
        supabase_service_role_key=project.service_key,
    )


@pytest.fixture
def supabase_backend(
    standin: StandInProject, pg_server: PgServer, tmp_path: Path
) -> Iterator[SupabaseBackend]:
    clean(pg_server.admin)
    standin.auth.outbox.clear()
    standin.auth.mailer = None
    backend = SupabaseBackend.from_settings(settings_for(standin, tmp_path))
    try:
        yield backend
    finally:
        backend.close()
