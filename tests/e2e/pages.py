"""
Every page, at a desktop and a phone size, each visited once per size for two
things together: axe-core's accessibility check (no serious or critical
violation) and a full-page screenshot for a person to look at.

Screenshots go to $REVIDEO_SCREENSHOTS, else `screenshots/` at the repository's
root (gitignored): screenshots/<size>/<NN>-<page>.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SERIOUS = ("serious", "critical")


def screenshot_dir() -> Path:
    return Path(os.environ.get("REVIDEO_SCREENSHOTS") or ROOT / "screenshots")


@attrs.frozen
class Visit:
    """A page to look at: its name, its path, and what to check while it is open."""

    name: str
    path: str
    check: Callable[[Any], None] | None = None
    ready: str = "body"  # a selector that is there once the page is drawn


@attrs.define
class Tour:
    """Walks pages at one size, collecting axe's serious findings by page."""

    folder: Path
    found: dict[str, list[str]] = attrs.Factory(dict)
    counter: int = 0

    def visit(self, page: Any, v: Visit) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page.goto(v.path)
        page.wait_for_selector(v.ready)
        page.evaluate(IMAGES_SETTLED)
        if v.check is not None:
            v.check(page)
        results = Axe().run(page)
        bad = [
            f"{x['id']} ({x['impact']}): {x['help']} at {[n['target'] for n in x['nodes']][:3]}"
            for x in results.response["violations"]
            if x.get("impact") in SERIOUS
        ]
        if bad:
            self.found[v.name] = bad
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counter += 1
        page.screenshot(path=str(self.folder / f"{self.counter:02d}-{v.name}.png"), full_page=True)


# waits for the images that are loading (lazy ones below the fold have not started)
IMAGES_SETTLED = """async () => {
  const busy = [...document.images].filter(i => !i.complete && i.loading !== 'lazy');
  await Promise.all(busy.map(i => new Promise(r => {
    i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true}); })));
}"""
ALL_SETTLED = IMAGES_SETTLED.replace(" && i.loading !== 'lazy'", "")
LOADED = """(s) => [...document.querySelectorAll(s)].map(i => i.complete && i.naturalWidth > 0)"""


def images_load(selector: str, at_least: int = 1) -> Callable[[Any], None]:
    """A check: at least `at_least` images match `selector`, and every one loaded."""

    def check(page: Any) -> None:
        for img in page.query_selector_all(selector):
            img.scroll_into_view_if_needed()
        page.evaluate(ALL_SETTLED)
        loaded = page.evaluate(LOADED, selector)
        assert len(loaded) >= at_least and all(loaded), (selector, loaded, page.url)

    return check
