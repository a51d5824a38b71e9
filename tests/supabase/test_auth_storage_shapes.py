"""Supabase Auth and Storage calls: request shapes and error mapping (httpx.MockTransport)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from revideo.domain.errors import AuthError, ConfigError, Forbidden, NotFound
from revideo.domain.profile import Actor, Role
from revideo.ports.identity import Session
from revideo.settings import Settings
from tests.supabase.fakes import (
    ANON,
    SERVICE,
    URL,
    Recorder,
    auth_user,
    body,
    reply,
    session_json,
    user_jwt,
)

ALICE = str(uuid.uuid4())
EMAIL = "alice@example.test"
GOOD = "correct-horse-9"


def with_role(role: str = "user") -> dict[tuple[str, str], Any]:
    return {("GET", "/rest/v1/profiles"): reply(200, [{"role": role}])}


class TestAuthShapes:
    def test_sign_in_posts_the_password_grant_and_reads_the_role(self) -> None:
        rec = Recorder({
            ("POST", "/auth/v1/token"): reply(200, session_json(ALICE, EMAIL)),
            **with_role("admin"),
        })  # fmt: skip
        backend = rec.backend()
        session = backend.identity().sign_in(" Alice@Example.test ", GOOD)
        sent = rec.last("/auth/v1/token")
        assert sent.url.params["grant_type"] == "password"
        assert (body(sent)["email"], body(sent)["password"]) == (EMAIL, GOOD)
        assert sent.headers["apikey"] == ANON
        assert (session.user_id, session.role, session.refresh_token) == (ALICE, Role.ADMIN, "r-1")
        role_read = rec.last("/rest/v1/profiles")
        assert role_read.headers["authorization"] == f"Bearer {session.access_token}"
        assert backend.sessions.session(ALICE) == session

    def test_sign_up_sends_the_name_and_our_callback(self) -> None:
        rec = Recorder({("POST", "/auth/v1/signup"): reply(200, auth_user(ALICE, EMAIL))})
        user_id = (
            rec.backend()
            .identity()
            .sign_up(EMAIL, GOOD, "Alice Agent", "http://127.0.0.1:8000/auth/callback")
        )
        sent = rec.last("/auth/v1/signup")
        assert user_id == ALICE
        assert sent.url.params["redirect_to"] == "http://127.0.0.1:8000/auth/callback"
        assert (body(sent)["email"], body(sent)["data"]) == (EMAIL, {"full_name": "Alice Agent"})

    def test_a_taken_address_on_sign_up_is_user_exists(self) -> None:
        hidden = auth_user(ALICE, EMAIL, identities=False)  # Supabase's obfuscated answer
        rec = Recorder({("POST", "/auth/v1/signup"): reply(200, hidden)})
        with pytest.raises(AuthError) as caught:
            rec.backend().identity().sign_up(EMAIL, GOOD, "", "http://127.0.0.1/auth/callback")
        assert caught.value.code == "user_exists"

    def test_create_user_uses_the_admin_api_with_the_service_key(self) -> None:
        rec = Recorder({("POST", "/auth/v1/admin/users"): reply(200, auth_user(ALICE, EMAIL))})
        assert rec.backend().identity().create_user(EMAIL, GOOD, "Alice") == ALICE
        sent = rec.last("/auth/v1/admin/users")
        assert sent.headers["authorization"] == f"Bearer {SERVICE}"
        assert body(sent)["email_confirm"] is True
        assert body(sent)["user_metadata"] == {"full_name": "Alice"}

    def test_confirm_verifies_the_token_hash(self) -> None:
        rec = Recorder({
            ("POST", "/auth/v1/verify"): reply(200, session_json(ALICE, EMAIL)), **with_role(),
        })  # fmt: skip
        session = rec.backend().identity().confirm("hash-123")
        assert body(rec.last("/auth/v1/verify"))["token_hash"] == "hash-123"
        assert body(rec.last("/auth/v1/verify"))["type"] == "email"
        assert session.user_id == ALICE

    def test_an_actor_without_a_session_gets_one_minted_by_the_admin_api(self) -> None:
        extra = {"action_link": "x", "email_otp": "1", "hashed_token": "h-9", "redirect_to": ""}
        link = {**auth_user(ALICE, EMAIL), **extra, "verification_type": "magiclink"}
        rec = Recorder({
            ("GET", f"/auth/v1/admin/users/{ALICE}"): reply(200, auth_user(ALICE, EMAIL)),
            ("POST", "/auth/v1/admin/generate_link"): reply(200, link),
            ("POST", "/auth/v1/verify"): reply(200, session_json(ALICE, EMAIL)),
            ("GET", "/rest/v1/videos"): reply(200, []), **with_role(),
        })  # fmt: skip
        with rec.backend().unit_of_work(Actor.user(ALICE)) as uow:
            assert uow.videos.by_engine_id("e1") is None
        assert body(rec.last("/auth/v1/verify")) | {"token_hash": "h-9", "type": "magiclink"} == (
            body(rec.last("/auth/v1/verify"))
        )
        minted = rec.last("/rest/v1/videos").headers["authorization"].removeprefix("Bearer ")
        assert minted not in (ANON, SERVICE)


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (400, {"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login"},
         "invalid_credentials"),
        (400, {"code": 400, "error_code": "email_not_confirmed", "msg": "Email not confirmed"},
         "email_not_confirmed"),
        (422, {"code": 422, "error_code": "weak_password", "msg": "Password is known to be weak",
               "weak_password": {"reasons": ["pwned"]}}, "weak_password"),
        (429, {"code": 429, "error_code": "over_request_rate_limit", "msg": "Rate limit"},
         "rate_limited"),
        (400, {"error": "invalid_grant", "error_description": "Invalid login credentials"},
         "invalid_credentials"),
        (503, {"message": "upstream down"}, "unavailable"),
    ],
)  # fmt: skip
def test_sign_in_errors_become_the_local_auth_codes(
    status: int, error: dict[str, Any], code: str
) -> None:
    rec = Recorder({("POST", "/auth/v1/token"): reply(status, error)})
    with pytest.raises(AuthError) as caught:
        rec.backend().identity().sign_in(EMAIL, GOOD)
    assert caught.value.code == code


def test_an_existing_address_for_create_user_is_user_exists() -> None:
    taken = {"code": 422, "error_code": "email_exists", "msg": "already been registered"}
    rec = Recorder({("POST", "/auth/v1/admin/users"): reply(422, taken)})
    with pytest.raises(AuthError) as caught:
        rec.backend().identity().create_user(EMAIL, GOOD)
    assert caught.value.code == "user_exists"


def test_an_unreachable_auth_server_is_unavailable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    rec = Recorder({("POST", "/auth/v1/token"): down})
    with pytest.raises(AuthError) as caught:
        rec.backend().identity().sign_in(EMAIL, GOOD)
    assert caught.value.code == "unavailable"


class TestStorageShapes:
    def signed_in(self, rec: Recorder) -> Any:
        backend = rec.backend()
        backend.sessions.remember(Session(ALICE, EMAIL, access_token=user_jwt(ALICE)))
        return backend

    def test_put_uploads_under_the_users_folder_with_their_jwt(self) -> None:
        path = f"{ALICE}/front.jpg"
        rec = Recorder({
            ("POST", f"/storage/v1/object/property-images/{path}"): reply(200, {"Key": path}),
        })  # fmt: skip
        backend = self.signed_in(rec)
        stored = backend.media_store().put(
            Actor.user(ALICE), "property-images", path, [b"jp", b"eg"], "image/jpeg"
        )
        sent = rec.seen[-1]
        assert sent.headers["x-upsert"] == "true"
        token = backend.sessions.session(ALICE).access_token
        assert sent.headers["authorization"] == f"Bearer {token}"
        assert b"image/jpeg" in sent.content and b"jpeg" in sent.content
        assert (stored.size, stored.public_url) == (
            4, f"{URL}/storage/v1/object/public/property-images/{path}")  # fmt: skip

    def test_writing_into_someone_elses_folder_is_refused_before_any_request(self) -> None:
        rec = Recorder()
        with pytest.raises(Forbidden):
            self.signed_in(rec).media_store().put(
                Actor.user(ALICE), "property-images", f"{uuid.uuid4()}/x.jpg", b"x", "image/jpeg"
            )
        assert rec.seen == []

    def test_a_storage_policy_refusal_is_forbidden(self) -> None:
        path = f"{ALICE}/x.jpg"
        refusal = {"statusCode": "403", "error": "Unauthorized", "message": "row-level security"}
        rec = Recorder(
            {("POST", f"/storage/v1/object/property-images/{path}"): reply(400, refusal)}
        )
        with pytest.raises(Forbidden):
            self.signed_in(rec).media_store().put(
                Actor.user(ALICE), "property-images", path, b"x", "image/jpeg"
            )

    def test_archives_use_the_service_role_and_delete_sends_prefixes(self) -> None:
        path = f"{ALICE}/v.mp4"
        rec = Recorder({
            ("POST", f"/storage/v1/object/generated-videos/{path}"): reply(200, {"Key": path}),
            ("DELETE", "/storage/v1/object/generated-videos"): reply(200, []),
        })  # fmt: skip
        store = rec.backend().media_store()
        store.put(Actor.service(), "generated-videos", path, b"mp4", "video/mp4")
        assert rec.seen[-1].headers["authorization"] == f"Bearer {SERVICE}"
        store.delete(Actor.service(), "generated-videos", path)
        assert body(rec.seen[-1]) == {"prefixes": [path]}

    def test_opening_a_missing_object_is_not_found_at_once(self) -> None:
        missing = {"statusCode": "404", "error": "not_found", "message": "Object not found"}
        rec = Recorder({
            ("GET", f"/storage/v1/object/public/property-images/{ALICE}/gone.jpg"):
                reply(400, missing),
        })  # fmt: skip
        with pytest.raises(NotFound):
            rec.backend().media_store().open("property-images", f"{ALICE}/gone.jpg")


def settings(**changes: Any) -> Settings:
    base = {"supabase_url": URL, "supabase_anon_key": ANON, "supabase_service_role_key": SERVICE}
    return Settings(data_dir=Path("."), backend="supabase", **{**base, **changes})


class TestStartUp:
    @pytest.mark.parametrize(
        ("changes", "setting"),
        [
            ({"supabase_url": None}, "SUPABASE_URL"),
            ({"supabase_url": "demo.supabase.co"}, "SUPABASE_URL"),
            ({"supabase_anon_key": ""}, "SUPABASE_ANON_KEY"),
            ({"supabase_service_role_key": None}, "SUPABASE_SERVICE_ROLE_KEY"),
        ],
    )
    def test_partial_settings_fail_with_one_line_naming_the_setting(
        self, changes: dict[str, Any], setting: str
    ) -> None:
        from revideo.adapters.supabase import SupabaseBackend

        with pytest.raises(ConfigError) as caught:
            SupabaseBackend.from_settings(settings(**changes))
        assert caught.value.setting == setting
        assert "\n" not in str(caught.value) and setting in str(caught.value)

    @pytest.mark.parametrize(
        ("health", "users", "setting"),
        [(401, 200, "SUPABASE_ANON_KEY"), (200, 403, "SUPABASE_SERVICE_ROLE_KEY"),
         (404, 200, "SUPABASE_URL")],
    )  # fmt: skip
    def test_refused_keys_or_a_wrong_url_fail_at_start(
        self, health: int, users: int, setting: str
    ) -> None:
        from revideo.adapters.supabase import SupabaseBackend

        rec = Recorder({
            ("GET", "/auth/v1/health"): reply(health, {}),
            ("GET", "/auth/v1/admin/users"): reply(users, {"users": []}),
        })  # fmt: skip
        with pytest.raises(ConfigError) as caught:
            SupabaseBackend.from_settings(settings(), transport=httpx.MockTransport(rec))
        assert caught.value.setting == setting
        assert "\n" not in str(caught.value)

    def test_a_good_project_passes(self) -> None:
        from revideo.adapters.supabase import SupabaseBackend

        rec = Recorder({
            ("GET", "/auth/v1/health"): reply(200, {}),
            ("GET", "/auth/v1/admin/users"): reply(200, {"users": []}),
        })  # fmt: skip
        SupabaseBackend.from_settings(settings(), transport=httpx.MockTransport(rec)).close()
        assert rec.seen[0].headers["apikey"] == ANON
        assert rec.seen[1].headers["authorization"] == f"Bearer {SERVICE}"
