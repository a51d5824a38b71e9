"""Outgoing webhooks through PostgREST (RLS: own rows; queueing and taking: service role).

PostgREST has no SELECT ... FOR UPDATE SKIP LOCKED: `due` returns candidates, and the
delivery round's lease (an update of next_attempt_at that must still find the message
as it was) decides which worker sends it; see WebhookService.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from revideo.adapters.postgres.webhooks import (
    endpoint_changes,
    endpoint_from_row,
    message_changes,
    message_from_row,
)
from revideo.adapters.supabase.rest import Rest, RestTable
from revideo.domain.errors import Duplicate, Forbidden, NotFound
from revideo.domain.webhooks import WebhookEndpoint, WebhookMessage


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


class _Messages(RestTable[WebhookMessage]):
    table, kind = "webhook_messages", "webhook message"
    to_domain = staticmethod(message_from_row)


class RestWebhooks(RestTable[WebhookEndpoint]):
    table, kind = "webhook_endpoints", "webhook endpoint"
    to_domain = staticmethod(endpoint_from_row)

    def __init__(self, rest: Rest) -> None:
        super().__init__(rest)
        self.log = _Messages(rest)

    def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        return self.insert(
            {"id": endpoint.id, "user_id": endpoint.user_id, "url": endpoint.url,
             "events": list(endpoint.events), "secret": endpoint.secret}
        )  # fmt: skip

    def endpoints(self) -> builtins.list[WebhookEndpoint]:
        request = self.query().select("*").eq("user_id", self.rest.actor.user_id or "")
        return [endpoint_from_row(r) for r in self.rows(request.order("created_at").order("id"))]

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        return self.get(endpoint_id)

    def update_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        try:
            return self.write(endpoint.id, _json(endpoint_changes(endpoint)))
        except Forbidden:
            raise NotFound(self.kind, endpoint.id) from None

    def delete_endpoint(self, endpoint_id: str) -> None:
        try:
            self.delete(endpoint_id)
        except Forbidden:
            raise NotFound(self.kind, endpoint_id) from None

    def messages(self, endpoint_id: str, limit: int = 50) -> builtins.list[WebhookMessage]:
        self.get_endpoint(endpoint_id)
        request = self.log.query().select("*").eq("endpoint_id", endpoint_id)
        rows = self.log.rows(request.order("created_at", desc=True).order("id").limit(limit))
        return [message_from_row(r) for r in rows]

    def get_message(self, message_id: str) -> WebhookMessage:
        return self.log.get(message_id)

    def save_message(self, message: WebhookMessage) -> WebhookMessage:
        try:
            return self.log.write(message.id, _json(message_changes(message)))
        except Forbidden:
            raise NotFound(self.log.kind, message.id) from None

    def enqueue(
        self,
        user_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        dedupe_key: str,
        at: datetime,
        new_id: Any,
    ) -> int:
        if not self.rest.actor.system:
            raise Forbidden("queue", self.log.kind, event_type)
        request = self.query().select("*").eq("user_id", user_id).eq("enabled", True)
        queued = 0
        for row in self.rows(request.order("created_at")):
            if event_type not in row["events"]:
                continue
            try:
                self.log.insert(
                    {"id": new_id(), "endpoint_id": row["id"], "user_id": user_id,
                     "event_type": event_type, "payload": dict(payload),
                     "dedupe_key": dedupe_key, "next_attempt_at": at.isoformat()}
                )  # fmt: skip
                queued += 1
            except Duplicate:
                continue
        return queued

    def due(
        self, now: datetime, limit: int
    ) -> builtins.list[tuple[WebhookMessage, WebhookEndpoint]]:
        if not self.rest.actor.system:
            raise Forbidden("take", self.log.kind, "due")
        request = (
            self.log.query().select("*").eq("status", "pending")
            .lte("next_attempt_at", now.isoformat()).order("next_attempt_at").limit(limit)
        )  # fmt: skip
        found = []
        for row in self.log.rows(request):
            endpoint = endpoint_from_row(self.row(str(row["endpoint_id"])))
            if endpoint.enabled:
                found.append((message_from_row(row), endpoint))
        return found
