"""revideo's own Identity: argon2 passwords, mailed confirmation and reset links."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from revideo.adapters.local_auth import rules, tokens
from revideo.adapters.local_auth.store import Credential, CredentialStore
from revideo.domain.errors import AuthError
from revideo.domain.profile import Role
from revideo.ports.clock import Clock, utcnow
from revideo.ports.identity import Session
from revideo.ports.mailer import Mailer

if TYPE_CHECKING:
    from argon2 import PasswordHasher

CONFIRM_FOR = timedelta(hours=24)
RESET_FOR = timedelta(hours=1)


class LocalIdentity:
    """The Identity port over a CredentialStore; mails go through the Mailer port."""

    def __init__(
        self,
        store: CredentialStore,
        mailer: Mailer,
        *,
        secret: bytes | None = None,
        clock: Clock = utcnow,
        hasher: PasswordHasher | None = None,
    ) -> None:
        from argon2 import PasswordHasher

        self.store = store
        self.mailer = mailer
        self.secret = secret or b""
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self._dummy = ""

    def sign_up(self, email: str, password: str, full_name: str, confirm_url: str) -> str:
        """Create an unconfirmed user and mail the confirmation link; return the user id."""
        address = rules.clean_email(email)
        rules.check_password(password)
        user_id = self.store.create(address, self.hasher.hash(password), full_name.strip()[:200])
        self._send_confirmation(self._get(user_id), confirm_url)
        return user_id

    def create_user(
        self, email: str, password: str, full_name: str = "", role: Role = Role.USER
    ) -> str:
        """Create a confirmed user with a password (admin tools, demo data, tests)."""
        address = rules.clean_email(email)
        rules.check_password(password)
        user_id = self.store.create(address, self.hasher.hash(password), full_name.strip()[:200])
        self.store.confirm(user_id, self.clock())
        if role is not Role.USER:
            self.store.set_role(user_id, role)
        return user_id

    def confirm(self, token: str) -> Session:
        """Confirm an email address by the token from the mail (once)."""
        cred = self._by_token(tokens.CONFIRM, token)
        self.store.confirm(cred.user_id, self.clock())
        return self._session(cred)

    def sign_in(self, email: str, password: str) -> Session:
        """Check the password; AuthError invalid_credentials or email_not_confirmed."""
        try:
            address = rules.clean_email(email)
        except AuthError:
            raise AuthError("invalid_credentials", "wrong email or password") from None
        cred = self.store.by_email(address)
        if not self._verify(cred, password or ""):
            raise AuthError("invalid_credentials", "wrong email or password")
        assert cred is not None
        if cred.confirmed_at is None:
            raise AuthError("email_not_confirmed", "confirm your email address first")
        if self.hasher.check_needs_rehash(cred.password_hash):
            self.store.set_password(cred.user_id, self.hasher.hash(password))
        return self._session(cred)

    def refresh(self, session: Session) -> Session:
        """The session with the user's current role; invalid_token if the user is gone."""
        cred = self.store.by_id(session.user_id)
        if cred is None:
            raise AuthError("invalid_token", "this session is no longer valid")
        return self._session(cred)

    def sign_out(self, session: Session) -> None:
        """Nothing to revoke: the web session cookie is the only bearer."""

    def request_password_reset(self, email: str, reset_url: str) -> None:
        """Mail a reset link if the address is known; say nothing either way."""
        try:
            cred = self.store.by_email(rules.clean_email(email))
        except AuthError:
            return
        if cred is None:
            return
        token = tokens.make(self.secret, tokens.RESET, cred, self.clock() + RESET_FOR)
        body = (
            "Someone asked to reset the password of your revideo account.\n"
            f"Choose a new one here (valid for one hour):\n\n{_link(reset_url, token)}\n\n"
            "If it was not you, ignore this mail."
        )
        self.mailer.send(cred.email, "Reset your revideo password", body)

    def reset_password(self, token: str, new_password: str) -> None:
        """Set a new password by a reset token; the token (and older ones) stop working."""
        cred = self._by_token(tokens.RESET, token)
        rules.check_password(new_password)
        self.store.set_password(cred.user_id, self.hasher.hash(new_password))
        if cred.confirmed_at is None:  # the mail reached its owner: that confirms it
            self.store.confirm(cred.user_id, self.clock())

    def delete_user(self, user_id: str) -> None:
        self.store.delete(user_id)

    def _send_confirmation(self, cred: Credential, confirm_url: str) -> None:
        token = tokens.make(self.secret, tokens.CONFIRM, cred, self.clock() + CONFIRM_FOR)
        body = (
            "Welcome to revideo! Confirm your email address with this link "
            f"(valid for 24 hours):\n\n{_link(confirm_url, token)}\n"
        )
        self.mailer.send(cred.email, "Confirm your revideo account", body)

    def _by_token(self, purpose: str, token: str) -> Credential:
        cred = self.store.by_id(tokens.user_of(token))
        if cred is None:
            raise AuthError("invalid_token", "this link is not valid")
        tokens.check(self.secret, purpose, cred, token, self.clock())
        return cred

    def _verify(self, cred: Credential | None, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        if cred is None and not self._dummy:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        try:  # an unknown address costs the same as a wrong password
            ok = self.hasher.verify(cred.password_hash if cred else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return bool(ok) and cred is not None

    def _get(self, user_id: str) -> Credential:
        cred = self.store.by_id(user_id)
        if cred is None:
            raise AuthError("unavailable", "the new account could not be read back")
        return cred

    def _session(self, cred: Credential) -> Session:
        return Session(
            user_id=cred.user_id, email=cred.email, role=self.store.role_of(cred.user_id)
        )


def _link(url: str, token: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}token={token}"
