"""revideo's own auth over the in-memory database: sign-up, confirm, sign-in, reset."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from revideo.adapters.local_auth import identity_for
from revideo.adapters.local_auth.rules import check_password, clean_email
from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.store import OutboxMailer
from revideo.domain.errors import AuthError
from revideo.domain.profile import Actor, Role
from tests.support import Clock

CONFIRM = "http://127.0.0.1/auth/callback"
RESET = "http://127.0.0.1/auth/reset"
GOOD = "correct-horse-7"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # same scheme, cheap


def token_in(mailer: OutboxMailer) -> str:
    found = re.search(r"[?&]token=(\S+)", mailer.outbox[-1].body)
    assert found, mailer.outbox[-1].body
    return found[1]


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    clock = Clock()
    db = InMemoryDatabase(clock=clock)
    mailer = OutboxMailer()
    return clock, db, mailer, identity_for(db, mailer, secret="s3cret", clock=clock, hasher=FAST)


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthError) as info:
        call()
    return info.value.code


class TestSignUpAndConfirm:
    def test_sign_up_makes_a_profile_and_mails_a_link(self, world) -> None:  # type: ignore[no-untyped-def]
        _, db, mailer, ident = world
        uid = ident.sign_up(" Ann@Example.COM ", GOOD, "Ann Lee", CONFIRM)
        with db.unit_of_work(Actor.service()) as uow:
            profile = uow.profiles.get(uid)
        assert (profile.email, profile.full_name, profile.role) == (
            "ann@example.com",
            "Ann Lee",
            Role.USER,
        )
        assert mailer.outbox[-1].to == "ann@example.com"
        assert mailer.outbox[-1].body.count(CONFIRM + "?token=") == 1

    def test_cannot_sign_in_before_confirming(self, world) -> None:  # type: ignore[no-untyped-def]
        ident = world[3]
        ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        assert code_of(lambda: ident.sign_in("ann@example.com", GOOD)) == "email_not_confirmed"

    def test_confirm_once_then_sign_in(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        uid = ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        token = token_in(mailer)
        assert ident.confirm(token).user_id == uid
        assert code_of(lambda: ident.confirm(token)) == "invalid_token"
        session = ident.sign_in("ANN@example.com", GOOD)
        assert (session.user_id, session.email, session.role) == (uid, "ann@example.com", Role.USER)

    def test_confirmation_expires(self, world) -> None:  # type: ignore[no-untyped-def]
        clock, _, mailer, ident = world
        ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        clock.advance(hours=25)
        assert code_of(lambda: ident.confirm(token_in(mailer))) == "invalid_token"

    def test_tampered_token_is_refused(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        uid, expiry, sig = token_in(mailer).split(".")
        later = f"{uid}.{int(expiry) + 9999}.{sig}"
        for bad in (later, "garbage", "", f"{uid}..{sig}", f"nobody.{expiry}.{sig}"):
            assert code_of(lambda bad=bad: ident.confirm(bad)) == "invalid_token"

    def test_duplicate_email_any_case(self, world) -> None:  # type: ignore[no-untyped-def]
        ident = world[3]
        ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        assert code_of(lambda: ident.sign_up("ANN@example.com", GOOD, "", CONFIRM)) == "user_exists"

    def test_bad_input_creates_nothing(self, world) -> None:  # type: ignore[no-untyped-def]
        _, db, mailer, ident = world
        assert code_of(lambda: ident.sign_up("not-an-email", GOOD, "", CONFIRM)) == "invalid_email"
        assert code_of(lambda: ident.sign_up("a@b.co", "short1", "", CONFIRM)) == "weak_password"
        assert db.tables.profiles == {} and mailer.outbox == []


class TestSignIn:
    def test_wrong_password_and_unknown_user_look_the_same(self, world) -> None:  # type: ignore[no-untyped-def]
        ident = world[3]
        ident.create_user("bob@example.com", GOOD)
        assert (
            code_of(lambda: ident.sign_in("bob@example.com", GOOD + "x")) == "invalid_credentials"
        )
        assert code_of(lambda: ident.sign_in("eve@example.com", GOOD)) == "invalid_credentials"
        assert code_of(lambda: ident.sign_in("", "")) == "invalid_credentials"

    def test_role_comes_from_the_profile(self, world) -> None:  # type: ignore[no-untyped-def]
        _, db, _, ident = world
        uid = ident.create_user("root@example.com", GOOD, role=Role.ADMIN)
        assert ident.sign_in("root@example.com", GOOD).role is Role.ADMIN
        with db.unit_of_work(Actor.service()) as uow:
            uow.profiles.set_role(uid, Role.USER)
        assert ident.refresh(ident.sign_in("root@example.com", GOOD)).role is Role.USER

    def test_two_identities_on_one_database_share_users(self, world) -> None:  # type: ignore[no-untyped-def]
        _, db, mailer, ident = world
        ident.create_user("bob@example.com", GOOD)
        other = identity_for(db, mailer, secret="s3cret", hasher=FAST)
        assert other.sign_in("bob@example.com", GOOD).email == "bob@example.com"


class TestPasswordReset:
    def test_reset_works_once_and_voids_the_old_password(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.create_user("bob@example.com", GOOD)
        ident.request_password_reset("bob@example.com", RESET)
        token = token_in(mailer)
        assert mailer.outbox[-1].body.count(RESET + "?token=") == 1
        ident.reset_password(token, "new-pass-word-9")
        assert code_of(lambda: ident.reset_password(token, "another-pass-3")) == "invalid_token"
        assert code_of(lambda: ident.sign_in("bob@example.com", GOOD)) == "invalid_credentials"
        assert ident.sign_in("bob@example.com", "new-pass-word-9").email == "bob@example.com"

    def test_older_links_die_with_a_password_change(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.create_user("bob@example.com", GOOD)
        ident.request_password_reset("bob@example.com", RESET)
        first = token_in(mailer)
        ident.request_password_reset("bob@example.com", RESET)
        ident.reset_password(token_in(mailer), "new-pass-word-9")
        assert code_of(lambda: ident.reset_password(first, "x-pass-word-9")) == "invalid_token"

    def test_weak_new_password_keeps_the_token_usable(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.create_user("bob@example.com", GOOD)
        ident.request_password_reset("bob@example.com", RESET)
        token = token_in(mailer)
        assert code_of(lambda: ident.reset_password(token, "123")) == "weak_password"
        ident.reset_password(token, "new-pass-word-9")

    def test_reset_link_expires_after_an_hour(self, world) -> None:  # type: ignore[no-untyped-def]
        clock, _, mailer, ident = world
        ident.create_user("bob@example.com", GOOD)
        ident.request_password_reset("bob@example.com", RESET)
        clock.advance(minutes=61)
        assert (
            code_of(lambda: ident.reset_password(token_in(mailer), "new-pass-9")) == "invalid_token"
        )

    def test_unknown_address_gets_no_mail_and_no_error(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.request_password_reset("nobody@example.com", RESET)
        ident.request_password_reset("not an email", RESET)
        assert mailer.outbox == []

    def test_a_confirm_token_is_no_reset_token(self, world) -> None:  # type: ignore[no-untyped-def]
        _, _, mailer, ident = world
        ident.sign_up("ann@example.com", GOOD, "", CONFIRM)
        token = token_in(mailer)
        assert code_of(lambda: ident.reset_password(token, "new-pass-word-9")) == "invalid_token"


class TestRules:
    @given(st.text(max_size=7))
    @settings(max_examples=50)
    def test_short_passwords_are_weak(self, password: str) -> None:
        with pytest.raises(AuthError) as info:
            check_password(password)
        assert info.value.code == "weak_password"

    @given(st.text(alphabet=st.characters(categories=["L"]), min_size=8, max_size=40))
    @settings(max_examples=50)
    def test_letters_only_are_weak(self, password: str) -> None:
        with pytest.raises(AuthError):
            check_password(password)

    @given(st.from_regex(r"[a-z]{3,10}@[a-z]{2,10}\.[a-z]{2,5}", fullmatch=True))
    @settings(max_examples=50)
    def test_plain_addresses_are_accepted_lowercased(self, email: str) -> None:
        assert clean_email(" " + email.upper() + " ") == email

    @pytest.mark.parametrize("bad", ["", "a", "a@b", "@b.co", "a b@c.de", "a@b..c", "a@@b.co"])
    def test_malformed_addresses_are_refused(self, bad: str) -> None:
        with pytest.raises(AuthError) as info:
            clean_email(bad)
        assert info.value.code == "invalid_email"


def test_default_hasher_is_argon2id(world) -> None:  # type: ignore[no-untyped-def]
    _, db, mailer, _ = world
    ident = identity_for(db, mailer)
    ident.create_user("carl@example.com", GOOD)
    stored = ident.store.by_email("carl@example.com")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert GOOD not in stored.password_hash
    assert ident.sign_in("carl@example.com", GOOD).email == "carl@example.com"
