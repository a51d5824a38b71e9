"""Personal access tokens: the same contract on every backend (RLS: own rows only)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from revideo.domain.api_tokens import ApiToken, TokenScope, hash_token
from revideo.domain.errors import Duplicate, Forbidden, NotFound
from tests.contract.conftest import SYSTEM, World

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def a_token(owner: str, secret: str, **changes: object) -> ApiToken:
    values: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "user_id": owner,
        "name": "CRM sync",
        "scope": TokenScope.WRITE,
        "token_hash": hash_token(secret),
        "prefix": secret[:10],
    }
    values.update(changes)
    return ApiToken(**values)  # type: ignore[arg-type]


class TestApiTokens:
    def test_a_user_lists_only_their_own_tokens_even_as_admin(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            mine = uow.api_tokens.add(a_token(world.alice.id, "rvd_alice_one"))
        with world.uow(world.bob) as uow:
            uow.api_tokens.add(a_token(world.bob.id, "rvd_bob_one"))
        with world.uow(world.alice) as uow:
            assert [t.id for t in uow.api_tokens.list()] == [mine.id]
        with world.uow(world.admin) as uow:
            assert uow.api_tokens.list() == []
        assert mine.created_at is not None and mine.scope is TokenScope.WRITE

    def test_nobody_creates_a_token_for_someone_else(self, world: World) -> None:
        with pytest.raises((Forbidden, NotFound)), world.uow(world.bob) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_forged"))
        with world.uow(world.alice) as uow:
            assert uow.api_tokens.list() == []

    def test_a_hash_is_taken_once(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_same"))
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_same"))

    def test_lookup_by_hash_notes_the_use_and_skips_dead_tokens(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            live = uow.api_tokens.add(a_token(world.alice.id, "rvd_live"))
            old = uow.api_tokens.add(
                a_token(world.alice.id, "rvd_old", expires_at=NOW - timedelta(days=1))
            )
        with world.uow(SYSTEM) as uow:
            used = uow.api_tokens.use(hash_token("rvd_live"), NOW)
            assert used is not None and used.id == live.id and used.last_used_at == NOW
            assert uow.api_tokens.use(hash_token("rvd_old"), NOW) is None
            assert uow.api_tokens.use(hash_token("rvd_never_made"), NOW) is None
        with world.uow(world.alice) as uow:
            assert {t.id: t.last_used_at for t in uow.api_tokens.list()} == {
                live.id: NOW,
                old.id: None,
            }

    def test_only_the_system_looks_tokens_up_by_hash(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_mine"))
        with pytest.raises(Forbidden), world.uow(world.alice) as uow:
            uow.api_tokens.use(hash_token("rvd_mine"), NOW)

    def test_a_revoked_token_stays_revoked_and_stops_working(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            token = uow.api_tokens.add(a_token(world.alice.id, "rvd_gone"))
        with world.uow(world.bob) as uow, pytest.raises(NotFound):
            uow.api_tokens.revoke(token.id, NOW)
        with world.uow(world.alice) as uow:
            first = uow.api_tokens.revoke(token.id, NOW)
            again = uow.api_tokens.revoke(token.id, NOW + timedelta(hours=1))
        assert first.revoked_at == NOW and again.revoked_at == NOW
        with world.uow(SYSTEM) as uow:
            assert uow.api_tokens.use(hash_token("rvd_gone"), NOW) is None
        with world.uow(world.alice) as uow, pytest.raises(NotFound):
            uow.api_tokens.revoke("not-a-uuid", NOW)


class TestTokenSubmissionKeys:
    def test_a_submission_key_makes_one_token(self, world: World) -> None:
        key = str(uuid.uuid4())
        with world.uow(world.alice) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_first"), key)
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.api_tokens.add(a_token(world.alice.id, "rvd_second"), key)
        with world.uow(world.bob) as uow:  # another user's key space
            uow.api_tokens.add(a_token(world.bob.id, "rvd_bobs"), key)
        with world.uow(world.alice) as uow:
            assert len(uow.api_tokens.list()) == 1
