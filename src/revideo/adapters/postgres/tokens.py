"""Personal access tokens in public.api_tokens (RLS: a user's own rows only)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from revideo.adapters.postgres._table import Row, Table
from revideo.adapters.postgres.errors import is_uuid
from revideo.domain.api_tokens import ApiToken, TokenScope
from revideo.domain.errors import Forbidden, NotFound

COLUMNS = (
    "id", "user_id", "name", "scope", "token_hash", "prefix", "created_at", "expires_at",
    "last_used_at", "revoked_at",
)  # fmt: skip


def _when(value: Any) -> datetime | None:
    """A timestamp as psycopg (datetime) or PostgREST (ISO text) hands it over."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def token_from_row(row: Row) -> ApiToken:
    return ApiToken(
        id=str(row["id"]),
        user_id=str(row["user_id"]),
        name=row["name"],
        scope=TokenScope(row["scope"]),
        token_hash=row["token_hash"],
        prefix=row["prefix"],
        created_at=_when(row.get("created_at")),
        expires_at=_when(row.get("expires_at")),
        last_used_at=_when(row.get("last_used_at")),
        revoked_at=_when(row.get("revoked_at")),
    )


def token_values(token: ApiToken) -> Row:
    """The columns a new token is inserted with (created_at: the database's now())."""
    return {
        "id": token.id,
        "user_id": token.user_id,
        "name": token.name,
        "scope": token.scope.value,
        "token_hash": token.token_hash,
        "prefix": token.prefix,
        "expires_at": token.expires_at,
    }


class PostgresApiTokens(Table[ApiToken]):
    table, kind = "api_tokens", "api token"
    to_domain = staticmethod(token_from_row)

    def add(self, token: ApiToken, submission_key: str | None = None) -> ApiToken:
        values = {**token_values(token), "submission_key": submission_key}
        names = ", ".join(values)
        marks = ", ".join(f"%({k})s" for k in values)
        rows = self.rows(
            f"INSERT INTO public.api_tokens ({names}) VALUES ({marks}) RETURNING *", values
        )
        return token_from_row(rows[0])

    def list(self) -> builtins.list[ApiToken]:
        rows = self.select(
            "SELECT * FROM public.api_tokens WHERE user_id = %s ORDER BY created_at DESC, id",
            [self.actor.user_id],
        )
        return [token_from_row(r) for r in rows]

    def revoke(self, token_id: str, at: datetime) -> ApiToken:
        if not is_uuid(token_id):
            raise NotFound(self.kind, token_id)
        rows = self.rows(
            "UPDATE public.api_tokens SET revoked_at = coalesce(revoked_at, %s)"
            " WHERE id = %s AND user_id = %s RETURNING *",
            [at, token_id, self.actor.user_id],
        )
        if not rows:
            raise NotFound(self.kind, token_id)
        return token_from_row(rows[0])

    def use(self, token_hash: str, at: datetime) -> ApiToken | None:
        if not self.actor.system:
            raise Forbidden("look up", self.kind, "by hash")
        rows = self.rows(
            "UPDATE public.api_tokens SET last_used_at = %s WHERE token_hash = %s"
            " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > %s) RETURNING *",
            [at, token_hash, at],
        )
        return token_from_row(rows[0]) if rows else None
