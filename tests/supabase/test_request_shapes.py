"""What the Supabase adapter sends, and how it maps the answers, pinned with httpx.MockTransport."""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revideo.adapters.supabase import convert
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import (
    ConfigError,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationError,
)
from revideo.domain.profile import Actor
from revideo.ports.identity import Session
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import a_photo, a_property
from tests.supabase.fakes import ANON, SERVICE, URL, Recorder, body, reply, user_jwt

ALICE = str(uuid.uuid4())


def signed_in(rec: Recorder) -> tuple[object, str]:
    backend = rec.backend()
    token = user_jwt(ALICE)
    backend.sessions.remember(Session(ALICE, "alice@example.test", access_token=token))
    return backend, token


def property_row(prop_id: str) -> dict[str, object]:
    return {"id": prop_id, "user_id": ALICE, "title": "12 Oak Street", "description": "",
            "category": "residential", "address": {"city": "Austin"},
            "specs": {"price": 450000.0, "beds": 3}, "created_at": "2026-11-01T12:00:00.5+00:00",
            "updated_at": "2026-11-01T12:00:00.5+00:00"}  # fmt: skip


class TestData:
    def test_a_users_read_carries_their_jwt_and_the_anon_key(self) -> None:
        prop_id = str(uuid.uuid4())
        rec = Recorder({("GET", "/rest/v1/properties"): reply(200, [property_row(prop_id)])})
        backend, token = signed_in(rec)
        with backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
            got = uow.properties.get(prop_id)
        sent = rec.last("/rest/v1/properties")
        assert dict(parse_qsl(sent.url.query.decode())) == {"select": "*", "id": f"eq.{prop_id}"}
        assert sent.headers["authorization"] == f"Bearer {token}"
        assert sent.headers["apikey"] == ANON
        assert (got.specs.price, got.address.city) == (Decimal("450000"), "Austin")
        assert got.created_at is not None and got.created_at.microsecond == 500000

    def test_the_system_acts_with_the_service_role_key(self) -> None:
        rec = Recorder({("GET", "/rest/v1/videos"): reply(200, [])})
        with rec.backend().unit_of_work(Actor.service()) as uow:
            assert uow.videos.by_engine_id("hg-1") is None
        sent = rec.last("/rest/v1/videos")
        assert sent.headers["authorization"] == f"Bearer {SERVICE}"
        assert sent.headers["apikey"] == SERVICE
        query = dict(parse_qsl(sent.url.query.decode()))
        assert query["heygen_video_id"] == "eq.hg-1"

    def test_insert_asks_for_the_row_back_and_sends_money_exactly(self) -> None:
        prop = a_property(ALICE)
        rec = Recorder({("POST", "/rest/v1/properties"): reply(201, [property_row(prop.id)])})
        backend, _ = signed_in(rec)
        with backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
            uow.properties.add(prop)
        sent = rec.last("/rest/v1/properties")
        assert "return=representation" in sent.headers["prefer"]
        sent_body = body(sent)
        assert (sent_body["id"], sent_body["user_id"], sent_body["category"]) == (
            prop.id, ALICE, "residential")  # fmt: skip
        assert Decimal(str(sent_body["specs"]["price"])) == prop.specs.price

    def test_a_failed_unit_of_work_deletes_what_it_inserted(self) -> None:
        prop = a_property(ALICE)
        rec = Recorder({
            ("POST", "/rest/v1/properties"): reply(201, [property_row(prop.id)]),
            ("DELETE", "/rest/v1/properties"): reply(204),
        })  # fmt: skip
        backend, _ = signed_in(rec)
        with pytest.raises(RuntimeError), backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
            uow.properties.add(prop)
            raise RuntimeError("boom")
        undo = rec.last("/rest/v1/properties")
        assert undo.method == "DELETE"
        assert dict(parse_qsl(undo.url.query.decode())) == {"id": f"eq.{prop.id}"}

    def test_analytics_call_the_sql_function_with_the_filter(self) -> None:
        answer = {"ads": {"spend": "12.50", "impressions": 1000, "clicks": 25, "leads": 2},
                  "by_status": {"pending": 1}, "cost": "2.5000"}  # fmt: skip
        rec = Recorder({("POST", "/rest/v1/rpc/revideo_ad_summary"): reply(200, answer)})
        backend, _ = signed_in(rec)
        with backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
            summary = uow.analytics.summary(AdFilter(platform=AdPlatform.META))
        assert body(rec.last("/rest/v1/rpc/revideo_ad_summary")) == {
            "f": {"platform": "meta", "user_id": ALICE}
        }
        assert summary.ads.spend == Decimal("12.50") and str(summary.ads.spend) == "12.50"
        assert summary.usage_cost == Decimal("2.5")


PROP = str(uuid.uuid4())


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (403, {"code": "42501", "message": "new row violates row-level security policy"},
         Forbidden),
        (409, {"code": "23505", "message": "duplicate key value"}, Duplicate),
        (409, {"code": "23503", "message": 'insert or update on table "property_media" violates'
               ' foreign key constraint "property_media_property_owner_fkey"'}, NotFound),
        (400, {"code": "23514", "message": 'new row for relation "property_media" violates check'
               ' constraint "property_media_order_check"'}, ValidationError),
        (503, {"code": "08006", "message": "connection failure"}, ConfigError),
    ],
)  # fmt: skip
def test_postgrest_errors_become_domain_errors(
    status: int, error: dict[str, str], expected: type[Exception]
) -> None:
    rec = Recorder({("POST", "/rest/v1/property_media"): reply(status, error)})
    backend, _ = signed_in(rec)
    with pytest.raises(expected) as caught, backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
        uow.media.add(a_photo(ALICE, PROP))
    if expected is NotFound:
        assert (caught.value.kind, caught.value.key) == ("property", PROP)  # type: ignore[attr-defined]
    if expected is ValidationError:
        assert caught.value.field == "order"  # type: ignore[attr-defined]


def test_a_network_failure_is_a_config_error_naming_the_url() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    backend, _ = signed_in(Recorder({("GET", "/rest/v1/videos"): down}))
    with pytest.raises(ConfigError) as caught, backend.unit_of_work(Actor.user(ALICE)) as uow:  # type: ignore[attr-defined]
        uow.videos.by_engine_id("e1")
    assert caught.value.setting == "SUPABASE_URL"


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_money_survives_postgrest_json_numbers_exactly(amount: Decimal) -> None:
    """PostgREST sends numeric(10,2) as a JSON number, which Python reads as a float."""
    assert convert.decimal(float(format(amount, "f"))) == amount


def test_public_urls_are_the_storage_public_object_paths() -> None:
    store = Recorder().backend().media_store()
    assert store.public_url("property-images", f"{ALICE}/a b.jpg") == (
        f"{URL}/storage/v1/object/public/property-images/{ALICE}/a%20b.jpg"
    )
