"""Issue 15, items 9 and 10: a database that goes away, and reverse proxies in front
of `revideo web` (waitress), over real sockets."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from revideo.adapters.postgres import PostgresDatabase
from tests.security.conftest import Live
from tests.security.cut import CuttableDatabase

WRONG = {"email": "ann@example.com", "password": "not-the-password-1"}


@pytest.fixture
def cuttable(pg_database: Any, pg_server: Any) -> Iterator[CuttableDatabase]:
    link = CuttableDatabase(pg_server.app)
    try:
        yield link
    finally:
        link.close()


def test_9_database_down_is_a_friendly_503_and_the_app_recovers_by_itself(
    start: Callable[..., Live], cuttable: CuttableDatabase
) -> None:
    backend = PostgresDatabase.connect(cuttable.dsn, min_size=1, max_size=2)
    try:
        live = start(backend=backend)
        ann = live.signed_in("ann@example.com")
        assert ann.get("/dashboard").status_code == 200
        cuttable.cut()
        for _ in range(3):  # a broken pooled connection, then waiting for a new one
            page = ann.get("/dashboard")
            assert page.status_code == 503, page.text[:300]
            assert "cannot reach its database" in page.text
            assert page.headers["retry-after"]
        api = ann.get("/api/videos/x/status", headers={"Accept": "application/json"})
        assert api.status_code == 503 and "database" in api.json()["error"]
        assert live.browser().get("/auth/login").status_code == 200  # needs no database
        cuttable.restore()
        deadline = time.monotonic() + 120
        while (status := ann.get("/dashboard").status_code) != 200:
            assert status == 503 and time.monotonic() < deadline, status
            time.sleep(0.2)
        assert "ann@example.com" in ann.get("/dashboard").text  # still signed in
    finally:
        backend.close()


def failed_sign_ins(live: Live, client_address: str, times: int) -> list[int]:
    browser = live.browser(**{"X-Forwarded-For": client_address})
    return [browser.post("/auth/login", WRONG).status_code for _ in range(times)]


def test_10_trusted_proxies_work_under_waitress(start: Callable[..., Live]) -> None:
    behind = start(REVIDEO_TRUSTED_PROXIES="1")
    behind.user("ann@example.com")
    assert failed_sign_ins(behind, "203.0.113.7", 11) == [401] * 10 + [429]
    assert failed_sign_ins(behind, "203.0.113.8", 1) == [401]  # another client, its own limit
    secure = behind.browser(**{"X-Forwarded-Proto": "https"}).get("/auth/login")
    assert secure.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in behind.browser().get("/auth/login").headers

    direct = start()  # no proxy configured: forwarded headers are the client's own words
    assert failed_sign_ins(direct, "203.0.113.7", 10) == [401] * 10
    assert failed_sign_ins(direct, "203.0.113.8", 1) == [429]
    spoofed = direct.browser(**{"X-Forwarded-Proto": "https"}).get("/auth/login")
    assert "strict-transport-security" not in spoofed.headers
