"""
Outgoing webhooks behind the unit of work (errors as in repositories.py), and the port
that delivers them.

A user sees and changes only their own endpoints and messages; queueing events and
taking due messages is the system's (the worker's).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from revideo.domain.webhooks import Answer, WebhookEndpoint, WebhookMessage


class WebhookRepository(Protocol):
    def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint: ...
    def endpoints(self) -> builtins.list[WebhookEndpoint]:
        """The actor's endpoints, oldest first."""
        ...

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint: ...
    def update_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        """Save url, events, enabled, failing_since and disabled_reason."""
        ...

    def delete_endpoint(self, endpoint_id: str) -> None: ...
    def messages(self, endpoint_id: str, limit: int = 50) -> builtins.list[WebhookMessage]:
        """An endpoint's messages, newest first (its delivery log)."""
        ...

    def get_message(self, message_id: str) -> WebhookMessage: ...
    def save_message(self, message: WebhookMessage) -> WebhookMessage:
        """Save status, attempts, next attempt, last answer and delivery time."""
        ...

    # ---- the system's ----------------------------------------------------------
    def enqueue(
        self,
        user_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        dedupe_key: str,
        at: datetime,
        new_id: Any,
    ) -> int:
        """Queue the event for each of the user's enabled endpoints that wants it, due at
        `at`; an endpoint that has a message with this `dedupe_key` gets none. `new_id()`
        names each message. Returns how many were queued."""
        ...

    def due(
        self, now: datetime, limit: int
    ) -> builtins.list[tuple[WebhookMessage, WebhookEndpoint]]:
        """Pending messages due by `now` of enabled endpoints, oldest first, each held
        until the unit of work ends (FOR UPDATE SKIP LOCKED where the store can)."""
        ...


class WebhookSender(Protocol):
    def send(self, url: str, secret: str, message_id: str, body: str) -> Answer:
        """POST `body` signed with Standard Webhooks' headers, stamped with the time it is
        sent (receivers refuse old stamps); any failure is an Answer (status None when
        nothing came back), never an exception."""
        ...
