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


def test_webhook_endpoints_page_log_and_resend(live: Live) -> None:
    from revideo.domain.profile import Actor
    from revideo.services.webhooks import queue_event

    browser = live.signed_in("hooks@example.test")
    form = {"url": "http://127.0.0.1:9/hook", "events": ["video.completed", "ads.imported"]}
    assert browser.post("/account/webhooks", form).status_code == 302
    assert browser.post("/account/webhooks", form, page="/account/webhooks").status_code == 302
    bad = browser.post("/account/webhooks", {"url": "gopher://x", "events": ["video.failed"]},
                       page="/account/webhooks")  # fmt: skip
    assert bad.status_code == 400 and 'data-field="url"' in bad.text
    page = browser.get("/account/webhooks").text
    assert page.count("data-endpoint=") == 1 and "whsec_" in page
    user_id = live.services.users.by_email("hooks@example.test").id
    now = live.services.tokens.ctx.clock()
    with live.services.backend.unit_of_work(Actor.service()) as uow:
        queue_event(uow, user_id, "ads.imported", {"import_id": "i1"}, "ads.imported:i1", now)
    live.services.webhooks.deliver()  # 127.0.0.1:9 refuses: a failed attempt is logged
    page = browser.get("/account/webhooks").text
    message_id = re.search(r'data-message="([^"]+)"', page)[1]  # type: ignore[index]
    assert "ads.imported" in page
    resent = browser.post(f"/account/webhooks/messages/{message_id}/resend", {},
                          page="/account/webhooks")  # fmt: skip
    assert resent.status_code == 302
    other = live.signed_in("other@example.test")
    stolen = other.post(f"/account/webhooks/messages/{message_id}/resend", {},
                        page="/account/webhooks")  # fmt: skip
    assert stolen.status_code == 404
