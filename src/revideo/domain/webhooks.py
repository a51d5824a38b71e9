"""Outgoing webhooks (Standard Webhooks): endpoints, messages, retries with backoff."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import attrs

from revideo.domain.errors import ValidationError

EVENTS = ("video.completed", "video.failed", "kit.completed", "ads.imported")
# Standard Webhooks' suggested schedule (then given up): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
BACKOFF = tuple(
    timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000)
)  # fmt: skip
DISABLE_AFTER = timedelta(days=5)  # an endpoint failing this long is switched off
MAX_RESPONSE = 2000  # characters of an answer kept in the log


class MessageStatus(enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@attrs.frozen
class WebhookEndpoint:
    """Where a user wants events sent; `secret` (whsec_...) signs them."""

    id: str
    user_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    enabled: bool = True
    failing_since: datetime | None = None
    disabled_reason: str | None = None
    created_at: datetime | None = None

    def wants(self, event: str) -> bool:
        return self.enabled and event in self.events


@attrs.frozen
class WebhookMessage:
    """One event for one endpoint, and how its delivery went (the log)."""

    id: str
    endpoint_id: str
    user_id: str
    event_type: str
    payload: dict[str, Any]
    dedupe_key: str
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_status: int | None = None
    last_response: str | None = None
    created_at: datetime | None = None
    delivered_at: datetime | None = None


@attrs.frozen
class Answer:
    """What an endpoint answered: an HTTP status, or None when no answer came."""

    status: int | None
    body: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def check_url(raw: str) -> str:
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise ValidationError("url", "must be an http:// or https:// URL")
    if parts.username or parts.password:
        raise ValidationError("url", "must not carry a user name or password")
    return url


def check_events(raw: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    events = tuple(dict.fromkeys(e.strip() for e in raw if e.strip()))
    if not events:
        raise ValidationError("events", "choose at least one event")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError("events", f"unknown event {unknown[0]!r}: one of {', '.join(EVENTS)}")
    return events


def after_attempt(
    message: WebhookMessage, endpoint: WebhookEndpoint, answer: Answer, now: datetime
) -> tuple[WebhookMessage, WebhookEndpoint]:
    """The message and endpoint after one delivery attempt at `now`."""
    attempts = message.attempts + 1
    logged = attrs.evolve(
        message, attempts=attempts, last_status=answer.status,
        last_response=answer.body[:MAX_RESPONSE],
    )  # fmt: skip
    if answer.ok:
        done = attrs.evolve(
            logged, status=MessageStatus.DELIVERED, delivered_at=now, next_attempt_at=None
        )
        return done, attrs.evolve(endpoint, failing_since=None)
    failing_since = endpoint.failing_since or now
    if attempts > len(BACKOFF):
        logged = attrs.evolve(logged, status=MessageStatus.FAILED, next_attempt_at=None)
    else:
        logged = attrs.evolve(logged, next_attempt_at=now + BACKOFF[attempts - 1])
    endpoint = attrs.evolve(endpoint, failing_since=failing_since)
    if now - failing_since >= DISABLE_AFTER:
        days = DISABLE_AFTER.days
        reason = f"every delivery failed for {days} days (last answer: {answer.status or 'none'})"
        endpoint = attrs.evolve(endpoint, enabled=False, disabled_reason=reason)
    return logged, endpoint


def resent(message: WebhookMessage, now: datetime) -> WebhookMessage:
    """A message made due again by hand (from the UI): delivered once more, whatever it was."""
    return attrs.evolve(message, status=MessageStatus.PENDING, next_attempt_at=now)
