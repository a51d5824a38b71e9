"""Outgoing webhooks in public.webhook_endpoints and public.webhook_messages (RLS: own rows;
queueing and taking due messages: service_role)."""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from revideo.adapters.postgres._table import Row, Table
from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.postgres.tokens import _when
from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.webhooks import MessageStatus, WebhookEndpoint, WebhookMessage


def endpoint_from_row(row: Row) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=str(row["id"]), user_id=str(row["user_id"]), url=row["url"],
        events=tuple(row["events"]), secret=row["secret"], enabled=row["enabled"],
        failing_since=_when(row.get("failing_since")),
        disabled_reason=row.get("disabled_reason"), created_at=_when(row.get("created_at")),
    )  # fmt: skip


def message_from_row(row: Row) -> WebhookMessage:
    payload = row["payload"]
    return WebhookMessage(
        id=str(row["id"]), endpoint_id=str(row["endpoint_id"]), user_id=str(row["user_id"]),
        event_type=row["event_type"],
        payload=json.loads(payload) if isinstance(payload, str) else payload,
        dedupe_key=row["dedupe_key"], status=MessageStatus(row["status"]),
        attempts=row["attempts"], next_attempt_at=_when(row.get("next_attempt_at")),
        last_status=row.get("last_status"), last_response=row.get("last_response"),
        created_at=_when(row.get("created_at")), delivered_at=_when(row.get("delivered_at")),
    )  # fmt: skip


def message_changes(message: WebhookMessage) -> Row:
    return {
        "status": message.status.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "last_status": message.last_status,
        "last_response": message.last_response,
        "delivered_at": message.delivered_at,
    }


def endpoint_changes(endpoint: WebhookEndpoint) -> Row:
    return {
        "url": endpoint.url,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
        "failing_since": endpoint.failing_since,
        "disabled_reason": endpoint.disabled_reason,
    }


class PostgresWebhooks(Table[WebhookEndpoint]):
    table, kind = "webhook_endpoints", "webhook endpoint"
    to_domain = staticmethod(endpoint_from_row)

    def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        rows = self.rows(
            "INSERT INTO public.webhook_endpoints (id, user_id, url, events, secret)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING *",
            [endpoint.id, endpoint.user_id, endpoint.url, list(endpoint.events), endpoint.secret],
        )
        return endpoint_from_row(rows[0])

    def endpoints(self) -> builtins.list[WebhookEndpoint]:
        rows = self.select(
            "SELECT * FROM public.webhook_endpoints WHERE user_id = %s ORDER BY created_at, id",
            [self.actor.user_id],
        )
        return [endpoint_from_row(r) for r in rows]

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        return endpoint_from_row(self.row(endpoint_id))

    def update_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        values = endpoint_changes(endpoint)
        sets = ", ".join(f"{k} = %({k})s" for k in values)
        rows = (
            self.rows(
                f"UPDATE public.webhook_endpoints SET {sets} WHERE id = %(id)s RETURNING *",
                {**values, "id": endpoint.id},
            )
            if is_uuid(endpoint.id)
            else []
        )
        if not rows:
            raise NotFound(self.kind, endpoint.id)
        return endpoint_from_row(rows[0])

    def delete_endpoint(self, endpoint_id: str) -> None:
        rows = (
            self.rows(
                "DELETE FROM public.webhook_endpoints WHERE id = %s RETURNING id", [endpoint_id]
            )
            if is_uuid(endpoint_id)
            else []
        )
        if not rows:
            raise NotFound(self.kind, endpoint_id)

    def messages(self, endpoint_id: str, limit: int = 50) -> builtins.list[WebhookMessage]:
        self.get_endpoint(endpoint_id)
        rows = self.select(
            "SELECT * FROM public.webhook_messages WHERE endpoint_id = %s"
            " ORDER BY created_at DESC, id LIMIT %s",
            [endpoint_id, limit],
        )
        return [message_from_row(r) for r in rows]

    def get_message(self, message_id: str) -> WebhookMessage:
        rows = (
            self.select("SELECT * FROM public.webhook_messages WHERE id = %s", [message_id])
            if is_uuid(message_id)
            else []
        )
        if not rows:
            raise NotFound("webhook message", message_id)
        return message_from_row(rows[0])

    def save_message(self, message: WebhookMessage) -> WebhookMessage:
        values = message_changes(message)
        sets = ", ".join(f"{k} = %({k})s" for k in values)
        rows = (
            self.rows(
                f"UPDATE public.webhook_messages SET {sets} WHERE id = %(id)s RETURNING *",
                {**values, "id": message.id},
            )
            if is_uuid(message.id)
            else []
        )
        if not rows:
            raise NotFound("webhook message", message.id)
        return message_from_row(rows[0])

    def enqueue(
        self,
        user_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        dedupe_key: str,
        at: datetime,
        new_id: Any,
    ) -> int:
        if not self.actor.system:
            raise Forbidden("queue", "webhook message", event_type)
        queued = 0
        for endpoint in self.select(
            "SELECT id FROM public.webhook_endpoints WHERE user_id = %s AND enabled"
            " AND %s = ANY (events) ORDER BY created_at, id",
            [user_id, event_type],
        ):
            queued += len(
                self.rows(
                    "INSERT INTO public.webhook_messages (id, endpoint_id, user_id, event_type,"
                    " payload, dedupe_key, next_attempt_at) VALUES (%s, %s, %s, %s, %s::jsonb,"
                    " %s, %s) ON CONFLICT (endpoint_id, dedupe_key) DO NOTHING RETURNING id",
                    [
                        new_id(),
                        endpoint["id"],
                        user_id,
                        event_type,
                        json.dumps(dict(payload)),
                        dedupe_key,
                        at,
                    ],
                )
            )
        return queued

    def due(
        self, now: datetime, limit: int
    ) -> builtins.list[tuple[WebhookMessage, WebhookEndpoint]]:
        if not self.actor.system:
            raise Forbidden("take", "webhook message", "due")
        rows = self.rows(
            "SELECT m.* FROM public.webhook_messages m JOIN public.webhook_endpoints e"
            " ON e.id = m.endpoint_id WHERE m.status = 'pending' AND e.enabled"
            " AND m.next_attempt_at <= %s ORDER BY m.next_attempt_at, m.id LIMIT %s"
            " FOR UPDATE OF m SKIP LOCKED",
            [now, limit],
        )
        messages = [message_from_row(r) for r in rows]
        ids = list({m.endpoint_id for m in messages})
        found = self.rows(
            "SELECT * FROM public.webhook_endpoints WHERE id = ANY(%s::uuid[])", [ids]
        )
        endpoints = {str(r["id"]): endpoint_from_row(r) for r in found}
        return [(m, endpoints[m.endpoint_id]) for m in messages]
