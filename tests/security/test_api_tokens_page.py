"""The settings page for API tokens: shown once, one per form, revocable; and the API
never lets a cookie session in (so its CSRF exemption covers token requests only)."""

from __future__ import annotations

import re

from tests.security.conftest import Live

KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def test_make_use_and_revoke_a_token(live: Live) -> None:
    browser = live.signed_in("agent@example.test")
    page = browser.get("/account/tokens").text
    key = KEY.search(page)[1]  # type: ignore[index]
    form = {"name": "Zapier", "scope": "write", "expires": "30", "submission_key": key}
    made = browser.post("/account/tokens", form)
    assert made.status_code == 201
    secret = re.search(r'id="token-secret">([^<]+)<', made.text)[1]  # type: ignore[index]
    again = browser.post("/account/tokens", form, page="/account/tokens")
    assert again.status_code == 400 and secret not in again.text
    listing = browser.get("/account/tokens").text
    assert listing.count("data-token=") == 1 and secret not in listing

    api = live.browser(Authorization=f"Bearer {secret}")
    assert api.get("/api/v1/token").json()["scope"] == "write"
    assert "never" not in browser.get("/account/tokens").text.split("<tbody>")[1][:400]

    # the signed-in browser's cookies and CSRF token open nothing in the API
    csrf = browser.token("/account/tokens")
    cookie_call = browser.http.post(
        "/api/v1/properties", json={"title": "x", "category": "resale"},
        headers={"X-CSRFToken": csrf},
    )  # fmt: skip
    assert cookie_call.status_code == 401

    token_id = re.search(r'data-token="([^"]+)"', listing)[1]  # type: ignore[index]
    revoked = browser.post(f"/account/tokens/{token_id}/revoke", {}, page="/account/tokens")
    assert revoked.status_code == 302
    assert api.get("/api/v1/token").status_code == 401


def test_a_bad_scope_names_the_field(live: Live) -> None:
    browser = live.signed_in("scope@example.test")
    answer = browser.post("/account/tokens", {"name": "x", "scope": "root"})
    assert answer.status_code == 400 and 'data-field="scope"' in answer.text
