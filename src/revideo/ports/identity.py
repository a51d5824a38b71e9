"""
Sign-up, sign-in and password reset.

Errors: AuthError with `code` one of: invalid_email, weak_password,
user_exists, invalid_credentials, email_not_confirmed, invalid_token,
rate_limited, unavailable.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from revideo.domain.profile import Role


@attrs.frozen
class Session:
    """A signed-in user; `access_token` is set where the backend issues one."""

    user_id: str
    email: str
    role: Role = Role.USER
    access_token: str | None = None
    refresh_token: str | None = None


class Identity(Protocol):
    def sign_up(self, email: str, password: str, full_name: str, confirm_url: str) -> str:
        """Create an unconfirmed user and send the confirmation link; return the user id.

        `confirm_url` is where the link points; the token is appended as `?token=`.
        """
        ...

    def create_user(
        self, email: str, password: str, full_name: str = "", role: Role = Role.USER
    ) -> str:
        """Create a confirmed user at once (CLI, seeding, admin); return the user id."""
        ...

    def confirm(self, token: str) -> Session:
        """Confirm an email address by the token from the mail."""
        ...

    def sign_in(self, email: str, password: str) -> Session: ...

    def refresh(self, session: Session) -> Session: ...

    def sign_out(self, session: Session) -> None: ...

    def request_password_reset(self, email: str, reset_url: str) -> None:
        """Mail a reset link if the address is known; say nothing either way."""
        ...

    def reset_password(self, token: str, new_password: str) -> None: ...

    def delete_user(self, user_id: str) -> None:
        """Remove an account for good: its profile and every row it owns go with it
        (ON DELETE CASCADE). Deleting a missing account is not an error."""
        ...
