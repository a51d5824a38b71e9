"""Outgoing webhook endpoints and messages: one contract on every backend."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.webhooks import MessageStatus, WebhookEndpoint
from tests.contract.conftest import SYSTEM, World

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def an_endpoint(owner: str, events: tuple[str, ...] = ("video.completed",)) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=str(uuid.uuid4()), user_id=owner, url="http://127.0.0.1:9/hook", events=events,
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    )  # fmt: skip


def ids() -> str:
    return str(uuid.uuid4())


class TestWebhooks:
    def test_events_reach_the_owners_endpoints_that_want_them_once(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            wants = uow.webhooks.add_endpoint(an_endpoint(world.alice.id))
            uow.webhooks.add_endpoint(an_endpoint(world.alice.id, ("video.failed",)))
        with world.uow(world.bob) as uow:
            uow.webhooks.add_endpoint(an_endpoint(world.bob.id))
        payload = {"type": "video.completed", "data": {"id": "v1", "n": 1}}
        with world.uow(SYSTEM) as uow:
            assert (
                uow.webhooks.enqueue(world.alice.id, "video.completed", payload, "k1", NOW, ids)
                == 1
            )
            assert (
                uow.webhooks.enqueue(world.alice.id, "video.completed", payload, "k1", NOW, ids)
                == 0
            )
            due = uow.webhooks.due(NOW, 10)
            assert uow.webhooks.due(NOW - timedelta(seconds=1), 10) == []
        assert [(m.endpoint_id, e.id, m.payload) for m, e in due] == [(wants.id, wants.id, payload)]
        with world.uow(world.alice) as uow:
            log = uow.webhooks.messages(wants.id)
        assert [m.status for m in log] == [MessageStatus.PENDING]

    def test_a_user_sees_and_changes_only_their_own(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            mine = uow.webhooks.add_endpoint(an_endpoint(world.alice.id))
        with world.uow(SYSTEM) as uow:
            uow.webhooks.enqueue(world.alice.id, "video.completed", {"a": 1}, "k", NOW, ids)
        with world.uow(world.alice) as uow:
            message = uow.webhooks.messages(mine.id)[0]
        with world.uow(world.bob) as uow:
            assert uow.webhooks.endpoints() == []
            for call in (
                lambda: uow.webhooks.get_endpoint(mine.id),
                lambda: uow.webhooks.messages(mine.id),
                lambda: uow.webhooks.get_message(message.id),
                lambda: uow.webhooks.save_message(attrs.evolve(message, attempts=9)),
                lambda: uow.webhooks.update_endpoint(attrs.evolve(mine, enabled=False)),
                lambda: uow.webhooks.delete_endpoint(mine.id),
            ):
                with pytest.raises(NotFound):
                    call()
        with pytest.raises(Forbidden), world.uow(world.bob) as uow:
            uow.webhooks.add_endpoint(an_endpoint(world.alice.id))
        with pytest.raises(Forbidden), world.uow(world.alice) as uow:
            uow.webhooks.enqueue(world.alice.id, "video.completed", {}, "x", NOW, ids)
        with world.uow(world.alice) as uow:
            assert uow.webhooks.get_endpoint(mine.id).enabled
            assert uow.webhooks.get_message(message.id).attempts == 0

    def test_attempts_are_logged_and_a_disabled_endpoint_gets_nothing(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            hook = uow.webhooks.add_endpoint(an_endpoint(world.alice.id))
        with world.uow(SYSTEM) as uow:
            uow.webhooks.enqueue(world.alice.id, "video.completed", {"a": 1}, "k", NOW, ids)
            message, _ = uow.webhooks.due(NOW, 10)[0]
            later = NOW + timedelta(minutes=5)
            uow.webhooks.save_message(
                attrs.evolve(message, attempts=1, last_status=500, last_response="oops",
                             next_attempt_at=later)
            )  # fmt: skip
            assert uow.webhooks.due(NOW, 10) == []
            uow.webhooks.update_endpoint(
                attrs.evolve(hook, enabled=False, failing_since=NOW, disabled_reason="dead")
            )
            assert uow.webhooks.due(later, 10) == []
            assert uow.webhooks.enqueue(world.alice.id, "video.completed", {}, "k2", NOW, ids) == 0
        with world.uow(world.alice) as uow:
            logged = uow.webhooks.get_message(message.id)
            off = uow.webhooks.get_endpoint(hook.id)
        assert (logged.attempts, logged.last_status, logged.last_response) == (1, 500, "oops")
        assert (off.enabled, off.failing_since, off.disabled_reason) == (False, NOW, "dead")
