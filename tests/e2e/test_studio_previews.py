"""
The presenter step of the generate wizard, on the offline LocalEngine: every
avatar picture and voice sample must be something the browser can load from
our own site (the engine's catalogue hands out `local://` URLs that only
`LocalEngine.fetch` understands, so the app must serve them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from revideo.domain.profile import Actor
from tests.e2e.conftest import Site
from tests.support import sample_property
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PREVIEWS = """async () => {
  const imgs = [...document.querySelectorAll('img.card-img-top')];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true}); })));
  const own = (u) => new URL(u, location.href).origin === location.origin;
  const voice = document.querySelector('audio.voice-preview');
  const sample = voice ? await fetch(voice.src).then(async r =>
    [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength]) : null;
  return {
    sample,
    images: imgs.length,
    broken: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src')),
    foreign: [...document.querySelectorAll('#content img, audio.voice-preview, img.card-img-top')]
      .map(e => e.getAttribute('src')).filter(u => u && !own(u)),
  };
}"""


def test_presenter_previews_load(site: Site, chromium: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ident: Any = site.services.identity
    user_id = ident.create_user("pia@example.com", PASSWORD, full_name="Pia")
    prop = site.services.properties.create(Actor.user(user_id), sample_property())
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_context(base_url=site.url).new_page()
            page.goto("/auth/login")
            page.fill("#email", "pia@example.com")
            page.fill("#password", PASSWORD)
            page.click("#submit")
            page.wait_for_url(lambda url: "/auth/" not in url)
            page.goto(f"/videos/new?property={prop.id}")
            page.wait_for_selector("input[name='avatar_id']:checked")
            found = page.evaluate(PREVIEWS)
            page.screenshot(path=str(tmp_path / "presenter.png"), full_page=True)
        finally:
            browser.close()
    assert found["images"] >= 1
    assert found["foreign"] == []
    assert found["broken"] == []
    status, kind, size = found["sample"]
    assert status == 200 and kind.startswith("audio/") and size > 1000
