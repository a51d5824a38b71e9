"""
Hostile input on every route that takes any (issue 15): arbitrary form fields and
files on every POST route, arbitrary query strings on every page that reads them,
and arbitrary bodies and headers on the JSON routes. Never a 500, and after any
rejected request (4xx) nothing at all has changed in the database.

The POST routes come from the app's own URL map, so a new form is fuzzed the day
it is added. REVIDEO_FUZZ_EXAMPLES sets the examples per route (300 by default,
as CI runs it). By default the fuzz runs on the real PostgreSQL only (the web
layer is the same on every backend; REVIDEO_WEB_TEST_BACKEND picks another).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from tests.support import PNG
from tests.web.conftest import CRON, new_property, new_video, post_ad

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("REVIDEO_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
TOKEN_API = "the token API: fuzzed against its document by tests/api/test_schemathesis.py"
NOT_FUZZED = {  # POST routes left out, and why
    **{
        f"api_v1.{name}": TOKEN_API
        for name in (
            "create_property",
            "upload_photos",
            "add_photos_by_url",
            "create_video",
            "retry_video",
            "write_script",
            "create_ad",
            "import_report",
            "create_webhook",
        )
    },
    "api_generate.generate": TOKEN_API,
    "auth.logout": "signs the fuzzing user out (tests/security covers it)",
    "auth.logout_everywhere": "signs the fuzzing user out (tests/security covers it)",
}

NAMES = [
    "title", "category", "description", "address.street", "address.city", "address.state",
    "address.zip", "specs.price", "specs.area", "specs.beds", "specs.baths", "specs.amenities",
    "action", "photo", "back", "order", "move", "video_id", "platform", "date_recorded",
    "spend_amount", "impressions", "clicks", "leads", "property_id", "avatar_id", "voice_id",
    "script_content", "purpose", "aspect_ratio", "tone", "role", "email", "full_name",
    "password", "password_confirm", "token", "rewrite", "remember", "skip_errors", "line-1",
    "line-²", "choose", "csrf_token", "confirm", "submission_key",
]  # fmt: skip
HOSTILE = [
    "", "-1", "0", "1e9", "NaN", "Infinity", "9" * 40, "²", "٣", "１２", "\x00", "a\x00b",
    "é", "\ud7ff", "../../etc/passwd", "<script>alert(1)</script>", "%00", " 1 ", "1.005",
    "residential", "meta", "google", "2026-11-20", "2026-02-30", "upload", "up", "down",
    "next", "back", "remove", "commit", "admin", "user", "16:9", "sale", "fake-anna",
    "fake-voice-en", "up:x", "down:", "on",
]  # fmt: skip
values = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE))
forms = st.dictionaries(st.sampled_from(NAMES), values, max_size=8)
blobs = st.lists(st.one_of(st.binary(max_size=64), st.just(PNG)), max_size=2)
QUERY = ["page", "q", "city", "category", "status", "purpose", "platform", "from", "to",
         "property", "video", "user", "token", "email", "next", "by"]  # fmt: skip
queries = st.dictionaries(st.sampled_from(QUERY), values, max_size=5)


@pytest.fixture(params=[os.environ.get("REVIDEO_WEB_TEST_BACKEND") or "postgres"])
def backend(request: pytest.FixtureRequest) -> Any:
    """One backend for the fuzz (it exercises the web layer, the same on every backend)."""
    from revideo.adapters.memory.database import InMemoryDatabase

    if request.param == "memory":
        return InMemoryDatabase()
    if request.param == "supabase":
        return request.getfixturevalue("supabase_backend")
    return request.getfixturevalue("pg_database")


def snapshot(services: Any) -> Any:
    """Everything in the database that a request could write, as comparable values."""
    page = PageRequest(1, 100)
    with services.backend.unit_of_work(Actor.service()) as uow:
        props = uow.properties.list(PropertyFilter(), page).items
        videos = uow.videos.list(VideoFilter(), page).items
        return (
            uow.profiles.list(page).items,
            props,
            [uow.media.for_property(p.id) for p in props],
            videos,
            [uow.render_jobs.for_video(v.id) for v in videos],
            uow.ads.list(AdFilter(), page).items,
        )


TABLES = """
    SELECT format('(SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L))'
                  ' FROM %I.%I t)', chr(10), '', table_schema, table_name)
    FROM information_schema.tables
    WHERE table_schema IN ('public', 'auth', 'storage') AND table_type = 'BASE TABLE'
    ORDER BY table_schema, table_name
