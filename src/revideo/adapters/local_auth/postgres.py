"""Credentials in `auth.users` (encrypted_password, email_confirmed_at), written as the system."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from revideo.adapters.local_auth.store import Credential
from revideo.domain.errors import AuthError, Duplicate, RevideoError
from revideo.domain.profile import Actor, Role

_COLUMNS = "id::text AS id, email, coalesce(encrypted_password, '') AS hash, email_confirmed_at"


class PostgresCredentials:
    """The CredentialStore over a PostgresDatabase's pool; the profile comes from the trigger."""

    def __init__(self, backend: Any) -> None:
        self.pool = backend.pool

    @contextmanager
    def _system(self) -> Iterator[Any]:
        from revideo.adapters.postgres.database import begin_as
        from revideo.adapters.postgres.errors import database_errors

        with database_errors("user"), self.pool.connection() as conn, conn.transaction():
            begin_as(conn, Actor.service())
            yield conn

    def create(self, email: str, password_hash: str, full_name: str) -> str:
        new_id = str(uuid.uuid4())
        try:
            with self._system() as conn:
                if self._row(conn, "lower(email) = lower(%s)", email) is not None:
                    raise Duplicate("user", email)
                conn.execute(
                    "INSERT INTO auth.users (id, aud, role, email, encrypted_password,"
                    " raw_user_meta_data) VALUES"
                    " (%s, 'authenticated', 'authenticated', %s, %s, %s::jsonb)",
                    [new_id, email, password_hash, json.dumps({"full_name": full_name})],
                )
        except Duplicate:
            raise AuthError("user_exists", "an account with this email exists") from None
        except RevideoError as exc:
            raise AuthError("unavailable", f"the account could not be created: {exc}") from None
        return new_id

    def by_email(self, email: str) -> Credential | None:
        with self._system() as conn:
            return self._row(conn, "lower(email) = lower(%s) AND deleted_at IS NULL", email)

    def by_id(self, user_id: str) -> Credential | None:
        try:
            uuid.UUID(user_id)
        except ValueError:
            return None
        with self._system() as conn:
            return self._row(conn, "id = %s AND deleted_at IS NULL", user_id)

    def confirm(self, user_id: str, at: datetime) -> None:
        with self._system() as conn:
            conn.execute(
                "UPDATE auth.users SET email_confirmed_at = %s, updated_at = now() WHERE id = %s",
                [at, user_id],
            )

    def set_password(self, user_id: str, password_hash: str) -> None:
        with self._system() as conn:
            conn.execute(
                "UPDATE auth.users SET encrypted_password = %s, updated_at = now() WHERE id = %s",
                [password_hash, user_id],
            )

    def role_of(self, user_id: str) -> Role:
        with self._system() as conn:
            row = conn.execute("SELECT role FROM public.profiles WHERE id = %s", [user_id])
            found = row.fetchone()
        return Role(found["role"]) if found else Role.USER

    def set_role(self, user_id: str, role: Role) -> None:
        with self._system() as conn:
            conn.execute(
                "UPDATE public.profiles SET role = %s WHERE id = %s", [role.value, user_id]
            )

    def delete(self, user_id: str) -> None:
        try:
            uuid.UUID(user_id)
        except ValueError:
            return
        with self._system() as conn:
            conn.execute("DELETE FROM auth.users WHERE id = %s", [user_id])

    @staticmethod
    def _row(conn: Any, where: str, value: str) -> Credential | None:
        row = conn.execute(f"SELECT {_COLUMNS} FROM auth.users WHERE {where}", [value]).fetchone()
        if row is None:
            return None
        return Credential(row["id"], row["email"], row["hash"], row["email_confirmed_at"])
