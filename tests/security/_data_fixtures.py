"""
Shared by the data-hardening tests of issue 15 (photos, XLSX, deletion, double submits,
atomic create): the real app served by waitress on loopback, over the embedded PostgreSQL
(or the Supabase stand-in), with CSRF on, driven by httpx the way a browser drives it:
cookies, the CSRF token from the pages, multipart uploads, the form's own submission key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from revideo.bootstrap import Services
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from tests.supabase import fixtures as supa
from tests.support import Clock
from tests.web import conftest as web
from tests.web.conftest import PASSWORD, make_app, make_services

# the fixtures of tests/web: PostgreSQL + files, and the Supabase stand-in
backend, services = web.backend, web.services
standin, supabase_backend = supa.standin, supa.supabase_backend

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
FIELD = re.compile(r'data-field="([^"]+)"')


@attrs.frozen
class Live:
    """The running app: its URL, its services and the folders behind it."""

    url: str
    services: Services
    root: Path  # media under root/media (staged uploads: root/media/staging with files)

    def agent(self, email: str) -> Agent:
        """A confirmed user, signed in over HTTP."""
        ident: Any = self.services.identity
        ident.create_user(email, PASSWORD, full_name=email.split("@")[0])
        agent = Agent(self.url)
        agent.sign_in(email)
        return agent


class Agent:
    """One browser: a cookie jar and the CSRF token of its session."""

    def __init__(self, url: str, cookies: httpx.Cookies | None = None) -> None:
        self.http = httpx.Client(base_url=url, timeout=120, cookies=cookies)
        self.csrf = ""

    def twin(self) -> Agent:
        """A second connection with the same cookies (a second click of the same tab)."""
        other = Agent(str(self.http.base_url), httpx.Cookies(self.http.cookies))
        other.csrf = self.csrf
        return other

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def page_token(self, path: str) -> str:
        found = TOKEN.search(self.get(path).text)
        assert found, f"no CSRF token on {path}"
        self.csrf = found[1]
        return self.csrf

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        return self.http.post(path, data={**(data or {}), "csrf_token": self.csrf}, **kw)

    def sign_in(self, email: str) -> None:
        self.page_token("/auth/login")
        answer = self.post("/auth/login", {"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text[:500]
        self.page_token("/properties/new/basics")

    def fill_wizard(
        self, photos: list[tuple[str, bytes]] | None = None, title: str = "Loft"
    ) -> str:
        """Walk the new-property wizard up to its review page; return the form's key."""
        steps = {
            "basics": {"title": title, "category": "residential", "description": "Bright."},
            "address": {"address.city": "Austin", "address.street": "12 Oak St"},
            "specs": {"specs.price": "450000", "specs.beds": "2", "specs.baths": "1"},
        }
        for name, data in steps.items():
            answer = self.post(f"/properties/new/{name}", data)
            assert answer.status_code == 302, (name, fields(answer))
        if photos:
            answer = self.upload("/properties/new/photos", photos, {"action": "upload"})
            assert answer.status_code == 302, fields(answer)
        return self.key_on("/properties/new/review")

    def key_on(self, path: str) -> str:
        """The form's one-time submission key ('' when the page has none: the app refuses
        the form then, and the test sees that)."""
        found = KEY.search(self.get(path).text)
        return found[1] if found else ""

    def upload(
        self, path: str, photos: list[tuple[str, bytes]], data: dict[str, str] | None = None
    ) -> httpx.Response:
        files = [("photos", (name, blob, "application/octet-stream")) for name, blob in photos]
        return self.post(path, data or {}, files=files)

    def fill_studio(self, property_id: str) -> str:
        """Walk the generate wizard up to its last step; return the form's key."""
        assert self.get(f"/videos/new?property={property_id}").status_code == 302
        steps = [
            ("presenter", {"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}),
            ("script", {"script_content": "Welcome to this sunny loft.", "purpose": "sale"}),
        ]
        for name, data in steps:
            answer = self.post(f"/videos/new/{name}", data)
            assert answer.status_code == 302, (name, fields(answer))
        return self.key_on("/videos/new/options")


def fields(answer: httpx.Response) -> list[str]:
    """The fields a page marks as wrong."""
    return FIELD.findall(answer.text)


@attrs.frozen
class Rows:
    properties: int
    videos: int
    ads: int
    photos: int


def rows(services: Services) -> Rows:
    """How many rows there are, as the system sees them."""
    with services.backend.unit_of_work(Actor.service()) as uow:
        one = PageRequest(1, 200)
        props = uow.properties.list(PropertyFilter(), one)
        return Rows(
            properties=props.total,
            videos=uow.videos.list(VideoFilter(), PageRequest(1, 1)).total,
            ads=uow.ads.list(AdFilter(), PageRequest(1, 1)).total,
            photos=sum(len(uow.media.for_property(p.id)) for p in props.items),
        )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def staged(services: Services, suffix: str | tuple[str, ...] = "") -> list[str]:
    """Every user's staged objects (ending in `suffix`), whatever the media store."""
    from revideo.domain.profile import Actor

    system, store = Actor.service(), services.store
    found = [o.path for f in store.staging_folders(system) for o in store.staged_in(system, f)]
    return sorted(p for p in found if p.endswith(suffix))


def serve(app: Any) -> tuple[str, Callable[[], None]]:
    """Start waitress on a free loopback port; return (url, stop)."""
    from waitress.server import create_server

    return run_server(create_server(app, host="127.0.0.1", port=0, threads=6))


def run_server(server: Any) -> tuple[str, Callable[[], None]]:
    """Run a waitress server in a thread; return its URL and a function that stops it.

    waitress's own run() loops until no connection is left, and a client's idle keep-alive
    connection lasts its channel_timeout (2 minutes): the loop here runs one pass at a time
    until told to stop, then closes what is left from its own thread."""
    stopping = threading.Event()

    def run() -> None:
        try:
            while not stopping.is_set():
                server.asyncore.loop(
                    timeout=server.adj.asyncore_loop_timeout, map=server._map, count=1
                )
        finally:
            for channel in list(server._map.values()):
                channel.close()
            server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        server.pull_trigger()  # wake the loop now rather than at its next timeout
        thread.join(10)

    return f"http://127.0.0.1:{server.effective_port}", stop


def live_app(services: Services, root: Path) -> Iterator[Live]:
    app = make_app(
        services,
        root,
        TESTING=False,
        WTF_CSRF_ENABLED=True,
    )
    url, stop = serve(app)
    try:
        yield Live(url=url, services=services, root=root)
    finally:
        stop()


@pytest.fixture
def live_pg(pg_database: Any, tmp_path: Path) -> Iterator[Live]:
    """The app over the embedded PostgreSQL with the files media store."""
    yield from live_app(make_services(pg_database, Clock(), tmp_path / "media"), tmp_path)


@pytest.fixture
def live(services: Services, tmp_path: Path) -> Iterator[Live]:
    """The app over each backend of tests/web (PostgreSQL + files; Supabase stand-in)."""
    yield from live_app(services, tmp_path)


FIXTURES = (backend, services, standin, supabase_backend, live, live_pg)
"""Bind these in a test module (same names, in this order) to use the fixtures there."""