"""


class Digest:
    """Every row of every table, in one round trip: a stricter and much cheaper snapshot
    than reading through the repositories (the fuzz takes one after every request)."""

    def __init__(self, admin_url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(admin_url, autocommit=True)
        parts = [row[0] for row in self.conn.execute(TABLES)]
        self.query = "SELECT ARRAY[" + ", ".join(parts) + "]"

    def __call__(self) -> Any:
        row = self.conn.execute(self.query).fetchone()
        assert row is not None
        return row[0]


@pytest.fixture
def state(request: pytest.FixtureRequest, backend: Any, services: Any) -> Iterator[Any]:
    """What `Unchanged` compares: the whole database on PostgreSQL, the repositories else."""
    from revideo.adapters.postgres.database import PostgresDatabase

    if isinstance(backend, PostgresDatabase):
        digest = Digest(request.getfixturevalue("pg_server").admin)
        yield digest
        digest.conn.close()
    else:
        yield lambda: snapshot(services)


def world(alice: Any, bob: Any, users: Any, services: Any) -> dict[str, str]:
    """Ids to put in the URLs: alice's own records, and bob's for the destructive routes."""
    pid = new_property(alice, photos=2)
    vid = new_video(alice, pid)
    ad = post_ad(
        alice,
        {"video_id": vid, "platform": "meta", "date_recorded": "2026-11-20",
              "spend_amount": "10", "impressions": "100", "clicks": "5", "leads": "1"},
    )  # fmt: skip
    assert ad.status_code == 302, ad.text[:300]
    bob_pid = new_property(bob, photos=1)
    with services.backend.unit_of_work(Actor.service()) as uow:
        media = uow.media.for_property(pid)
        bob_media = uow.media.for_property(bob_pid)
        record = uow.ads.list(AdFilter(), PageRequest(1, 1)).items[0]
    return {
        "property_id": pid,
        "video_id": vid,
        "record_id": record.id,
        "media_id": media[0].id,
        "user_id": users.make("carol@example.com"),
        "token": "0123456789abcdef",
        "import_id": "00000000-0000-0000-0000-000000000000",
        "token_id": "00000000-0000-0000-0000-000000000000",
        "endpoint_id": "00000000-0000-0000-0000-000000000000",
        "message_id": "00000000-0000-0000-0000-000000000000",
        "photo_id": "f" * 32,
        "name": "basics",
        "bob_property_id": bob_pid,
        "bob_media_id": bob_media[0].id,
        "bob_video_id": new_video(bob, bob_pid),
    }


DESTRUCTIVE = re.compile(r"/delete$")


def post_urls(app: Any, ids: dict[str, str]) -> dict[str, str]:
    """Every POST route of the app, its variables filled in (bob's ids where it deletes)."""
    urls = {}
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint in NOT_FUZZED:
            continue
        url = rule.rule
        for arg in rule.arguments:
            owner = "bob_" if DESTRUCTIVE.search(rule.rule) and f"bob_{arg}" in ids else ""
            url = url.replace(f"<{arg}>", ids[owner + arg])
        if rule.endpoint == "wizard.step" or rule.endpoint == "studio.step":
            for step in (["basics", "address", "specs", "photos", "review"]
                         if rule.endpoint == "wizard.step"
                         else ["property", "presenter", "script", "options"]):  # fmt: skip
                urls[f"{rule.endpoint}:{step}"] = url.replace("basics", step)
            continue
        urls[rule.endpoint] = url
    return urls


class Unchanged:
    """The database as the last request left it: a rejected request must leave it so."""

    def __init__(self, state: Callable[[], Any]) -> None:
        self.state = state
        self.last = state()

    def after(self, status: int, *about: Any) -> None:
        now = self.state()
        if status >= 400:
            assert now == self.last, (status, *about)
        self.last = now


def check_post(alice: Any, state: Callable[[], Any], url: str) -> Callable[..., None]:
    database = Unchanged(state)

    @FUZZ
    @given(forms, blobs)
    def post(form: dict[str, str], files: list[bytes]) -> None:
        data: dict[str, Any] = dict(form)
        if files:
            data["photos"] = [(io.BytesIO(b), f"f{i}.png") for i, b in enumerate(files)]
            data["file"] = (io.BytesIO(files[0]), "report.csv")
        answer = alice.post(url, data=data, content_type="multipart/form-data")
        assert answer.status_code < 500, (url, form, answer.text[:300])
        database.after(answer.status_code, url, form)

    return post


ROUTES = [
    "auth.login", "auth.register", "auth.reset_request", "auth.reset_form",
    "wizard.step:basics", "wizard.step:address", "wizard.step:specs", "wizard.step:photos",
    "wizard.step:review", "wizard.cancel", "properties.edit", "properties.delete",
    "properties.add_photos", "properties.remove_photo", "properties.reorder",
    "studio.step:property", "studio.step:presenter", "studio.step:script", "studio.step:options",
    "videos.generate", "videos.retry", "videos.delete", "ads.new", "ads.edit", "ads.delete",
    "ads.import_upload", "ads.import_commit", "ads.import_cancel", "ads.import_undo",
    "admin.set_role",
    "api.heygen_webhook", "api.cron_sync", "account.delete", "account.scope",
    "account.create_token", "account.revoke_token",
    "hooks.add", "hooks.delete", "hooks.enable", "hooks.resend",
]  # fmt: skip


def test_every_post_route_is_fuzzed(app: Any) -> None:
    """ROUTES (one test each, below) lists every POST route of the app."""
    fake = {k: "x" for k in ("property_id", "video_id", "record_id", "media_id", "user_id",
                             "token", "photo_id", "name", "import_id", "token_id",
                             "endpoint_id", "message_id")}  # fmt: skip
    assert sorted(post_urls(app, fake)) == sorted(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_no_post_route_breaks_or_half_writes(
    route: str, app: Any, alice: Any, bob: Any, users: Any, services: Any, state: Any
) -> None:
    url = post_urls(app, world(alice, bob, users, services))[route]
    check_post(alice, state, url)()


PAGES = [
    "/properties/", "/videos/", "/ads/", "/analytics/", "/analytics/export.csv",
    "/analytics/table/video.csv", "/analytics/table/platform.json", "/admin/", "/dashboard",
    "/auth/check-email", "/auth/callback", "/auth/reset/new", "/videos/new",
    "/api/videos/{video_id}/status", "/properties/{property_id}", "/properties/new/basics",
]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_no_query_string_breaks_a_page(
    page: str, alice: Any, bob: Any, users: Any, services: Any, state: Any
) -> None:
    url = page.format(**world(alice, bob, users, services))
    database = Unchanged(state)

    @FUZZ
    @given(queries)
    def get(query: dict[str, str]) -> None:
        answer = alice.get(url, query_string=query)
        assert answer.status_code < 500, (url, query, answer.text[:300])
        database.after(answer.status_code, url, query)

    get()


def bodies(engine: Any) -> Any:
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
    documents = st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=10), kids, max_size=3)
        ),
        max_leaves=10,
    )
    events = st.fixed_dictionaries(
        {"video_id": st.one_of(st.text(max_size=10), st.sampled_from(sorted(engine.renders)))},
        optional={"event_type": st.text(max_size=20), "event_data": documents},
    )
    as_bytes = st.one_of(documents, events).map(lambda d: json.dumps(d).encode())
    nested = st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n)
    return st.one_of(as_bytes, st.binary(max_size=200), nested)


def wire(value: str) -> str:
    """A header value as a WSGI server hands it on: the UTF-8 bytes read as Latin-1."""
    return value.replace("\r", "").replace("\n", "").encode("utf-8").decode("latin-1")


def test_json_routes_take_any_body_and_headers(
    alice: Any, bob: Any, users: Any, services: Any, state: Any
) -> None:
    world(alice, bob, users, services)
    engine = services.engine
    secrets = st.one_of(st.text(max_size=30), st.sampled_from(["", "é", "²", CRON]))

    database = Unchanged(state)

    @FUZZ
    @given(bodies(engine), st.booleans(), secrets, secrets)
    def post(body: bytes, signed: bool, signature: str, bearer: str) -> None:
        sig = engine.sign(body) if signed else signature
        for url, headers in (
            ("/api/heygen/webhook", {"Signature": wire(sig)}),
            ("/api/cron/sync-status", {"Authorization": wire(f"Bearer {bearer}")}),
        ):
            answer = alice.post(url, data=body, headers=headers, content_type="application/json")
            assert answer.status_code < 500, (url, body[:100], answer.text[:300])
            assert answer.is_json, (url, answer.text[:300])
            database.after(answer.status_code, url, body[:100])

    post()
