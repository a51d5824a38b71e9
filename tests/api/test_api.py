"""The JSON API over HTTP: tokens, problems naming the field, idempotent creates, photos."""

from __future__ import annotations

import uuid

import pytest

from revideo.adapters.http_fetch import HttpFetcher
from revideo.domain.errors import ValidationError
from tests.api.conftest import Api
from tests.api.photo_server import serving
from tests.support import image

HOME = {
    "title": "12 Oak Street",
    "category": "residential",
    "address": {"street": "12 Oak St", "city": "Austin", "state": "TX", "zip": "78701"},
    "specs": {"price": "450000.00", "beds": 3, "baths": 2.5, "amenities": ["pool"]},
}


def is_problem(answer, status: int, field: str | None) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status and body["detail"]
    assert body.get("field") == field, body


class TestTokens:
    def test_no_token_a_bad_token_and_a_revoked_token_are_refused(self, api: Api) -> None:
        agent = api.agent("tokens@example.test")
        is_problem(api.client().get("/api/v1/properties"), 401, "Authorization")
        is_problem(api.client("rvd_" + "x" * 43).get("/api/v1/properties"), 401, "Authorization")
        assert agent.http.get("/api/v1/token").json()["scope"] == "write"
        token_id = agent.http.get("/api/v1/token").json()["id"]
        api.services.tokens.revoke(api.services.tokens.authenticate(agent.token).actor, token_id)  # type: ignore[union-attr]
        is_problem(agent.http.get("/api/v1/properties"), 401, "Authorization")

    def test_a_read_token_reads_but_never_writes(self, api: Api) -> None:
        agent = api.agent("reader@example.test")
        assert agent.reader.get("/api/v1/properties").status_code == 200
        is_problem(agent.reader.post("/api/v1/properties", json=HOME), 403, "Authorization")
        assert agent.http.get("/api/v1/properties").json()["total"] == 0

    def test_a_session_cookie_is_no_way_in(self, api: Api) -> None:
        """The API ignores cookies: only a token authenticates (so CSRF cannot apply)."""
        client = api.client()
        client.cookies.set("session", "forged")
        is_problem(client.post("/api/v1/properties", json=HOME), 401, "Authorization")


class TestProperties:
    def test_create_read_update_list_delete(self, api: Api) -> None:
        agent = api.agent("crud@example.test")
        made = agent.http.post("/api/v1/properties", json=HOME)
        assert made.status_code == 201, made.text
        prop = made.json()
        assert prop["specs"]["price"] == "450000.00" and prop["address"]["city"] == "Austin"
        path = f"/api/v1/properties/{prop['id']}"
        assert agent.http.get(path).json()["title"] == "12 Oak Street"
        changed = agent.http.put(path, json={**HOME, "title": "12 Oak Street (sold)"})
        assert changed.status_code == 200 and changed.json()["title"] == "12 Oak Street (sold)"
        listed = agent.http.get("/api/v1/properties", params={"city": "Austin", "per_page": 5})
        assert [p["id"] for p in listed.json()["items"]] == [prop["id"]]
        assert agent.http.delete(path).status_code == 204
        is_problem(agent.http.get(path), 404, None)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"title": ""}, "title"),
            ({"category": "castle"}, "category"),
            ({"specs": {"beds": -1}}, "specs.beds"),
            ({"specs": {"area": "0"}}, "specs.area"),
            ({"specs": {"price": "1.234"}}, "specs.price"),
            ({"colour": "red"}, "colour"),
            ({"title": "a\x00b"}, "title"),
        ],
    )
    def test_bad_input_is_a_problem_naming_the_field(
        self, api: Api, change: dict, field: str
    ) -> None:
        agent = api.agent(f"bad-{uuid.uuid4().hex[:8]}@example.test")
        is_problem(agent.http.post("/api/v1/properties", json={**HOME, **change}), 400, field)
        assert agent.http.get("/api/v1/properties").json()["total"] == 0

    def test_a_body_that_is_not_json_and_a_bad_page(self, api: Api) -> None:
        agent = api.agent("shapes@example.test")
        json = {"Content-Type": "application/json"}
        is_problem(agent.http.post("/api/v1/properties", content=b"{", headers=json), 400, "body")
        is_problem(agent.http.post("/api/v1/properties", content=b"title=x"), 415, "body")
        is_problem(agent.http.get("/api/v1/properties", params={"page": "0"}), 400, "page")

    def test_the_same_idempotency_key_makes_one_property(self, api: Api) -> None:
        agent = api.agent("twice@example.test")
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = agent.http.post("/api/v1/properties", json=HOME, headers=key)
        again = agent.http.post("/api/v1/properties", json=HOME, headers=key)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert agent.http.get("/api/v1/properties").json()["total"] == 1
        bad = agent.http.post("/api/v1/properties", json=HOME, headers={"Idempotency-Key": "1"})
        is_problem(bad, 400, "Idempotency-Key")


