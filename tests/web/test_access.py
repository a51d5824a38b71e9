"""User A cannot see or change B's records through any URL; admins read all, change none."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from revideo.ports.video_engine import RenderRequest
from tests.web.conftest import CRON, MEDIA_SRC, fetch_media, new_property, new_video, post_ad


@pytest.fixture
def owned(alice: Any) -> dict[str, str]:
    pid = new_property(alice, photos=1)
    vid = new_video(alice, pid)
    post_ad(
        alice,
        {
            "video_id": vid,
            "platform": "meta",
            "date_recorded": "2026-11-20",
            "spend_amount": "9",
            "impressions": "9",
            "clicks": "1",
            "leads": "1",
        },
    )
    rid = re.search(r"/ads/([^/]+)/edit", alice.get("/ads/").text)[1]  # type: ignore[index]
    mid = re.search(r"/photos/([^/]+)/delete", alice.get(f"/properties/{pid}").text)[1]  # type: ignore[index]
    return {"pid": pid, "vid": vid, "rid": rid, "mid": mid}


def urls(o: dict[str, str]) -> tuple[list[str], list[str]]:
    gets = [
        f"/properties/{o['pid']}",
        f"/properties/{o['pid']}/edit",
        f"/properties/{o['pid']}/delete",
        f"/videos/{o['vid']}",
        f"/videos/{o['vid']}/delete",
        f"/videos/{o['vid']}/download",
        f"/api/videos/{o['vid']}/status",
        f"/ads/{o['rid']}/edit",
        f"/ads/{o['rid']}/delete",
        f"/videos/new?property={o['pid']}",
    ]
    posts = [
        f"/properties/{o['pid']}/edit",
        f"/properties/{o['pid']}/delete",
        f"/properties/{o['pid']}/photos/order",
        f"/properties/{o['pid']}/photos/{o['mid']}/delete",
        f"/videos/{o['vid']}/generate",
        f"/videos/{o['vid']}/retry",
        f"/videos/{o['vid']}/delete",
        f"/ads/{o['rid']}/edit",
        f"/ads/{o['rid']}/delete",
    ]
    return gets, posts


def test_another_user_gets_404_everywhere(owned: dict[str, str], alice: Any, bob: Any) -> None:
    gets, posts = urls(owned)
    for url in gets:
        assert bob.get(url).status_code == 404, url
    for url in posts:
        assert (
            bob.post(
                url, data={"title": "pwned", "category": "resale", "order": owned["mid"]}
            ).status_code
            == 404
        ), url
    assert (
        post_ad(
            bob,
            {"video_id": owned["vid"], "platform": "meta", "date_recorded": "2026-11-21"},
        ).status_code
        == 404
    )
    assert bob.post("/videos/new/property", data={"property_id": owned["pid"]}).status_code == 404
    for page in ("/properties/", "/videos/", "/ads/", "/dashboard", "/analytics/"):
        assert "Sunny loft" not in bob.get(page).text and "Loft tour" not in bob.get(page).text
    assert "Sunny loft" in alice.get(f"/properties/{owned['pid']}").text  # all still there
    assert alice.get(f"/ads/{owned['rid']}/edit").status_code == 200


def test_admin_reads_all_but_changes_nothing(owned: dict[str, str], admin: Any, alice: Any) -> None:
    _, posts = urls(owned)
    for url in (
        f"/properties/{owned['pid']}",
        f"/videos/{owned['vid']}",
        f"/api/videos/{owned['vid']}/status",
    ):
        assert admin.get(url).status_code == 200, url
    page = admin.get("/admin/").text
    assert "alice@example.com" in page and "Sunny loft" in page and "Loft tour" in page
    for url in posts:
        code = admin.post(
            url, data={"title": "admin was here", "category": "resale", "order": owned["mid"]}
        ).status_code
        assert code in (403, 409), url
    assert "admin was here" not in alice.get(f"/properties/{owned['pid']}").text
    assert alice.get(f"/properties/{owned['pid']}").status_code == 200


def test_only_admins_open_admin_and_change_roles(users: Any, admin: Any, alice: Any) -> None:
    assert alice.get("/admin/").status_code == 403
    bob_id = users.make("bob@example.com")
    assert alice.post(f"/admin/users/{bob_id}/role", data={"role": "admin"}).status_code == 403
    assert admin.post(f"/admin/users/{bob_id}/role", data={"role": "emperor"}).status_code == 400
    assert admin.post(f"/admin/users/{bob_id}/role", data={"role": "admin"}).status_code == 302
    assert re.search(r"bob@example.com</td><td>bob</td><td>admin", admin.get("/admin/").text)


class TestApi:
    def test_webhook_signature_is_checked(self, app: Any, services: Any) -> None:
        body = json.dumps({"video_id": "fake-0001"}).encode()
        answer = app.test_client().post(
            "/api/heygen/webhook", data=body, headers={"Signature": "forged"}
        )
        assert answer.status_code == 401

    def test_webhook_applies_a_signed_report(
        self, alice: Any, app: Any, services: Any, clock: Any
    ) -> None:
        vid = new_video(alice, new_property(alice))
        engine_id = next(iter(services.engine.renders))
        clock.advance(minutes=5)
        body = json.dumps({"video_id": engine_id}).encode()
        answer = app.test_client().post(
            "/api/heygen/webhook", data=body, headers={"Signature": services.engine.sign(body)}
        )
        assert answer.status_code == 200 and answer.json["status"] == "completed"
        assert alice.get(f"/api/videos/{vid}/status").json["status"] == "completed"

    def test_webhook_for_an_unknown_video_is_acknowledged(self, app: Any, services: Any) -> None:
        engine_id = services.engine.create(
            RenderRequest("h1", "t", "s", "fake-anna", "fake-voice-en")
        )
        body = json.dumps({"video_id": engine_id}).encode()
        answer = app.test_client().post(
            "/api/heygen/webhook", data=body, headers={"Signature": services.engine.sign(body)}
        )
        assert answer.status_code == 200 and answer.json["unknown"] == engine_id

    def test_cron_needs_the_secret(self, alice: Any, app: Any, services: Any, clock: Any) -> None:
        vid = new_video(alice, new_property(alice))
        client = app.test_client()
        assert client.post("/api/cron/sync-status").status_code == 401
        assert (
            client.post(
                "/api/cron/sync-status", headers={"Authorization": "Bearer nope"}
            ).status_code
            == 401
        )
        clock.advance(minutes=5)
        ok = client.post("/api/cron/sync-status", headers={"Authorization": f"Bearer {CRON}"})
        assert ok.status_code == 200 and ok.json["sync"]["changed"] == 1
        assert alice.get(f"/api/videos/{vid}/status").json["status"] == "completed"

    def test_status_needs_a_session(self, app: Any, alice: Any) -> None:
        vid = new_video(alice, new_property(alice))
        answer = app.test_client().get(f"/api/videos/{vid}/status")
        assert answer.status_code == 401 and answer.is_json


def test_media_is_served_with_type_and_ranges(alice: Any, services: Any) -> None:
    pid = new_property(alice, photos=1)
    src = re.search(MEDIA_SRC, alice.get(f"/properties/{pid}").text)[1]  # type: ignore[index]
    whole = fetch_media(alice, src)
    assert whole[:2] == (200, "image/png")
    part = fetch_media(alice, src, Range="bytes=0-7")
    assert part[0] == 206 and part[2] == whole[2][:8]
    assert alice.get("/media/property-images/../etc/passwd").status_code == 404
    assert alice.get("/media/nobucket/x.png").status_code == 404
