"""Personal access tokens: made and shown once, listed, revoked, and resolved to a user."""

from __future__ import annotations

import secrets
from datetime import datetime

import attrs

from revideo.domain.api_tokens import (
    TOKEN_PREFIX,
    ApiToken,
    hash_token,
    looks_like_token,
    token_name,
    token_scope,
)
from revideo.domain.errors import Duplicate, ValidationError
from revideo.domain.profile import Actor
from revideo.services._base import Context, signed_in
from revideo.services.properties import check_submission_key

SYSTEM = Actor.service()


@attrs.frozen
class NewToken:
    """A token just made: `secret` is the only time the token itself is known."""

    token: ApiToken
    secret: str


@attrs.frozen
class TokenUse:
    """Who a valid token acts for, and what it may do."""

    actor: Actor
    token: ApiToken


@attrs.frozen
class TokenService:
    ctx: Context

    def create(
        self,
        actor: Actor,
        name: str,
        scope: str,
        expires_at: datetime | None = None,
        submission_key: str | None = None,
    ) -> NewToken:
        """Make a token for the acting user; its secret is returned once and kept only hashed.

        A form's one-time `submission_key` used before is refused (the secret of the token it
        made was shown once, to the first submit, and cannot be shown again).
        """
        user_id = signed_in(actor)
        key = check_submission_key(submission_key)
        now = self.ctx.clock()
        if expires_at is not None and expires_at <= now:
            raise ValidationError("expires", "must be in the future")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            id=self.ctx.ids(),
            user_id=user_id,
            name=token_name(name),
            scope=token_scope(scope),
            token_hash=hash_token(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            expires_at=expires_at,
        )
        try:
            with self.ctx.uow(actor) as uow:
                stored = uow.api_tokens.add(token, key)
        except Duplicate:
            if key is None:
                raise
            raise ValidationError(
                "submission_key",
                "this form made its token already (shown once, on the first answer)",
            ) from None
        return NewToken(stored, secret)

    def list(self, actor: Actor) -> list[ApiToken]:
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            return uow.api_tokens.list()

    def revoke(self, actor: Actor, token_id: str) -> ApiToken:
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            return uow.api_tokens.revoke(token_id, self.ctx.clock())

    def authenticate(self, secret: str) -> TokenUse | None:
        """The user a live token acts for (its last use noted), or None.

        Only the lookup by hash runs as the system; everything the request then does
        runs as the returned actor, under row-level security.
        """
        if not looks_like_token(secret):
            return None
        with self.ctx.uow(SYSTEM) as uow:
            token = uow.api_tokens.use(hash_token(secret), self.ctx.clock())
            if token is None:
                return None
            profile = uow.profiles.get(token.user_id)
        return TokenUse(Actor.user(profile.id, profile.role, profile.email), token)
