"""
The Supabase backend: data through PostgREST, auth through Supabase Auth,
files through Supabase Storage, all with supabase-py's clients over one
shared httpx.Client.

Construct with `SupabaseBackend.from_settings(settings)`, which fails at
start with one ConfigError naming the setting when the settings are partial,
a key is refused, or the project cannot be reached.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from revideo.adapters.supabase.sessions import SessionBook
from revideo.domain.errors import ConfigError
from revideo.domain.profile import Actor, Profile, Role
from revideo.ports.mailer import Mailer

if TYPE_CHECKING:
    import httpx

    from revideo.adapters.supabase.identity import SupabaseIdentity
    from revideo.adapters.supabase.storage import SupabaseMediaStore
    from revideo.adapters.supabase.uow import SupabaseUnitOfWork
    from revideo.settings import Settings

TIMEOUT = 20.0


class SupabaseBackend:
    """One Supabase project: `unit_of_work` is a UnitOfWorkFactory."""

    def __init__(
        self,
        url: str,
        anon_key: str,
        service_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        public_url: str = "http://127.0.0.1:8000",
        storage_timeout: float = 60.0,
    ) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.anon_key = anon_key
        self.service_key = service_key
        self.public_url = public_url.rstrip("/")
        self.storage_timeout = storage_timeout  # each resumable-upload request (TUS)
        self.http = httpx.Client(
            transport=transport, timeout=httpx.Timeout(TIMEOUT, connect=5.0), follow_redirects=True
        )
        self._identity: SupabaseIdentity | None = None
        self.sessions = SessionBook(anon_key, service_key, renew=self._renew, mint=self._mint)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.BaseTransport | None = None
    ) -> SupabaseBackend:
        """Check the settings and that the project answers; ConfigError naming what is wrong."""
        from revideo.adapters.supabase.checks import check_project, check_settings

        url, anon, service = check_settings(settings)
        backend = cls(
            url,
            anon,
            service,
            transport=transport,
            public_url=settings.public_url,
            storage_timeout=settings.storage_timeout,
        )
        try:
            check_project(backend)
        except BaseException:
            backend.close()
            raise
        return backend

    # ---- clients ------------------------------------------------------------
    def headers(self, token: str, key: str | None = None) -> dict[str, str]:
        return {"apikey": key or self.anon_key, "Authorization": f"Bearer {token}"}

    def rest_client(self, actor: Actor) -> Any:
        """A PostgREST client whose requests carry `actor`'s JWT."""
        from postgrest import SyncPostgrestClient

        token = self.sessions.token(actor)
        key = self.service_key if actor.system else self.anon_key
        return SyncPostgrestClient(
            f"{self.url}/rest/v1",
            headers=self.headers(token, key),
            http_client=self.http,
            retry_enabled=False,
        )

    def storage_client(self, actor: Actor) -> Any:
        from storage3 import SyncStorageClient

        token = self.sessions.token(actor)
        key = self.service_key if actor.system else self.anon_key
        return SyncStorageClient(
            f"{self.url}/storage/v1/", self.headers(token, key), http_client=self.http
        )

    def auth_client(self, *, admin: bool = False) -> Any:
        """A fresh Supabase Auth client: no shared session state between users."""
        from supabase_auth import SyncGoTrueClient

        if admin and not self.service_key:
            raise ConfigError("SUPABASE_SERVICE_ROLE_KEY", "is needed to manage users")
        key = (self.service_key if admin else self.anon_key) or ""
        return SyncGoTrueClient(
            url=f"{self.url}/auth/v1",
            headers=self.headers(key, key),
            http_client=self.http,
            auto_refresh_token=False,
            persist_session=False,
        )

    # ---- ports --------------------------------------------------------------
    def unit_of_work(self, actor: Actor) -> SupabaseUnitOfWork:
        from revideo.adapters.supabase.uow import SupabaseUnitOfWork

        return SupabaseUnitOfWork(self, actor)

    def identity(
        self, mailer: Mailer | None = None, *, secret: str | None = None
    ) -> SupabaseIdentity:
        """Supabase Auth as the Identity port (Supabase sends the mails and signs the links)."""
        if self._identity is None:
            from revideo.adapters.supabase.identity import SupabaseIdentity

            self._identity = SupabaseIdentity(self)
        return self._identity

    def media_store(self) -> SupabaseMediaStore:
        from revideo.adapters.supabase.storage import SupabaseMediaStore

        return SupabaseMediaStore(self)

    def add_user(
        self,
        email: str,
        *,
        role: Role = Role.USER,
        full_name: str = "",
        user_id: str | None = None,
        password: str | None = None,
    ) -> Profile:
        """Create a confirmed user through the admin API; the database trigger makes the profile."""
        secret = password or secrets.token_urlsafe(24) + "-9aA"
        new_id = self.identity().admin_create(email, secret, full_name, user_id)
        if role is not Role.USER:
            with self.unit_of_work(Actor.service()) as uow:
                uow.profiles.set_role(new_id, role)
        self.sessions.remember(self.identity().sign_in(email, secret))
        with self.unit_of_work(Actor.service()) as uow:
            return uow.profiles.get(new_id)

    def close(self) -> None:
        self.http.close()

    # ---- sessions -----------------------------------------------------------
    def _renew(self, session: Any) -> Any:
        return self.identity().refresh(session)

    def _mint(self, user_id: str) -> Any:
        return self.identity().session_for(user_id)
