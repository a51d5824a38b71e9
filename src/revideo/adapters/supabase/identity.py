"""
Supabase Auth as the Identity port.

Supabase sends the confirmation and reset mails itself. For a server-side
app the project's email templates link back to us with the token hash
(docs/deploy-supabase.md): `{{ .RedirectTo }}?token={{ .TokenHash }}`, so
`confirm(token)` and `reset_password(token, ...)` verify it with
`verify_otp(token_hash=...)`, as Supabase's server-side auth guide does.
Errors become the same AuthError codes as revideo's own auth.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from revideo.adapters.local_auth import rules
from revideo.adapters.supabase.errors import translate_auth
from revideo.domain.errors import AuthError, Duplicate
from revideo.domain.profile import Role
from revideo.ports.identity import Session

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend


@contextmanager
def auth_errors() -> Iterator[None]:
    """Turn Supabase Auth and network failures into AuthError."""
    import httpx
    import pydantic
    from supabase_auth.errors import AuthError as SupabaseAuthError

    try:
        yield
    except (SupabaseAuthError, httpx.HTTPError) as exc:
        raise translate_auth(exc) from exc
    except pydantic.ValidationError as exc:  # an answer that is not Supabase Auth's
        raise AuthError("unavailable", f"unexpected answer from Supabase Auth: {exc}") from exc


class SupabaseIdentity:
    """Sign-up, sign-in, refresh, sign-out and password reset through Supabase Auth."""

    def __init__(self, backend: SupabaseBackend) -> None:
        self.backend = backend

    def sign_up(self, email: str, password: str, full_name: str, confirm_url: str) -> str:
        """Create an unconfirmed user; Supabase mails the link to `confirm_url`."""
        address = rules.clean_email(email)
        rules.check_password(password)
        options = {"data": {"full_name": full_name.strip()[:200]}, "email_redirect_to": confirm_url}
        with auth_errors():
            answer = self.backend.auth_client().sign_up(
                {"email": address, "password": password, "options": options}
            )
        user = answer.user
        if user is None or user.identities == []:  # Supabase's answer for a taken address
            raise AuthError("user_exists", "an account with this email exists already")
        return str(user.id)

    def create_user(
        self, email: str, password: str, full_name: str = "", role: Role = Role.USER
    ) -> str:
        """Create a confirmed user at once through the admin API (service role)."""
        address = rules.clean_email(email)
        rules.check_password(password)
        try:
            user_id = self.admin_create(address, password, full_name)
        except Duplicate:
            raise AuthError("user_exists", "an account with this email exists already") from None
        if role is not Role.USER:
            from revideo.domain.profile import Actor

            with self.backend.unit_of_work(Actor.service()) as uow:
                uow.profiles.set_role(user_id, role)
        return user_id

    def admin_create(
        self, email: str, password: str, full_name: str = "", user_id: str | None = None
    ) -> str:
        """The admin API's create_user, confirmed; Duplicate if the address is taken."""
        attributes: dict[str, Any] = {
            "email": email,
            "password": password,
            "email_confirm": True,
            "user_metadata": {"full_name": full_name.strip()[:200]},
        }
        if user_id:
            attributes["id"] = user_id
        try:
            with auth_errors():
                answer = self.backend.auth_client(admin=True).admin.create_user(attributes)
        except AuthError as exc:
            if exc.code == "user_exists":
                raise Duplicate("user", email) from None
            raise
        return str(answer.user.id)

    def confirm(self, token: str) -> Session:
        """Verify the token hash from the confirmation mail; the user is signed in."""
        return self._verify(token, "email")

    def sign_in(self, email: str, password: str) -> Session:
        with auth_errors():
            answer = self.backend.auth_client().sign_in_with_password(
                {"email": (email or "").strip().lower(), "password": password or ""}
            )
        return self._session(answer.session)

    def refresh(self, session: Session) -> Session:
        if not session.refresh_token:
            raise AuthError("invalid_token", "this session is no longer valid")
        with auth_errors():
            answer = self.backend.auth_client().refresh_session(session.refresh_token)
        return self._session(answer.session)

    def sign_out(self, session: Session) -> None:
        """Revoke the session's refresh tokens; forget it here either way."""
        self.backend.sessions.forget(session.user_id)
        if session.access_token:
            with auth_errors():
                self.backend.auth_client().admin.sign_out(session.access_token, "local")

    def request_password_reset(self, email: str, reset_url: str) -> None:
        """Ask Supabase to mail a reset link; unknown addresses are not revealed."""
        try:
            address = rules.clean_email(email)
        except AuthError:
            return
        try:
            with auth_errors():
                client = self.backend.auth_client()
                client.reset_password_for_email(address, {"redirect_to": reset_url})
        except AuthError as exc:
            if exc.code in ("rate_limited", "unavailable"):
                raise

    def reset_password(self, token: str, new_password: str) -> None:
        """Verify the recovery token hash, then set the new password as that user."""
        rules.check_password(new_password)
        client = self.backend.auth_client()
        with auth_errors():
            answer = client.verify_otp({"token_hash": token, "type": "recovery"})
            if answer.session is None:
                raise AuthError("invalid_token", "this link is not valid")
            client.update_user({"password": new_password})

    def delete_user(self, user_id: str) -> None:
        """The admin API's delete_user (service role); a missing user is not an error."""
        self.backend.sessions.forget(user_id)
        try:
            with auth_errors():
                self.backend.auth_client(admin=True).admin.delete_user(user_id)
        except AuthError as exc:
            if exc.code not in ("user_not_found", "invalid_token"):
                raise

    def session_for(self, user_id: str) -> Session:
        """A fresh session for a user, minted with the admin API (magic-link token)."""
        admin = self.backend.auth_client(admin=True).admin
        with auth_errors():
            email = admin.get_user_by_id(user_id).user.email
            link = admin.generate_link({"type": "magiclink", "email": email})
        return self._verify(link.properties.hashed_token, "magiclink")

    def _verify(self, token: str, kind: str) -> Session:
        if not token:
            raise AuthError("invalid_token", "this link is not valid")
        with auth_errors():
            answer = self.backend.auth_client().verify_otp({"token_hash": token, "type": kind})
        return self._session(answer.session)

    def _session(self, raw: Any) -> Session:
        if raw is None:
            raise AuthError("invalid_token", "no session was issued")
        session = Session(
            user_id=str(raw.user.id),
            email=str(raw.user.email or ""),
            role=self._role(str(raw.user.id), raw.access_token),
            access_token=raw.access_token,
            refresh_token=raw.refresh_token,
        )
        self.backend.sessions.remember(session)
        return session

    def _role(self, user_id: str, token: str) -> Role:
        """The user's role from their own profile row (RLS lets them read it)."""
        from postgrest import SyncPostgrestClient

        client = SyncPostgrestClient(
            f"{self.backend.url}/rest/v1",
            headers=self.backend.headers(token),
            http_client=self.backend.http,
            retry_enabled=False,
        )
        from revideo.adapters.supabase.errors import rest_errors

        with rest_errors("profile", user_id):
            rows: Any = client.table("profiles").select("role").eq("id", user_id).execute().data
        return Role(rows[0]["role"]) if rows else Role.USER
