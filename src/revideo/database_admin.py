"""
Database administration (`revideo db`, `revideo up`): migrate, start, stop, inspect.

The embedded server is revideo's own and is started on demand; a server named
by REVIDEO_DATABASE_URL is only migrated and inspected, never started or stopped.
"""

from __future__ import annotations

from typing import Any

from revideo.domain.errors import ConfigError
from revideo.settings import Settings


def migrate_database(settings: Settings) -> list[str]:
    """Apply pending migrations; return the versions applied now."""
    from revideo.adapters.postgres import embedded, migrate

    if settings.database_url:
        return migrate.migrate(settings.database_url)
    before = set(_applied(settings)) if embedded.server_status(settings.data_dir).running else set()
    embedded.ensure_server(settings.data_dir)
    return [v for v in _applied(settings) if v not in before]


def _applied(settings: Settings) -> tuple[str, ...]:
    from revideo.adapters.postgres import embedded, migrate

    return tuple(migrate.status(embedded.admin_dsn(settings.data_dir)).applied)


def database_status(settings: Settings) -> tuple[Any, Any]:
    """(embedded server status or None, migration status or None when it is stopped)."""
    from revideo.adapters.postgres import embedded, migrate

    if settings.database_url:
        return None, migrate.status(settings.database_url)
    server = embedded.server_status(settings.data_dir)
    if not server.running:
        return server, None
    return server, migrate.status(embedded.admin_dsn(settings.data_dir))


def start_database(settings: Settings) -> str:
    """Start (or reuse) the embedded server, migrated; return its URL."""
    if settings.database_url:
        raise ConfigError("REVIDEO_DATABASE_URL", "is set: that server is not ours to start")
    from revideo.adapters.postgres.embedded import ensure_server

    return ensure_server(settings.data_dir)


def stop_database(settings: Settings) -> bool:
    """Stop the embedded server; False when it was not running."""
    from revideo.adapters.postgres.embedded import stop_server

    return stop_server(settings.data_dir)