class TestPhotos:
    def test_upload_by_url_reorder_and_remove(self, api: Api) -> None:
        agent = api.agent("photos@example.test")
        prop = agent.http.post("/api/v1/properties", json=HOME).json()
        base = f"/api/v1/properties/{prop['id']}/photos"
        uploaded = agent.http.post(base, files={"photos": ("front.png", image("PNG"))})
        assert uploaded.status_code == 201, uploaded.text
        files = {"/garden.jpg": ("image/jpeg", image()), "/notes.txt": ("text/plain", b"hi")}
        with serving(files) as site:
            by_url = agent.http.post(f"{base}/by-url", json={"urls": [f"{site}/garden.jpg"]})
            assert by_url.status_code == 201, by_url.text
            is_problem(
                agent.http.post(f"{base}/by-url", json={"urls": [f"{site}/notes.txt"]}),
                400,
                "urls[0]",
            )
            is_problem(
                agent.http.post(f"{base}/by-url", json={"urls": [f"{site}/gone.jpg"]}),
                400,
                "urls[0]",
            )
        ids = [p["id"] for p in agent.http.get(base).json()["items"]]
        assert len(ids) == 2
        turned = agent.http.put(f"{base}/order", json={"ids": ids[::-1]})
        assert [p["id"] for p in turned.json()["items"]] == ids[::-1]
        assert agent.http.delete(f"{base}/{ids[0]}").status_code == 204
        assert [p["id"] for p in agent.http.get(base).json()["items"]] == [ids[1]]


class TestFetcherGuard:
    """Without REVIDEO_FETCH_PRIVATE, loopback, private and link-local hosts are refused."""

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/a.jpg",
            "http://localhost/a.jpg",
            "http://10.1.2.3/a.jpg",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/a.jpg",
            "http://[::ffff:127.0.0.1]/a.jpg",
            "file:///etc/passwd",
            "http://user:pw@example.com/a.jpg",
        ],
    )
    def test_refused_before_any_connection(self, url: str) -> None:
        with pytest.raises(ValidationError) as refused:
            HttpFetcher().fetch(url, field="urls[0]", types={"image/jpeg"}, max_bytes=1000)
        assert refused.value.field == "urls[0]"

    def test_size_limit_is_kept_while_streaming(self) -> None:
        big = image(size=(400, 300))
        with serving({"/big.jpg": ("image/jpeg", big)}) as site:
            fetcher = HttpFetcher(allow_private=True)
            with pytest.raises(ValidationError, match="larger"):
                fetcher.fetch(f"{site}/big.jpg", field="u", types={"image/jpeg"}, max_bytes=100)
            got = fetcher.fetch(f"{site}/big.jpg", field="u", types={"image/jpeg"}, max_bytes=10**6)
        assert got == big


class TestVideos:
    def test_generate_read_list_and_the_reference_route(self, api: Api) -> None:
        agent = api.agent("videos@example.test")
        prop = agent.http.post("/api/v1/properties", json=HOME).json()
        key = {"Idempotency-Key": str(uuid.uuid4())}
        is_problem(agent.http.post("/api/v1/videos", json={"property_id": prop["id"]}), 400,
                   "avatar_id")  # fmt: skip
        assert agent.http.get("/api/v1/videos").json()["total"] == 0  # nothing half-made
        ask = {"property_id": prop["id"], "avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
        made = agent.http.post("/api/v1/videos", json=ask, headers=key)
        assert made.status_code == 201, made.text
        video = made.json()
        assert video["status"] in ("pending", "processing") and video["script_content"]
        again = agent.http.post("/api/v1/videos", json=ask, headers=key)
        assert again.status_code == 200 and again.json()["id"] == video["id"]
        ref = agent.http.post(
            "/api/heygen/generate", json={"property_id": prop["id"], "generate": False}
        )
        assert ref.status_code == 201 and ref.json()["status"] == "draft"
        listed = agent.http.get("/api/v1/videos", params={"property_id": prop["id"]}).json()
        assert {v["id"] for v in listed["items"]} == {video["id"], ref.json()["id"]}
        is_problem(agent.http.post(f"/api/v1/videos/{video['id']}/retry"), 409, None)
        is_problem(agent.http.get(f"/api/v1/videos/{video['id']}/file"), 404, None)
        assert agent.http.delete(f"/api/v1/videos/{ref.json()['id']}").status_code == 204

    def test_a_script_and_an_ad_row_and_the_summary(self, api: Api) -> None:
        agent = api.agent("ads@example.test")
        prop = agent.http.post("/api/v1/properties", json=HOME).json()
        script = agent.http.post("/api/v1/scripts", json={"property_id": prop["id"]})
        assert script.status_code == 200 and "Oak" in script.json()["text"]
        video = agent.http.post(
            "/api/v1/videos", json={"property_id": prop["id"], "generate": False}
        ).json()
        row = {"video_id": video["id"], "platform": "meta", "date_recorded": "2026-11-20",
               "spend_amount": "30.00", "impressions": 1000, "clicks": 40, "leads": 3}  # fmt: skip
        made = agent.http.post("/api/v1/ads", json=row)
        assert made.status_code == 201, made.text
        is_problem(agent.http.post("/api/v1/ads", json={**row, "clicks": 5000}), 400, "clicks")
        summary = agent.http.get("/api/v1/analytics/summary").json()
        assert summary["ads"]["spend"] == "30.00" and summary["cpl"] == "10.0000"
        assert summary["videos_by_status"] == {"draft": 1}
        csv = (
            "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"
            f"Spring,{video['title']},2026-11-21,12.50,500,10,1\n"
        )
        imported = agent.http.post(
            "/api/v1/ads/imports", files={"file": ("meta.csv", csv.encode())},
            data={"platform": "meta"},
        )  # fmt: skip
        assert imported.status_code == 201, imported.text
        assert imported.json()["added"] == 1
        assert agent.http.get("/api/v1/ads").json()["total"] == 2
        by_day = agent.http.get("/api/v1/analytics/breakdown", params={"by": "day"}).json()
        assert [(r["key"], r["totals"]["spend"]) for r in by_day["items"]] == [
            ("2026-11-20", "30.00"), ("2026-11-21", "12.50")
        ]  # fmt: skip
        is_problem(agent.http.get("/api/v1/analytics/breakdown", params={"by": "user"}), 400, "by")
