"""In-memory personal access tokens (the RLS of api_tokens restated: own rows only)."""

from __future__ import annotations

import builtins
from datetime import datetime

import attrs

from revideo.adapters.memory.database import Repo
from revideo.domain.api_tokens import ApiToken
from revideo.domain.errors import Duplicate, Forbidden, NotFound


class InMemoryApiTokens(Repo):
    def _own(self, token: ApiToken) -> bool:
        return self.tx.actor.system or token.user_id == self.tx.actor.user_id

    def add(self, token: ApiToken, submission_key: str | None = None) -> ApiToken:
        if self.tx.actor.user_id is None or token.user_id != self.tx.actor.user_id:
            raise Forbidden("create", "api token", token.id)
        if token.user_id not in self.t.profiles:
            raise NotFound("profile", token.user_id)
        if any(t.token_hash == token.token_hash for t in self.t.api_tokens.values()):
            raise Duplicate("api token", token.prefix)
        self.tx.submit("api_tokens", token.user_id, submission_key, token.id)
        stored = attrs.evolve(token, created_at=token.created_at or self.tx.now())
        self.t.api_tokens[stored.id] = stored
        self.tx.stamp(stored.id)
        return stored

    def list(self) -> builtins.list[ApiToken]:
        rows = [t for t in self.t.api_tokens.values() if self._own(t)]
        seq = self.t.seq
        return sorted(rows, key=lambda t: (t.created_at, seq.get(t.id, 0)), reverse=True)

    def revoke(self, token_id: str, at: datetime) -> ApiToken:
        token = self.t.api_tokens.get(token_id)
        if token is None or not self._own(token):
            raise NotFound("api token", token_id)
        if token.revoked_at is None:
            token = attrs.evolve(token, revoked_at=at)
            self.t.api_tokens[token.id] = token
        return token

    def use(self, token_hash: str, at: datetime) -> ApiToken | None:
        if not self.tx.actor.system:
            raise Forbidden("look up", "api token", "by hash")
        for token in self.t.api_tokens.values():
            if token.token_hash == token_hash and token.live(at):
                used = attrs.evolve(token, last_used_at=at)
                self.t.api_tokens[used.id] = used
                return used
        return None
