"""The API docs page in a real browser under the app's CSP: Swagger UI from the installed
package renders the generated document (no CDN, no inline script, no CSP violation)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Site, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_docs_page_shows_every_operation(site: Site, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_context(base_url=site.url).new_page()
            blocked: list[str] = []
            foreign: list[str] = []
            page.on(
                "console",
                lambda m: blocked.append(m.text) if "Content Security" in m.text else None,
            )
            page.on(
                "request", lambda r: None if r.url.startswith(site.url) else foreign.append(r.url)
            )
            page.goto("/api/docs")
            wait_until(page, "document.querySelectorAll('.opblock').length >= 17", 30)
            found = page.evaluate(
                "[...document.querySelectorAll('.opblock-summary-path')].map(e => e.textContent)"
            )
        finally:
            browser.close()
    assert "/api/heygen/generate" in "".join(found)
    assert blocked == [] and foreign == []
