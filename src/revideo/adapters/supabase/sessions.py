"""
Which JWT a request carries for an Actor.

An Actor names a user but carries no token, so the backend keeps each
signed-in user's Supabase session by user id (filled by sign-in, sign-up
confirmation, refresh and add_user). A session about to expire is
refreshed; a user with no session yet (a worker or CLI acting for them) gets
one from the admin API (a magic-link token verified at once), so RLS always
sees the user's own JWT. The system uses the service role key, anonymous
visitors the anon key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from revideo.domain.errors import ConfigError
from revideo.domain.profile import Actor
from revideo.ports.identity import Session

EARLY = 60  # seconds before expiry at which a session is refreshed


def expiry(token: str) -> float:
    """The `exp` claim of a JWT (not verified: the server does that)."""
    import jwt

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return 0.0
    return float(claims.get("exp") or 0)


class SessionBook:
    """Sessions by user id; thread-safe."""

    def __init__(
        self,
        anon_key: str,
        service_key: str | None,
        *,
        renew: Callable[[Session], Session],
        mint: Callable[[str], Session],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.anon_key = anon_key
        self.service_key = service_key
        self._renew = renew
        self._mint = mint
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def remember(self, session: Session) -> None:
        if session.access_token:
            with self._lock:
                self._sessions[session.user_id] = session

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._sessions.pop(user_id, None)

    def session(self, user_id: str) -> Session | None:
        with self._lock:
            return self._sessions.get(user_id)

    def token(self, actor: Actor) -> str:
        """The bearer token for `actor`'s requests."""
        if actor.system:
            if not self.service_key:
                raise ConfigError("SUPABASE_SERVICE_ROLE_KEY", "is needed for system jobs")
            return self.service_key
        if actor.user_id is None:
            return self.anon_key
        return self.user_token(actor.user_id)

    def user_token(self, user_id: str) -> str:
        found = self.session(user_id)
        if found is None:
            found = self._mint(user_id)
        elif expiry(found.access_token or "") - EARLY <= self._clock():
            found = self._renew(found)
        self.remember(found)
        return found.access_token or ""
