"""Personal access tokens through PostgREST (RLS of api_tokens: own rows only)."""

from __future__ import annotations

import builtins
from datetime import datetime

from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.postgres.tokens import token_from_row, token_values
from revideo.adapters.supabase.errors import rest_errors
from revideo.adapters.supabase.rest import RestTable
from revideo.domain.api_tokens import ApiToken
from revideo.domain.errors import Forbidden, NotFound


class RestApiTokens(RestTable[ApiToken]):
    table, kind = "api_tokens", "api token"
    to_domain = staticmethod(token_from_row)

    def add(self, token: ApiToken, submission_key: str | None = None) -> ApiToken:
        values = {**token_values(token), "submission_key": submission_key}
        if token.expires_at is not None:
            values["expires_at"] = token.expires_at.isoformat()
        return self.insert(values)

    def list(self) -> builtins.list[ApiToken]:
        request = self.query().select("*").eq("user_id", self.rest.actor.user_id or "")
        rows = self.rows(request.order("created_at", desc=True).order("id"))
        return [token_from_row(r) for r in rows]

    def revoke(self, token_id: str, at: datetime) -> ApiToken:
        if not (is_uuid(token_id) and self.rest.actor.user_id):
            raise NotFound(self.kind, token_id)
        found = self.rows(
            self.query().select("*").eq("id", token_id).eq("user_id", self.rest.actor.user_id)
        )
        if not found:
            raise NotFound(self.kind, token_id)
        if found[0].get("revoked_at") is not None:
            return token_from_row(found[0])
        return self.write(token_id, {"revoked_at": at.isoformat()})

    def use(self, token_hash: str, at: datetime) -> ApiToken | None:
        if not self.rest.actor.system:
            raise Forbidden("look up", self.kind, "by hash")
        found = self.rows(self.query().select("*").eq("token_hash", token_hash))
        if not found or not token_from_row(found[0]).live(at):
            return None
        request = self.query().update({"last_used_at": at.isoformat()}, returning="representation")
        with rest_errors(self.kind, "by hash"):
            rows = request.eq("id", found[0]["id"]).is_("revoked_at", "null").execute().data
        return token_from_row(rows[0]) if rows else None
