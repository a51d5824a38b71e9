"""Issue 15, items 1-4 and 14: links in mail, signing out, redirects, revoking sessions,
reset limits, sign-up enumeration and security headers, over HTTP against `revideo web`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.security.conftest import PUBLIC_URL, Live
from tests.web.conftest import PASSWORD


def mailed_link(mail: Any) -> str:
    found = re.search(r"https?://\S+", mail.body)
    assert found, mail.body
    return found[0]


def test_1_mail_links_come_from_the_public_url_and_unknown_hosts_are_refused(live: Live) -> None:
    live.user("bob@example.com")
    attacker = live.browser()
    token = attacker.token("/auth/reset")
    forged = attacker.http.post(
        "/auth/reset",
        data={"csrf_token": token, "email": "bob@example.com"},
        headers={"Host": "evil.example"},
    )
    assert forged.status_code == 400
    assert live.outbox == []  # nothing was mailed for the forged request
    for path in ("/auth/login", "/properties/"):
        assert live.browser(Host="evil.example:80").get(path).status_code == 400

    honest = live.browser().post("/auth/reset", {"email": "bob@example.com"})
    assert honest.status_code == 200
    link = mailed_link(live.outbox[-1])
    assert link.startswith(PUBLIC_URL + "/auth/reset/new?token=")  # not the serving port
    assert urlsplit(PUBLIC_URL).port != urlsplit(live.url).port

    live.browser().post(
        "/auth/register",
        {"email": "new@example.com", "full_name": "N", "password": PASSWORD,
         "password_confirm": PASSWORD},
    )  # fmt: skip
    assert mailed_link(live.outbox[-1]).startswith(PUBLIC_URL + "/auth/callback?token=")


def test_2_sign_out_after_keep_me_signed_in_really_signs_out(live: Live) -> None:
    browser = live.signed_in("ann@example.com", remember=True)
    assert "remember_token" in browser.cookies
    out = browser.post("/auth/logout", {}, page="/dashboard")
    assert out.status_code == 302
    assert "remember_token" not in browser.cookies  # the server deleted it
    again = browser.get("/dashboard")
    assert again.status_code == 302 and "/auth/login" in again.headers["location"]


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0ALocation:%20http://evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "https://evil.example/",
        "/%20/evil.example",
        "/\u3000/evil.example",
    ],
)
def test_3_next_only_leads_to_a_path_on_this_site(live: Live, target: str) -> None:
    live.user("ann@example.com")
    answer = live.browser().sign_in("ann@example.com", PASSWORD, query="?next=" + target)
    assert answer.status_code == 302
    location = answer.headers["location"]
    parts = urlsplit(location)
    assert not parts.netloc or parts.netloc == urlsplit(live.url).netloc, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert location == "/dashboard"


def test_3_a_same_site_next_is_kept(live: Live) -> None:
    live.user("ann@example.com")
    answer = live.browser().sign_in("ann@example.com", PASSWORD, query="?next=/videos/%3Fpage=2")
    assert answer.headers["location"] == "/videos/?page=2"


def copy_of(live: Live, browser: Any, names: tuple[str, ...]) -> Any:
    thief = live.browser()
    for name in names:
        thief.cookies.set(name, browser.cookies[name], domain="127.0.0.1")
    return thief


def signed_in(browser: Any) -> bool:
    return bool(browser.get("/dashboard").status_code == 200)


def test_4_copied_cookies_die_with_sign_out_everywhere_and_a_password_reset(live: Live) -> None:
    ann = live.signed_in("ann@example.com", remember=True)
    session_copy = copy_of(live, ann, ("session",))
    remember_copy = copy_of(live, ann, ("remember_token",))
    assert signed_in(session_copy) and signed_in(remember_copy)
    out = ann.post("/auth/logout-everywhere", {}, page="/dashboard")
    assert out.status_code == 302
    assert not signed_in(session_copy) and not signed_in(remember_copy)
    assert not signed_in(ann)

    ann = live.browser()
    assert ann.sign_in("ann@example.com", PASSWORD, remember=True).status_code == 302
    stolen = copy_of(live, ann, ("session", "remember_token"))
    assert signed_in(stolen)
    live.browser().post("/auth/reset", {"email": "ann@example.com"})
    link = mailed_link(live.outbox[-1]).removeprefix(PUBLIC_URL)
    owner = live.browser()
    new = "a-new-password-9"
    changed = owner.post(link, {"password": new, "password_confirm": new}, page=link)
    assert changed.status_code == 302, changed.text[:300]
    assert not signed_in(stolen) and not signed_in(ann)
    assert owner.sign_in("ann@example.com", new).status_code == 302 and signed_in(owner)


def test_14_reset_is_rate_limited_and_sign_up_does_not_enumerate(live: Live) -> None:
    live.user("bob@example.com")
    browser = live.browser()
    answers = [browser.post("/auth/reset", {"email": "bob@example.com"}) for _ in range(8)]
    codes = [a.status_code for a in answers]
    assert codes == [200] * 3 + [429] * 5, codes  # 3 an address per 15 minutes, 5 a client
    assert len(live.outbox) == 3

    def sign_up(email: str) -> Any:
        form = {"email": email, "full_name": "X", "password": PASSWORD,
                "password_confirm": PASSWORD}  # fmt: skip
        return live.browser().post("/auth/register", form)

    mails = len(live.outbox)
    taken, fresh = sign_up("bob@example.com"), sign_up("carol@example.com")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["location"].replace("bob", "carol") == fresh.headers["location"]
    assert taken.text.replace("bob", "carol") == fresh.text
    sent = live.outbox[mails:]
    assert [m.to for m in sent] == ["bob@example.com", "carol@example.com"]
    assert "already have one" in sent[0].body


PAGES = ("/dashboard", "/properties/", "/properties/new/basics", "/videos/", "/analytics/", "/ads/")


def test_14_security_headers_and_no_inline_script(live: Live) -> None:
    anonymous, ann = live.browser(), live.signed_in("ann@example.com")
    visits = [(anonymous, "/auth/login"), (anonymous, "/auth/register")]
    for browser, path in visits + [(ann, p) for p in PAGES]:
        answer = browser.get(path)
        assert answer.status_code == 200, path
        csp = dict(
            part.strip().partition(" ")[::2]
            for part in answer.headers["content-security-policy"].split(";")
        )
        assert csp["script-src"] == "'self'", csp
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", answer.text, re.S)
        inline = [body for attrs_, body in scripts if "src=" not in attrs_ and body.strip()
                  and 'type="application/json"' not in attrs_]  # fmt: skip
        assert inline == [], (path, inline)
        assert not re.search(r"<[^>]+\son[a-z]+=", answer.text), path  # no onclick=…
