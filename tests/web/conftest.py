"""
The web app, run twice: over the real PostgreSQL (tests/fixtures/postgres.py)
with revideo's own auth and files media in a temporary folder, and over the
Supabase backend (the loopback stand-in of tests/supabase: Supabase Auth,
Storage and PostgREST over the same test PostgreSQL, its mails delivered to
the outbox mailer). Both use the fake engine on a hand-driven clock.
REVIDEO_WEB_TEST_BACKEND=postgres|supabase|memory runs one backend only
(memory: the in-memory database, quicker while editing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.local_auth import identity_for
from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import OutboxMailer
from revideo.adapters.supabase import SupabaseBackend
from revideo.bootstrap import Services, bootstrap
from revideo.settings import load
from tests.fixtures.postgres import pg_database, pg_server  # noqa: F401  (fixtures)
from tests.supabase.fixtures import standin, supabase_backend  # noqa: F401  (fixtures)
from tests.support import Clock

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # argon2id, cheap for tests
PASSWORD = "correct-horse-7"
CRON = "cron-secret-for-tests"


def chosen_backends() -> list[str]:
    """Both real backends, or the one REVIDEO_WEB_TEST_BACKEND names."""
    chosen = os.environ.get("REVIDEO_WEB_TEST_BACKEND", "").strip()
    if chosen and chosen not in ("postgres", "supabase", "memory"):
        raise pytest.UsageError("REVIDEO_WEB_TEST_BACKEND must be postgres, supabase or memory")
    return [chosen] if chosen else ["postgres", "supabase"]


@pytest.fixture(params=chosen_backends())
def backend(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return InMemoryDatabase()
    request.node.add_marker(pytest.mark.integration)
    if request.param == "supabase":
        return request.getfixturevalue("supabase_backend")
    return request.getfixturevalue("pg_database")


def make_services(
    backend: Any, clock: Clock, media: Path, data_dir: Path | None = None
) -> Services:
    env = {
        "REVIDEO_DATA_DIR": str(data_dir or media.parent),
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_CRON_SECRET": CRON,
        "REVIDEO_SECRET_KEY": "test-secret",
    }
    mailer = OutboxMailer()
    store, identity = None, None  # Supabase: bootstrap wires Supabase Storage and Auth itself
    if not isinstance(backend, SupabaseBackend):
        store = FilesMediaStore(media, base_url="/media")
        identity = identity_for(backend, mailer, secret="test", clock=clock, hasher=FAST)
    return bootstrap(
        load(env, dotenv=False),
        backend=backend,
        engine=FakeVideoEngine(clock),
        store=store,
        mailer=mailer,
        identity=identity,
        clock=clock,
    )


@pytest.fixture
def services(
    request: pytest.FixtureRequest, backend: Any, clock: Clock, tmp_path: Path
) -> Services:
    built = make_services(backend, clock, tmp_path / "media")
    if isinstance(backend, SupabaseBackend):  # Supabase mails itself: the stand-in, to our outbox
        request.getfixturevalue("standin").auth.mailer = built.mailer
    return built


def make_app(services: Services, tmp_path: Path, **config: Any) -> Any:
    from revideo.entrypoints.web import create_app

    settings = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_REGISTER": "1000 per minute",
        "RATELIMIT_RESET": "1000 per minute",
        "RATELIMIT_RESET_ADDRESS": "1000 per minute",
    }
    settings.update(config)
    return create_app(services, settings)


@pytest.fixture
def app(services: Services, tmp_path: Path) -> Any:
    return make_app(services, tmp_path)


class Users:
    """Make confirmed users and clients signed in as them."""

    def __init__(self, app: Any, services: Services) -> None:
        self.app = app
        self.services = services

    def make(self, email: str, role: str = "user") -> str:
        from revideo.domain.profile import Role

        ident: Any = self.services.identity
        return str(
            ident.create_user(email, PASSWORD, full_name=email.split("@")[0], role=Role(role))
        )

    def client(self, email: str, role: str = "user") -> Any:
        self.make(email, role)
        client = self.app.test_client()
        answer = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text
        return client


@pytest.fixture
def users(app: Any, services: Services) -> Users:
    return Users(app, services)


@pytest.fixture
def alice(users: Users) -> Any:
    return users.client("alice@example.com")


@pytest.fixture
def bob(users: Users) -> Any:
    return users.client("bob@example.com")


@pytest.fixture
def admin(users: Users) -> Any:
    return users.client("root@example.com", "admin")


def fields(html: str) -> list[str]:
    """The fields the page marks as wrong."""
    return re.findall(r'data-field="([^"]+)"', html)


# a stored photo's or video's URL on a page: ours (files store) or Supabase Storage's public one
MEDIA_SRC = r'<img src="((?:/media/|http://127\.0\.0\.1:\d+/storage/v1/object/public/)[^"]+)"'


def fetch_media(client: Any, url: str, **headers: str) -> tuple[int, str, bytes]:
    """Load a media URL as the browser would: (status, mimetype, body)."""
    if url.startswith("/"):
        answer = client.get(url, headers=headers)
        return answer.status_code, answer.mimetype, answer.data
    import httpx

    public = httpx.get(url, headers=headers)  # the stand-in's Storage, on loopback
    return public.status_code, public.headers["content-type"].split(";")[0], public.content


def link_in(mailer: Any) -> str:
    found = re.search(r"https?://\S+", mailer.outbox[-1].body)
    assert found
    return found[0]


@pytest.fixture
def tmp_media(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "media"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("REVIDEO_WEB_TEST_BACKEND") != "memory":
        for item in items:
            if "tests/web/" in str(item.path).replace(os.sep, "/"):
                item.add_marker(pytest.mark.integration)


def new_property(client: Any, photos: int = 0, **changes: str) -> str:
    """Walk the wizard; return the new property's id."""
    import io

    from tests.support import PNG

    steps = {
        "basics": {"title": "Sunny loft", "category": "residential", "description": "Bright."},
        "address": {
            "address.street": "12 Oak St",
            "address.city": "Austin",
            "address.state": "TX",
            "address.zip": "78701",
        },
        "specs": {
            "specs.price": "450000",
            "specs.area": "1200",
            "specs.beds": "2",
            "specs.baths": "1.5",
            "specs.amenities": "Pool, Gym",
        },
    }
    for name, data in steps.items():
        data.update({k: v for k, v in changes.items() if k in data})
        answer = client.post(f"/properties/new/{name}", data=data)
        assert answer.status_code == 302, (name, fields(answer.text))
    if photos:
        files = [(io.BytesIO(PNG), f"p{i}.png") for i in range(photos)]
        answer = client.post(
            "/properties/new/photos",
            data={"action": "upload", "photos": files},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302, fields(answer.text)
    answer = client.post(
        "/properties/new/review", data={"submission_key": key_on(client, "/properties/new/review")}
    )
    assert answer.status_code == 302, fields(answer.text)
    return str(answer.location.rsplit("/", 1)[1])


def new_video(client: Any, property_id: str, script: str = "Welcome to this sunny loft.") -> str:
    """Walk the generate wizard; return the new video's id."""
    assert client.get(f"/videos/new?property={property_id}").status_code == 302
    steps = [
        ("presenter", {"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}),
        ("script", {"script_content": script, "purpose": "sale"}),
        ("options", {"title": "Loft tour", "purpose": "sale", "aspect_ratio": "16:9"}),
    ]
    for name, data in steps:
        if name == "options":
            data["submission_key"] = key_on(client, "/videos/new/options")
        answer = client.post(f"/videos/new/{name}", data=data)
        assert answer.status_code == 302, (name, fields(answer.text))
    return str(answer.location.rsplit("/", 1)[1])


def key_on(client: Any, url: str) -> str:
    """The one-time submission key of the creating form on a page."""
    found = re.search(r'name="submission_key" value="([^"]+)"', client.get(url).text)
    assert found, f"no submission key on {url}"
    return found[1]


def post_ad(client: Any, data: dict[str, str]) -> Any:
    """Post the new-ad-figures form as the page would (with its one-time key)."""
    return client.post("/ads/new", data={**data, "submission_key": key_on(client, "/ads/new")})
