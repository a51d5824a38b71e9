"""
The app as an attacker meets it: served by waitress exactly as `revideo web` and
`revideo up` serve it (commands._common.listen, in this process on a free
loopback port), over the real (embedded) PostgreSQL with revideo's own auth and
the outbox mailer, and spoken to over HTTP with httpx: real sockets, real
headers, real cookies, CSRF on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.local_auth import identity_for
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import OutboxMailer
from revideo.bootstrap import Services, bootstrap
from revideo.settings import load
from tests.security._data_fixtures import run_server
from tests.support import Clock
from tests.web.conftest import CRON, FAST, PASSWORD

pytestmark = pytest.mark.integration
PUBLIC_URL = "http://127.0.0.1:8000"  # what mail links must use, whatever port serves the test


def build_services(backend: Any, data: Path, clock: Clock, **env: str) -> Services:
    settings = {
        "REVIDEO_DATA_DIR": str(data),
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_CRON_SECRET": CRON,
        "REVIDEO_SECRET_KEY": "security-test-secret",
        "REVIDEO_PUBLIC_URL": PUBLIC_URL,
        **env,
    }
    mailer = OutboxMailer()
    return bootstrap(
        load(settings, dotenv=False),
        backend=backend,
        engine=FakeVideoEngine(clock),
        store=FilesMediaStore(data / "media", base_url="/media"),
        mailer=mailer,
        identity=identity_for(backend, mailer, secret="test", clock=clock, hasher=FAST),
        clock=clock,
    )


@attrs.frozen
class Live:
    """A running server: its URL and services."""

    url: str
    services: Services
    clients: list[httpx.Client] = attrs.field(factory=list)

    def browser(self, **headers: str) -> Browser:
        client = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self.clients.append(client)
        return Browser(client)

    def close(self) -> None:
        """Close every client (an open keep-alive connection keeps waitress's loop going)."""
        for client in self.clients:
            client.close()

    def user(self, email: str) -> str:
        ident: Any = self.services.identity
        return str(ident.create_user(email, PASSWORD, full_name=email.split("@")[0]))

    def signed_in(self, email: str, remember: bool = False) -> Browser:
        self.user(email)
        browser = self.browser()
        answer = browser.sign_in(email, PASSWORD, remember=remember)
        assert answer.status_code == 302 and "/auth/" not in answer.headers["location"]
        return browser

    @property
    def outbox(self) -> list[Any]:
        return self.services.mailer.outbox  # type: ignore[attr-defined, no-any-return]


class Browser:
    """An httpx client that fills in the CSRF token the way the browser's form does."""

    def __init__(self, client: httpx.Client) -> None:
        self.http = client

    def token(self, page: str, **headers: str) -> str:
        answer = self.http.get(page, headers=headers)
        found = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
        assert found, (page, answer.status_code, answer.text[:300])
        return found[1]

    def post(self, path: str, data: dict[str, Any], page: str | None = None, **kw: Any) -> Any:
        form = {"csrf_token": self.token(page or path.split("?")[0]), **data}
        return self.http.post(path, data=form, **kw)

    def sign_in(self, email: str, password: str, remember: bool = False, query: str = "") -> Any:
        form = {"email": email, "password": password} | ({"remember": "y"} if remember else {})
        return self.post("/auth/login" + query, form, page="/auth/login")

    def get(self, path: str, **kw: Any) -> Any:
        return self.http.get(path, **kw)

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies


def serve(services: Services) -> tuple[str, Callable[[], None]]:
    """Serve the app as `revideo web` does; return its URL and a function that stops it."""
    from revideo.entrypoints.commands._common import listen

    return run_server(listen(services, "127.0.0.1", 0, threads=4))


@pytest.fixture
def start(pg_database: Any, tmp_path: Path, clock: Clock) -> Iterator[Callable[..., Live]]:
    """start(**env) runs a server with these extra settings (REVIDEO_TRUSTED_PROXIES=…)."""
    running: list[tuple[Live, Callable[[], None]]] = []

    def run(backend: Any = None, **env: str) -> Live:
        data = tmp_path / f"data{len(running)}"
        services = build_services(backend or pg_database, data, clock, **env)
        url, stop = serve(services)
        site = Live(url, services)
        running.append((site, stop))
        return site

    yield run
    for site, stop in reversed(running):
        site.close()
        stop()


@pytest.fixture
def live(start: Callable[..., Live]) -> Live:
    return start()
