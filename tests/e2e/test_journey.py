"""
The whole journey in Debian's Chromium against a live waitress server:
register → confirm (link from the outbox) → sign in → property wizard with two
photos → generate a video with the fake engine → its status turns completed
without a reload → ad figures → the analytics page draws its charts, with no
request leaving 127.0.0.1. Screenshots of each page go to the test's tmp_path.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from revideo.adapters.memory.database import InMemoryDatabase
from tests.support import PNG, Clock
from tests.web.conftest import make_app, make_services

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = next(
    (
        p
        for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "")
        if p and os.path.exists(p)
    ),
    None,
)


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any, Clock]]:
    if CHROMIUM is None:
        pytest.skip("no chromium installed (apt-get install chromium): browser tests skipped")
    from waitress.server import create_server

    if os.environ.get("REVIDEO_WEB_TEST_BACKEND") == "memory":
        backend: Any = InMemoryDatabase()
    else:
        from tests.fixtures.postgres import pg_database, pg_server  # noqa: F401

        backend = request.getfixturevalue("pg_database")
    clock = Clock()
    services = make_services(backend, clock, tmp_path / "media")
    app = make_app(services, tmp_path, TESTING=False, WTF_CSRF_ENABLED=True)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", services, clock
    finally:
        server.close()
        thread.join(5)


def test_journey(site: tuple[str, Any, Clock], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, services, clock = site
    photos = [tmp_path / "front.png", tmp_path / "back.png"]
    for p in photos:
        p.write_bytes(PNG)
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(base_url=base)
        context.set_default_timeout(15_000)

        def guard(route: Any) -> None:
            if urlsplit(route.request.url).netloc == urlsplit(base).netloc:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        shot = _shooter(page, tmp_path / "screens")
        try:
            _sign_up_and_in(page, services, shot)
            _create_property(page, photos, shot)
            video_path = _generate(page, shot)
            _watch_it_finish(page, services, clock, shot)
            _add_ad(page, video_path, shot)
            _analytics(page, shot)
        finally:
            browser.close()
    assert outside == []


def _shooter(page: Any, folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(100))

    def shot(name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return shot


def _sign_up_and_in(page: Any, services: Any, shot: Any) -> None:
    page.goto("/auth/register")
    page.fill("#full_name", "Eve Agent")
    page.fill("#email", "eve@example.com")
    page.fill("#password", "correct-horse-7")
    page.fill("#password_confirm", "correct-horse-7")
    shot("register")
    page.click("#submit")
    page.wait_for_url("**/auth/check-email*")
    shot("check-email")
    link = re.search(r"https?://\S+", services.mailer.outbox[-1].body)[0]  # type: ignore[index]
    page.goto(link)
    page.wait_for_url("**/auth/login")
    page.fill("#email", "eve@example.com")
    page.fill("#password", "correct-horse-7")
    page.click("#submit")
    page.wait_for_selector("#empty-state")
    shot("dashboard-empty")


def _create_property(page: Any, photos: list[Path], shot: Any) -> None:
    page.click("#first-property")
    page.fill("#title", "Browser loft")
    page.select_option("#category", "residential")
    page.click("#next")
    page.fill("[id='address.city']", "Austin")
    page.click("#next")
    page.fill("[id='specs.price']", "350000")
    page.fill("[id='specs.beds']", "2")
    page.click("#next")
    page.set_input_files("#photos", [str(p) for p in photos])
    page.click("#upload")
    page.wait_for_function("document.querySelectorAll('#wizard-photos img').length === 2")
    shot("wizard-photos")
    page.click("#next")
    assert page.inner_text("#review-photo-count") == "2"
    page.click("#create")
    page.wait_for_selector("#generate")
    assert page.locator("img.gallery-photo").count() == 2
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot("property")


def _generate(page: Any, shot: Any) -> str:
    page.click("#generate")
    page.click("#next")  # the first avatar and voice are chosen
    area = page.locator("#script_content")
    area.fill("Welcome to the browser loft, bright and close to everything.")
    assert page.inner_text("#script-count") == str(len(area.input_value()))
    shot("script")
    page.click("#next")
    page.click("#generate")
    page.wait_for_selector(".status-badge[data-status='pending']")
    shot("video-pending")
    return str(urlsplit(page.url).path)


def _watch_it_finish(page: Any, services: Any, clock: Any, shot: Any) -> None:
    page.evaluate("window.__same_page = true")
    clock.advance(minutes=5)
    rounds = services.pipeline.run_round()  # sync, then archive into our own store
    assert rounds["sync"].changed == 1 and rounds["archive"].changed == 1
    page.wait_for_selector(".status-badge[data-status='completed']", timeout=20_000)
    assert page.evaluate("window.__same_page === true")  # updated in place, no reload
    assert page.is_visible("#player-box")
    assert page.get_attribute("#player", "src").startswith("/media/generated-videos/")
    shot("video-completed")


def _add_ad(page: Any, video_path: str, shot: Any) -> None:
    page.goto(f"/ads/new?video={video_path.rsplit('/', 1)[1]}")
    page.select_option("#platform", "meta")
    page.fill("#date_recorded", "2026-11-20")
    page.fill("#spend_amount", "200")
    page.fill("#impressions", "5000")
    page.fill("#clicks", "50")
    page.fill("#leads", "8")
    page.click("#submit")
    page.wait_for_selector("#ads-table")
    shot("ads")


def _analytics(page: Any, shot: Any) -> None:
    page.goto("/analytics/")
    page.wait_for_selector("#chart-over-time svg.main-svg")
    page.wait_for_selector("#chart-cpl svg.main-svg")
    assert page.inner_text("#card-cpl") == "$25.00"
    shot("analytics")
