"""In-memory outgoing webhooks (the RLS of webhook_endpoints/messages restated)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from revideo.adapters.memory.database import Repo
from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.webhooks import MessageStatus, WebhookEndpoint, WebhookMessage


class InMemoryWebhooks(Repo):
    def _own(self, user_id: str) -> bool:
        return self.tx.actor.system or user_id == self.tx.actor.user_id

    def _system(self, what: str) -> None:
        if not self.tx.actor.system:
            raise Forbidden(what, "webhook message", "queue")

    def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        if not self._own(endpoint.user_id) or self.tx.actor.user_id is None:
            raise Forbidden("create", "webhook endpoint", endpoint.id)
        stored = attrs.evolve(endpoint, created_at=endpoint.created_at or self.tx.now())
        self.t.webhook_endpoints[stored.id] = stored
        self.tx.stamp(stored.id)
        return stored

    def endpoints(self) -> builtins.list[WebhookEndpoint]:
        rows = [e for e in self.t.webhook_endpoints.values() if self._own(e.user_id)]
        return sorted(rows, key=lambda e: (e.created_at, self.t.seq.get(e.id, 0)))

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        found = self.t.webhook_endpoints.get(endpoint_id)
        if found is None or not self._own(found.user_id):
            raise NotFound("webhook endpoint", endpoint_id)
        return found

    def update_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        old = self.get_endpoint(endpoint.id)
        new = attrs.evolve(
            old, url=endpoint.url, events=endpoint.events, enabled=endpoint.enabled,
            failing_since=endpoint.failing_since, disabled_reason=endpoint.disabled_reason,
        )  # fmt: skip
        self.t.webhook_endpoints[new.id] = new
        return new

    def delete_endpoint(self, endpoint_id: str) -> None:
        self.get_endpoint(endpoint_id)
        del self.t.webhook_endpoints[endpoint_id]
        for key in [k for k, m in self.t.webhook_messages.items() if m.endpoint_id == endpoint_id]:
            del self.t.webhook_messages[key]

    def messages(self, endpoint_id: str, limit: int = 50) -> builtins.list[WebhookMessage]:
        self.get_endpoint(endpoint_id)
        rows = [m for m in self.t.webhook_messages.values() if m.endpoint_id == endpoint_id]
        rows.sort(key=lambda m: (m.created_at, self.t.seq.get(m.id, 0)), reverse=True)
        return rows[:limit]

    def get_message(self, message_id: str) -> WebhookMessage:
        found = self.t.webhook_messages.get(message_id)
        if found is None or not self._own(found.user_id):
            raise NotFound("webhook message", message_id)
        return found

    def save_message(self, message: WebhookMessage) -> WebhookMessage:
        old = self.get_message(message.id)
        new = attrs.evolve(
            old, status=message.status, attempts=message.attempts,
            next_attempt_at=message.next_attempt_at, last_status=message.last_status,
            last_response=message.last_response, delivered_at=message.delivered_at,
        )  # fmt: skip
        self.t.webhook_messages[new.id] = new
        return new

    def enqueue(
        self,
        user_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        dedupe_key: str,
        at: datetime,
        new_id: Any,
    ) -> int:
        self._system("queue")
        queued = 0
        for endpoint in list(self.t.webhook_endpoints.values()):
            if endpoint.user_id != user_id or not endpoint.wants(event_type):
                continue
            if any(
                m.endpoint_id == endpoint.id and m.dedupe_key == dedupe_key
                for m in self.t.webhook_messages.values()
            ):
                continue
            message = WebhookMessage(
                id=new_id(), endpoint_id=endpoint.id, user_id=user_id, event_type=event_type,
                payload=dict(payload), dedupe_key=dedupe_key, next_attempt_at=at,
                created_at=self.tx.now(),
            )  # fmt: skip
            self.t.webhook_messages[message.id] = message
            self.tx.stamp(message.id)
            queued += 1
        return queued

    def due(
        self, now: datetime, limit: int
    ) -> builtins.list[tuple[WebhookMessage, WebhookEndpoint]]:
        self._system("take")
        found = []
        for m in self.t.webhook_messages.values():
            endpoint = self.t.webhook_endpoints.get(m.endpoint_id)
            if (
                endpoint is not None and endpoint.enabled
                and m.status is MessageStatus.PENDING
                and m.next_attempt_at is not None and m.next_attempt_at <= now
            ):  # fmt: skip
                found.append((m, endpoint))
        found.sort(key=lambda pair: (pair[0].next_attempt_at, self.t.seq.get(pair[0].id, 0)))
        return found[:limit]
