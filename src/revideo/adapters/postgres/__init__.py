"""
PostgreSQL adapter: psycopg repositories under row-level security, the
migration runner for supabase/migrations, and the embedded default server.

Nothing is imported until used, so `import revideo` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from revideo.adapters.postgres.database import PostgresDatabase, PostgresUnitOfWork

__all__ = ["PostgresDatabase", "PostgresUnitOfWork"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from revideo.adapters.postgres import database

        return getattr(database, name)
    raise AttributeError(name)
