"""
Issue 15 #8 in Debian's Chromium: two rapid clicks on the wizard's "Create property" and on
the studio's "Generate video" end with one property, one video and one render. Both clicks
reach the server (the test counts the POSTs the browser sent and waits until the app has
answered them all), so the one-time submission key, not luck, makes the difference.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import PropertyFilter, VideoFilter
from tests.e2e.conftest import Site, wait_until
from tests.support import image
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def counted(site: Site) -> tuple[int, int, int]:
    """(properties, videos, render attempts) in the database."""
    with site.services.backend.unit_of_work(Actor.service()) as uow:
        every = PageRequest(1, 50)
        videos = uow.videos.list(VideoFilter(), every).items
        jobs = sum(len(uow.render_jobs.for_video(v.id)) for v in videos)
        return uow.properties.list(PropertyFilter(), every).total, len(videos), jobs


def double_click(page: Any, selector: str, path: str) -> int:
    """Click twice, the second time while the first submit is still on its way (its request
    is held back by the test, as a slow network would); then let both go to the server at
    once. Return how many POSTs to `path` the browser sent."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    def is_post(r: Any) -> bool:
        return bool(r.method == "POST" and path in r.url)

    page.route(f"**{path}", hold)
    box = page.locator(selector).bounding_box()
    for _ in range(2):  # the mouse itself: Playwright's click would wait for the navigation
        with page.expect_request(is_post):
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(3000):  # let Playwright call the route handler for both (at most 30 s)
        if len(held) == 2:
            break
        page.wait_for_timeout(10)
    first, *others = held
    for route in others:
        route.continue_()  # the browser sends it: the page now waits for this one
    with contextlib.suppress(Exception):  # the browser may have given up on the first one
        first.fulfill(response=first.fetch())  # sent too, from the same session
    page.unroute(f"**{path}")
    page.wait_for_load_state()
    return len(held)


def test_two_clicks_make_one_property_one_video_one_render(
    site: Site, chromium: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    ident: Any = site.services.identity
    ident.create_user("dee@example.com", PASSWORD, full_name="Dee")
    shot = tmp_path / "front.png"
    shot.write_bytes(image("PNG", (320, 200)))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_context(base_url=site.url).new_page()
            page.goto("/auth/login")
            page.fill("#email", "dee@example.com")
            page.fill("#password", PASSWORD)
            page.click("#submit")
            page.wait_for_url(lambda url: "/auth/" not in url)

            page.goto("/properties/new/basics")
            page.fill("#title", "Double loft")
            page.select_option("#category", "residential")
            page.click("#next")
            page.fill("[id='address.city']", "Austin")
            page.click("#next")
            page.fill("[id='specs.price']", "350000")
            page.click("#next")
            page.set_input_files("#photos", [str(shot)])
            # the photo uploads as soon as it is chosen (issue 18): no Upload button to press
            wait_until(page, "document.querySelectorAll('#wizard-photos img').length === 1")
            page.click("#next")
            page.wait_for_selector("#create")
            creates = double_click(page, "#create", "/properties/new/review")
            site.handled.wait("POST", "/properties/new/review", creates)
            page.wait_for_selector("#generate")  # the property's page
            assert creates == 2, "the second click never reached the server"
            assert counted(site)[0] == 1

            page.click("#generate")
            page.wait_for_selector("input[name='avatar_id']:checked")
            page.click("#next")
            page.fill("#script_content", "Welcome to the double loft.")
            page.click("#next")
            page.wait_for_selector("#generate")
            generates = double_click(page, "#generate", "/videos/new/options")
            site.handled.wait("POST", "/videos/new/options", generates)
            page.wait_for_selector(".status-badge")  # the video's page
            assert generates == 2, "the second click never reached the server"
        finally:
            browser.close()
    assert counted(site) == (1, 1, 1)
