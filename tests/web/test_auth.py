"""Sign-up → mail → confirm → sign-in; reset; logout; CSRF; rate limits; anonymous redirects."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from revideo.domain.errors import ConfigError
from revideo.domain.profile import Actor
from tests.web.conftest import PASSWORD, fields, link_in, make_app

NEW = {"email": "nora@example.com", "full_name": "Nora", "password": PASSWORD}


def register(client: Any, **changes: str) -> Any:
    data = {**NEW, "password_confirm": NEW["password"], **changes}
    return client.post("/auth/register", data=data)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def profiles(services: Any) -> int:
    with services.backend.unit_of_work(Actor.service()) as uow:
        from revideo.domain.page import PageRequest

        return int(uow.profiles.list(PageRequest(1, 1)).total)


class TestRegisterAndConfirm:
    def test_whole_journey(self, app: Any, services: Any) -> None:
        client = app.test_client()
        answer = register(client)
        assert answer.status_code == 302 and "/auth/check-email" in answer.location
        assert "nora@example.com" in client.get(answer.location).text
        link = link_in(services.mailer)
        assert "/auth/callback?token=" in link
        assert (
            client.post(
                "/auth/login", data={"email": NEW["email"], "password": PASSWORD}
            ).status_code
            == 403
        )
        confirmed = client.get(path_of(link))
        assert confirmed.status_code == 302 and confirmed.location.endswith("/auth/login")
        signed = client.post(
            "/auth/login", data={"email": "NORA@example.com", "password": PASSWORD}
        )
        assert signed.status_code == 302 and signed.location.endswith("/dashboard")
        assert "nora@example.com" in client.get("/dashboard").text
        assert client.get(path_of(link)).status_code == 400  # the link works once

    @pytest.mark.parametrize(
        ("changes", "field", "status"),
        [
            ({"email": "not-an-email"}, "email", 400),
            ({"password": "short", "password_confirm": "short"}, "password", 400),
            ({"password_confirm": "something-else-1"}, "password_confirm", 400),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(
        self, app: Any, services: Any, changes: dict[str, str], field: str, status: int
    ) -> None:
        answer = register(app.test_client(), **changes)
        assert answer.status_code == status
        assert field in fields(answer.text)
        assert profiles(services) == 0 and services.mailer.outbox == []

    def test_taken_address_answers_as_a_new_one_and_mails_the_owner(
        self, app: Any, users: Any, services: Any
    ) -> None:
        fresh = register(app.test_client(), email="newcomer@example.com")
        users.make("nora@example.com")
        taken = register(app.test_client())
        assert taken.status_code == fresh.status_code == 302
        assert taken.location == fresh.location.replace("newcomer", "nora")
        mail = services.mailer.outbox[-1]
        assert mail.to == "nora@example.com" and "already have one" in mail.body
        assert "/auth/reset" in mail.body and "token=" not in mail.body

    def test_forged_token_is_refused(self, app: Any) -> None:
        answer = app.test_client().get("/auth/callback?token=abc.123.xyz")
        assert answer.status_code == 400 and "token" in fields(answer.text)


class TestSignIn:
    def test_wrong_password(self, app: Any, users: Any) -> None:
        users.make("alice@example.com")
        answer = app.test_client().post(
            "/auth/login", data={"email": "alice@example.com", "password": "nope-nope-1"}
        )
        assert answer.status_code == 401 and "password" in fields(answer.text)

    def test_next_is_followed_only_inside_the_site(self, app: Any, users: Any) -> None:
        users.make("alice@example.com")
        creds = {"email": "alice@example.com", "password": PASSWORD}
        inside = app.test_client().post("/auth/login?next=/videos/", data=creds)
        outside = app.test_client().post("/auth/login?next=//evil.example/", data=creds)
        assert inside.location.endswith("/videos/")
        assert outside.location.endswith("/dashboard")

    def test_logout_needs_a_post(self, alice: Any) -> None:
        assert alice.get("/auth/logout").status_code == 405
        assert alice.post("/auth/logout").status_code == 302
        assert alice.get("/dashboard").status_code == 302

    @pytest.mark.parametrize(
        "url",
        [
            "/dashboard",
            "/properties/",
            "/properties/new/basics",
            "/videos/",
            "/videos/new/property",
            "/analytics/",
            "/analytics/export.csv",
            "/ads/",
            "/ads/new",
            "/admin/",
        ],
    )
    def test_anonymous_goes_to_sign_in(self, app: Any, url: str) -> None:
        answer = app.test_client().get(url)
        assert answer.status_code == 302 and "/auth/login" in answer.location

    def test_session_cookie_is_http_only_and_lax(self, app: Any, users: Any) -> None:
        users.make("alice@example.com")
        answer = app.test_client().post(
            "/auth/login", data={"email": "alice@example.com", "password": PASSWORD}
        )
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


class TestPasswordReset:
    def test_reset_then_sign_in_with_the_new_password(
        self, app: Any, services: Any, users: Any
    ) -> None:
        users.make("alice@example.com")
        client = app.test_client()
        assert client.post("/auth/reset", data={"email": "alice@example.com"}).status_code == 200
        link = path_of(link_in(services.mailer))
        assert "/auth/reset/new?token=" in link
        token = link.split("token=")[1]
        weak = client.post(
            "/auth/reset/new", data={"token": token, "password": "x", "password_confirm": "x"}
        )
        assert weak.status_code == 400 and "password" in fields(weak.text)
        new = {
            "token": token,
            "password": "brand-new-pass-2",
            "password_confirm": "brand-new-pass-2",
        }
        assert client.post("/auth/reset/new", data=new).status_code == 302
        again = client.post("/auth/reset/new", data=new)
        assert again.status_code == 400 and "token" in fields(again.text)
        old = client.post("/auth/login", data={"email": "alice@example.com", "password": PASSWORD})
        assert old.status_code == 401
        ok = client.post(
            "/auth/login", data={"email": "alice@example.com", "password": "brand-new-pass-2"}
        )
        assert ok.status_code == 302

    def test_a_reset_and_sign_out_everywhere_end_other_sessions(
        self, app: Any, services: Any, users: Any
    ) -> None:
        laptop = users.client("alice@example.com")
        phone = app.test_client()
        phone.post("/auth/login", data={"email": "alice@example.com", "password": PASSWORD})
        assert laptop.get("/dashboard").status_code == phone.get("/dashboard").status_code == 200
        assert phone.post("/auth/logout-everywhere").status_code == 302
        assert laptop.get("/dashboard").status_code == 302  # signed out there too

        laptop.post("/auth/login", data={"email": "alice@example.com", "password": PASSWORD})
        assert laptop.get("/dashboard").status_code == 200
        app.test_client().post("/auth/reset", data={"email": "alice@example.com"})
        token = link_in(services.mailer).split("token=")[1]
        new = {
            "token": token,
            "password": "brand-new-pass-2",
            "password_confirm": "brand-new-pass-2",
        }
        assert app.test_client().post("/auth/reset/new", data=new).status_code == 302
        assert laptop.get("/dashboard").status_code == 302  # the new password ended it

    def test_unknown_address_looks_the_same_and_sends_nothing(
        self, app: Any, services: Any
    ) -> None:
        answer = app.test_client().post("/auth/reset", data={"email": "ghost@example.com"})
        assert answer.status_code == 200 and services.mailer.outbox == []

    def test_empty_address_names_the_field(self, app: Any) -> None:
        answer = app.test_client().post("/auth/reset", data={"email": ""})
        assert answer.status_code == 400 and "email" in fields(answer.text)


class TestProtections:
    def test_csrf_token_is_required(self, services: Any, tmp_path: Any) -> None:
        app = make_app(services, tmp_path, WTF_CSRF_ENABLED=True)
        answer = register(app.test_client())
        assert answer.status_code == 400 and "csrf_token" in fields(answer.text)
        assert profiles(services) == 0

    def test_csrf_token_from_the_page_works(self, services: Any, tmp_path: Any) -> None:
        import re

        app = make_app(services, tmp_path, WTF_CSRF_ENABLED=True)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/auth/register").text)
        assert token
        assert register(client, csrf_token=token[1]).status_code == 302

    def test_sign_in_is_rate_limited(self, services: Any, tmp_path: Any) -> None:
        app = make_app(services, tmp_path, RATELIMIT_LOGIN="3 per minute")
        client = app.test_client()
        bad = {"email": "who@example.com", "password": "wrong-pass-1"}
        codes = [client.post("/auth/login", data=bad).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert client.get("/auth/login").status_code == 200  # only the POST is limited

    @pytest.mark.parametrize("proxies", [0, 1])
    def test_behind_trusted_proxies_each_client_has_its_own_limit(
        self, services: Any, tmp_path: Any, proxies: int
    ) -> None:
        settings = attrs.evolve(services.settings, trusted_proxies=proxies)
        app = make_app(
            attrs.evolve(services, settings=settings), tmp_path, RATELIMIT_LOGIN="2/minute"
        )
        client = app.test_client()
        bad = {"email": "who@example.com", "password": "wrong-pass-1"}

        def attempt(client_ip: str) -> int:
            headers = {"X-Forwarded-For": client_ip}
            return int(client.post("/auth/login", data=bad, headers=headers).status_code)

        assert [attempt("203.0.113.1") for _ in range(3)] == [401, 401, 429]
        # trusted: another client behind the proxy; untrusted: the header is ignored
        assert attempt("203.0.113.2") == (401 if proxies else 429)

    def test_an_unusable_rate_limit_storage_stops_the_app_at_start(
        self, services: Any, tmp_path: Any
    ) -> None:
        with pytest.raises(ConfigError) as exc:
            make_app(services, tmp_path, RATELIMIT_STORAGE_URI="nosuch://somewhere")
        assert exc.value.setting == "REVIDEO_RATELIMIT_STORAGE"

    def test_sign_up_is_rate_limited(self, services: Any, tmp_path: Any) -> None:
        app = make_app(services, tmp_path, RATELIMIT_REGISTER="2 per minute")
        client = app.test_client()
        codes = [register(client, email=f"n{i}@example.com").status_code for i in range(3)]
        assert codes == [302, 302, 429]
