"""The whole stand-in project: pools on the test database, the server, the API keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.supabase.standin.auth import AuthStandIn
from tests.supabase.standin.rest import PostgrestStandIn
from tests.supabase.standin.server import StandInServer
from tests.supabase.standin.storage import StorageStandIn
from tests.supabase.standin.tokens import api_key


class StandInProject:
    """A loopback 'Supabase project' over `app_dsn` (authenticator) and `admin_dsn`."""

    def __init__(self, admin_dsn: str, app_dsn: str, media: Path) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        def pool(dsn: str, name: str) -> Any:
            kwargs = {"row_factory": dict_row, "autocommit": True}
            return ConnectionPool(dsn, min_size=1, max_size=6, kwargs=kwargs, name=name, open=True)

        self.pools = [pool(app_dsn, "standin-api"), pool(admin_dsn, "standin-auth")]
        self.auth = AuthStandIn(self.pools[1])
        self.rest = PostgrestStandIn(self.pools[0])
        self.storage = StorageStandIn(self.pools[0], media)
        self.server = StandInServer(
            {"/rest/v1": self.rest, "/auth/v1": self.auth, "/storage/v1": self.storage}
        ).start()
        self.anon_key = api_key("anon")
        self.service_key = api_key("service_role")

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.stop()
        for pool in self.pools:
            pool.close()
