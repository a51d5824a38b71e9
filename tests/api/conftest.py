"""
The JSON API as a CRM meets it: the app served by waitress on loopback over the embedded
PostgreSQL (RLS on), spoken to with httpx and personal access tokens. One server per
test module (module-scoped: it is the slow part); each test makes its own rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.local_auth import identity_for
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import OutboxMailer
from revideo.adapters.postgres import PostgresDatabase
from revideo.bootstrap import Services, bootstrap
from revideo.domain.profile import Actor
from revideo.settings import load
from tests.fixtures.postgres import PgServer, clean
from tests.security._data_fixtures import run_server
from tests.support import Clock
from tests.web.conftest import FAST, PASSWORD

pytestmark = pytest.mark.integration


@attrs.frozen
class Agent:
    """A user with a write token (`http`) and a read token (`reader`)."""

    email: str
    user_id: str
    http: httpx.Client
    reader: httpx.Client
    token: str


@attrs.frozen
class Api:
    url: str
    services: Services
    clock: Clock
    data: Path
    clients: list[httpx.Client] = attrs.field(factory=list)

    def agent(self, email: str) -> Agent:
        ident: Any = self.services.identity
        user_id = str(ident.create_user(email, PASSWORD, full_name=email.split("@")[0]))
        actor = Actor.user(user_id, email=email)
        write = self.services.tokens.create(actor, "CRM", "write").secret
        read = self.services.tokens.create(actor, "reports", "read").secret
        return Agent(email, user_id, self.client(write), self.client(read), write)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self.clients.append(client)  # closed at the end: an open keep-alive holds waitress
        return client


def api_services(db: Any, data: Path, clock: Clock, **env: str) -> Services:
    settings = {
        "REVIDEO_DATA_DIR": str(data),
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_SECRET_KEY": "api-test-secret",
        "REVIDEO_PUBLIC_URL": "http://127.0.0.1:8000",
        "REVIDEO_FETCH_PRIVATE": "1",  # the photo servers of these tests are on loopback
        "REVIDEO_API_RATE_LIMIT": "100000 per minute",
        **env,
    }
    mailer = OutboxMailer()
    return bootstrap(
        load(settings, dotenv=False),
        backend=db,
        engine=FakeVideoEngine(clock),
        store=FilesMediaStore(data / "media", base_url="/media"),
        mailer=mailer,
        identity=identity_for(db, mailer, secret="test", clock=clock, hasher=FAST),
        clock=clock,
    )


@pytest.fixture(scope="module")
def api(pg_server: PgServer) -> Iterator[Api]:
    from revideo.entrypoints.commands._common import listen

    clean(pg_server.admin)
    db = PostgresDatabase.connect(pg_server.app, min_size=1, max_size=6)
    clock = Clock()
    data = Path(tempfile.mkdtemp(prefix="revideo-api-test-"))
    services = api_services(db, data, clock)
    url, stop = run_server(listen(services, "127.0.0.1", 0, threads=4))
    site = Api(url, services, clock, data)
    try:
        yield site
    finally:
        for client in site.clients:
            client.close()
        stop()
        db.close()
