"""
The cross-tenant matrix: user B's token gets 404 for each of user A's objects, for every
verb of every operation the OpenAPI document lists that names one (by path or body), and
nothing of A's changes. The operations come from the document itself, so a new route
joins the matrix (or fails it, if no body is known for it) on its own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from revideo.entrypoints.web.api_v1.spec import document
from tests.api.conftest import Agent, Api
from tests.api.test_api import HOME, is_problem
from tests.support import image

# a valid body for each operation that takes one (ids filled in from A's objects)
BODIES: dict[str, Any] = {
    "update_property": lambda ids: HOME,
    "add_photos_by_url": lambda ids: {"urls": ["http://127.0.0.1:9/x.jpg"]},
    "reorder_photos": lambda ids: {"ids": [ids["photo_id"]]},
    "create_video": lambda ids: {"property_id": ids["property_id"], "generate": False},
    "generate": lambda ids: {"property_id": ids["property_id"], "generate": False},
    "write_script": lambda ids: {"property_id": ids["property_id"]},
    "create_ad": lambda ids: {"video_id": ids["video_id"], "platform": "meta",
                              "date_recorded": "2026-11-20", "clicks": 1, "impressions": 2},
}  # fmt: skip
NAMES_A_ROW = {"create_video", "generate", "write_script", "create_ad"}  # ids in the body


@pytest.fixture(scope="module")
def world(api: Api) -> tuple[Agent, Agent, dict[str, str]]:
    alice, bob = api.agent("alice@tenant.test"), api.agent("bob@tenant.test")
    prop = alice.http.post("/api/v1/properties", json=HOME).json()
    photo = alice.http.post(
        f"/api/v1/properties/{prop['id']}/photos", files={"photos": ("a.png", image("PNG"))}
    ).json()["items"][0]
    video = alice.http.post(
        "/api/v1/videos", json={"property_id": prop["id"], "generate": False}
    ).json()
    hook = alice.http.post(
        "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["video.completed"]}
    ).json()
    ids = {"property_id": prop["id"], "photo_id": photo["id"], "video_id": video["id"],
           "endpoint_id": hook["id"]}  # fmt: skip
    return alice, bob, ids


def operations() -> list[tuple[str, str, str]]:
    found = []
    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            if "{" in path or op["operationId"] in NAMES_A_ROW:
                found.append((method.upper(), path, op["operationId"]))
    return found


def snapshot(agent: Agent, ids: dict[str, str]) -> str:
    parts = [
        agent.http.get(f"/api/v1/properties/{ids['property_id']}").json(),
        agent.http.get(f"/api/v1/properties/{ids['property_id']}/photos").json(),
        agent.http.get(f"/api/v1/videos/{ids['video_id']}").json(),
        agent.http.get("/api/v1/videos").json()["total"],
        agent.http.get("/api/v1/webhooks").json(),
    ]
    return json.dumps(parts, sort_keys=True)


def test_the_matrix_covers_every_verb_on_every_object() -> None:
    ops = {(m, p) for m, p, _ in operations()}
    for verb in ("GET", "PUT", "DELETE"):
        assert (verb, "/api/v1/properties/{property_id}") in ops
    assert ("DELETE", "/api/v1/properties/{property_id}/photos/{photo_id}") in ops
    assert ("POST", "/api/v1/videos/{video_id}/retry") in ops
    assert ("DELETE", "/api/v1/webhooks/{endpoint_id}") in ops


@pytest.mark.parametrize(("method", "path", "op_id"), operations())
def test_another_users_token_gets_404(
    world: tuple[Agent, Agent, dict[str, str]], method: str, path: str, op_id: str
) -> None:
    alice, bob, ids = world
    before = snapshot(alice, ids)
    url = path.format(**ids)
    kwargs: dict[str, Any] = {}
    if op_id in BODIES:
        kwargs["json"] = BODIES[op_id](ids)
    elif op_id == "upload_photos":
        kwargs["files"] = {"photos": ("b.png", image("PNG"))}
    elif method in ("POST", "PUT") and "requestBody" in document()["paths"][path][method.lower()]:
        pytest.fail(f"no body known for {op_id}: add one to BODIES")
    answer = bob.http.request(method, url, **kwargs)
    is_problem(answer, 404, None)
    assert snapshot(alice, ids) == before
    # and B's read token the same (a 404, not a 403 that would confirm the row exists)
    if method == "GET":
        is_problem(bob.reader.get(url), 404, None)


def test_lists_and_sums_leave_the_other_user_out(
    world: tuple[Agent, Agent, dict[str, str]],
) -> None:
    alice, bob, ids = world
    assert bob.http.get("/api/v1/properties").json()["total"] == 0
    assert (
        bob.http.get("/api/v1/videos", params={"property_id": ids["property_id"]}).json()["items"]
        == []
    )
    assert bob.http.get("/api/v1/ads", params={"video_id": ids["video_id"]}).json()["total"] == 0
    summary = bob.http.get("/api/v1/analytics/summary").json()
    assert summary["videos_by_status"] == {} and alice.http.get("/api/v1/videos").json()["total"]
