"""
A live site for the browser tests: the web app on waitress (127.0.0.1, a free
port) over the real PostgreSQL (or the in-memory database with
REVIDEO_WEB_TEST_BACKEND=memory), the offline LocalEngine rendering real
H.264/AAC MP4s, files media in the test's folder, an outbox mailer, the real
clock, and a background worker that runs pipeline rounds (sync, then archive)
from when the test sets `worker_go` until it ends.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.local_auth import identity_for
from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.store import OutboxMailer
from revideo.bootstrap import Services, bootstrap
from revideo.ports.video_engine import Photo
from revideo.settings import load
from tests.web.conftest import CRON, FAST, make_app

CHROMIUM = next(
    (
        p
        for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "")
        if p and os.path.exists(p)
    ),
    None,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


@attrs.frozen
class Site:
    """The running site: its URL, its services and the folders behind it."""

    url: str
    services: Services
    media: Path
    renders: Path
    worker_errors: list[BaseException]
    worker_go: threading.Event  # the worker starts its rounds once this is set
    handled: Handled  # the requests the app has answered


class Handled:
    """Counts the requests the app has answered, by method and path; a test can wait for them."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.counts: dict[tuple[str, str], int] = {}
        self.changed = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return self.app(environ, start_response)  # Flask has run the view by now
        finally:
            with self.changed:
                key = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
                self.counts[key] = self.counts.get(key, 0) + 1
                self.changed.notify_all()

    def wait(self, method: str, path: str, count: int, timeout: float = 60) -> None:
        """Until `count` `method` requests to `path` were answered (AssertionError after
        `timeout` seconds: a deadline for an event, not a claim about speed)."""
        with self.changed:
            done = self.changed.wait_for(
                lambda: self.counts.get((method, path), 0) >= count, timeout
            )
        assert done, f"the app answered {self.counts.get((method, path), 0)} {method} {path}"


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        pytest.skip("no chromium installed (apt-get install chromium): browser tests skipped")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return CHROMIUM


def local_services(backend: Any, data: Path) -> Services:
    """Services on the offline engine, reading photos back from the files store."""
    from revideo.adapters.local_engine import LocalEngine

    env = {
        "REVIDEO_DATA_DIR": str(data),
        "REVIDEO_ENGINE": "local",
        "REVIDEO_CRON_SECRET": CRON,
        "REVIDEO_SECRET_KEY": "test-secret",
    }
    store = FilesMediaStore(data / "media", base_url="/media")

    def read_photo(photo: Photo) -> bytes:
        return b"".join(store.open(photo.bucket, photo.path))

    mailer = OutboxMailer()
    return bootstrap(
        load(env, dotenv=False),
        backend=backend,
        engine=LocalEngine(data / "renders", read_photo=read_photo),
        store=store,
        mailer=mailer,
        identity=identity_for(backend, mailer, secret="test", clock=utcnow, hasher=FAST),
        clock=utcnow,
    )


def _serve(server: Any, stop: threading.Event) -> None:
    try:
        server.run()
    except OSError:  # close() from the test's thread can race the select loop
        if not stop.is_set():
            raise


def _work(
    services: Services, go: threading.Event, stop: threading.Event, errors: list[BaseException]
) -> None:
    """What `revideo worker` does, with a short poll interval: rounds until told to stop."""
    quick = attrs.evolve(services.pipeline.policy, poll_every=timedelta(milliseconds=200))
    pipeline = attrs.evolve(services.pipeline, policy=quick)
    while not (go.is_set() or stop.is_set()):
        stop.wait(0.05)
    while not stop.is_set():
        try:
            pipeline.run_round(stop)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        stop.wait(0.2)


@pytest.fixture
def site(chromium: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    from waitress.server import create_server

    if os.environ.get("REVIDEO_WEB_TEST_BACKEND") == "memory":
        backend: Any = InMemoryDatabase()
    else:
        backend = request.getfixturevalue("pg_database")
    services = local_services(backend, tmp_path / "data")
    app = make_app(services, tmp_path, TESTING=False, WTF_CSRF_ENABLED=True)
    handled = Handled(app.wsgi_app)
    app.wsgi_app = handled  # type: ignore[method-assign]
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    go, stop, errors = threading.Event(), threading.Event(), list[BaseException]()
    threads = [
        threading.Thread(target=_serve, args=(server, stop), daemon=True),
        threading.Thread(target=_work, args=(services, go, stop, errors), daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        yield Site(
            url=f"http://127.0.0.1:{server.effective_port}",
            services=services,
            media=tmp_path / "data" / "media",
            renders=tmp_path / "data" / "renders",
            worker_errors=errors,
            worker_go=go,
            handled=handled,
        )
    finally:
        stop.set()
        server.close()
        for t in threads:
            t.join(10)
        services.engine.close()


def wait_until(page: Any, expression: str, seconds: float = 15.0) -> None:
    """Wait until `expression` is true in the page.

    Playwright's wait_for_function evaluates a string with eval in the page, which the
    app's Content-Security-Policy (no 'unsafe-eval') refuses; page.evaluate is not
    subject to it. The deadline only ends a wait that would never end.
    """
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true in the page: {expression}")
        page.wait_for_timeout(50)
