"""Issue 15, items 11 and 12: hostile input is a 400 naming the field, and the wizard's
draft stays on the server, over HTTP against `revideo web`."""

from __future__ import annotations

import json
import re
from typing import Any

from revideo.domain.profile import Actor
from revideo.services.videos import VideoInput
from tests.security.conftest import Live
from tests.support import sample_property
from tests.web.conftest import CRON, PASSWORD


def named(answer: Any) -> set[str]:
    """The fields an answer names: data-field="…" on pages, "field" in JSON."""
    if answer.headers.get("content-type", "").startswith("application/json"):
        return {answer.json().get("field", "")}
    return set(re.findall(r'data-field="([^"]+)"', answer.text))


def a_video(live: Live, email: str) -> str:
    profile = live.services.users.by_email(email)
    me = Actor.user(profile.id, email=email)
    prop = live.services.properties.create(me, sample_property())
    data = VideoInput(prop.id, "Tour", "Welcome home.", "fake-anna", "fake-voice-en")
    return live.services.videos.create_draft(me, data).id


def test_11_hostile_input_is_a_400_naming_the_field(live: Live) -> None:
    ann = live.signed_in("ann@example.com")
    ad = {"video_id": a_video(live, "ann@example.com"), "platform": "meta",
          "date_recorded": "2026-11-20", "spend_amount": "10"}  # fmt: skip
    anonymous = live.browser()
    cases: list[tuple[str, Any, str]] = [
        ("page ²", lambda: ann.get("/properties/?page=²"), "page"),
        ("page ٣", lambda: ann.get("/videos/?page=٣"), "page"),
        ("NUL in a search", lambda: ann.get("/properties/?city=Aus%00tin"), "city"),
        ("NUL in a search", lambda: ann.get("/videos/?q=a%00b"), "q"),
        ("beds ²", lambda: ann.post("/properties/new/specs", {"specs.beds": "²"},
                                    page="/properties/new/specs"), "specs.beds"),
        ("NUL in a title", lambda: ann.post("/properties/new/basics",
                                            {"title": "a\x00b", "category": "residential"},
                                            page="/properties/new/basics"), "title"),
        ("impressions ²", lambda: ann.post("/ads/new", {**ad, "impressions": "²"}), "impressions"),
        ("NUL in a sign-up name", lambda: anonymous.post(
            "/auth/register", {"email": "x@example.com", "full_name": "X\x00",
                               "password": PASSWORD, "password_confirm": PASSWORD}), "full_name"),
        ("non-ASCII token signature", lambda: anonymous.post(
            "/auth/reset/new", {"token": "abc.99999999999.sïg", "password": PASSWORD,
                                "password_confirm": PASSWORD}, page="/auth/reset/new"), "token"),
        ("token expiry ²", lambda: anonymous.post(
            "/auth/reset/new", {"token": "abc.²².sig", "password": PASSWORD,
                                "password_confirm": PASSWORD}, page="/auth/reset/new"), "token"),
    ]  # fmt: skip
    for name, send, field in cases:
        answer = send()
        assert answer.status_code == 400, (name, answer.status_code, answer.text[:300])
        assert field in named(answer), (name, named(answer), answer.text[:300])
    assert live.outbox == []  # the NUL sign-up wrote and mailed nothing


def test_11_machine_routes_refuse_hostile_bodies_and_headers(live: Live) -> None:
    client = live.browser().http
    engine: Any = live.services.engine
    deep = b"[" * 100_000 + b"]" * 100_000
    answer = client.post(
        "/api/heygen/webhook", content=deep, headers={"Signature": engine.sign(deep)}
    )
    assert answer.status_code == 400 and answer.json()["field"] == "body"
    odd = client.post(
        "/api/heygen/webhook",
        content=json.dumps({"video_id": "x"}).encode(),
        headers={"Signature": "sïgnature".encode()},
    )
    assert odd.status_code == 401
    for bearer in ("Bearer ²²²".encode(), "Bearer sécret".encode(), b"Bearer \xff\xfe"):
        cron = client.post("/api/cron/sync-status", headers={"Authorization": bearer})
        assert cron.status_code == 401, cron.text[:300]
    good = client.post("/api/cron/sync-status", headers={"Authorization": f"Bearer {CRON}"})
    assert good.status_code == 200


def test_12_the_wizard_draft_is_kept_on_the_server_not_in_the_cookie(live: Live) -> None:
    ann = live.signed_in("ann@example.com")
    description = "Ünïcödé sea view, " * 277  # 4,986 characters, ~7 KB in UTF-8
    saved = ann.post(
        "/properties/new/basics",
        {"title": "Long story", "category": "residential", "description": description},
    )
    assert saved.status_code == 302, saved.text[:300]
    cookies = saved.headers.get_list("set-cookie")
    assert all(len(c) < 1024 for c in cookies), [len(c) for c in cookies]
    assert len(ann.cookies.get("session", "")) < 1024
    page = ann.get("/properties/new/basics")
    assert description.strip() in page.text.replace("&#39;", "'")

    other_device = live.browser()
    assert other_device.sign_in("ann@example.com", PASSWORD).status_code == 302
    assert "Long story" in other_device.get("/properties/new/basics").text
