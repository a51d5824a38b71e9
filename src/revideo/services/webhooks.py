"""Outgoing webhooks: a user's endpoints, events queued with the change that causes them
(same transaction), and delivery with retries and backoff by the worker."""

from __future__ import annotations

import base64
import builtins
import contextlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from revideo.domain.errors import RevideoError
from revideo.domain.profile import Actor
from revideo.domain.video import Video, VideoStatus
from revideo.domain.webhooks import (
    WebhookEndpoint,
    WebhookMessage,
    after_attempt,
    check_events,
    check_url,
    resent,
)
from revideo.ports.mailer import Mailer
from revideo.ports.repositories import UnitOfWork
from revideo.ports.webhooks import WebhookSender
from revideo.services._base import Context, new_id, signed_in
from revideo.services._rounds import RoundResult

SYSTEM = Actor.service()
LEASE = timedelta(minutes=5)  # a taken message is not taken again while it is being sent


def queue_event(
    uow: UnitOfWork,
    user_id: str,
    event: str,
    data: Mapping[str, Any],
    dedupe_key: str,
    now: datetime,
) -> None:
    """Queue `event` for the user's endpoints in the caller's (system) transaction."""
    payload = {"type": event, "timestamp": now.isoformat(), "data": dict(data)}
    uow.webhooks.enqueue(user_id, event, payload, dedupe_key, now, new_id)


def video_event(uow: UnitOfWork, video: Video, now: datetime) -> None:
    """video.completed once a render is archived (or kept at the engine's link), video.failed
    when it fails; each once per render attempt."""
    if video.status is VideoStatus.FAILED:
        event = "video.failed"
    elif video.status is VideoStatus.COMPLETED:
        event = "video.completed"
    else:
        return
    data = {
        "id": video.id,
        "property_id": video.property_id,
        "title": video.title,
        "status": video.status.value,
        "video_url": video.video_url,
        "thumbnail_url": video.thumbnail_url,
        "error_message": video.error_message,
        "attempt": video.attempt_count,
    }
    key = f"{event}:{video.id}:{video.attempt_count}"
    queue_event(uow, video.user_id, event, data, key, now)


@attrs.frozen
class WebhookService:
    ctx: Context
    sender: WebhookSender
    mailer: Mailer | None = None

    # ---- a user's endpoints ----------------------------------------------------
    def add_endpoint(self, actor: Actor, url: str, events: builtins.list[str]) -> WebhookEndpoint:
        """A new endpoint with a fresh signing secret (whsec_..., shown on the settings page)."""
        endpoint = WebhookEndpoint(
            id=self.ctx.ids(),
            user_id=signed_in(actor),
            url=check_url(url),
            events=check_events(events),
            secret="whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
        )
        with self.ctx.uow(actor) as uow:
            return uow.webhooks.add_endpoint(endpoint)

    def endpoints(self, actor: Actor) -> builtins.list[WebhookEndpoint]:
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            return uow.webhooks.endpoints()

    def enable(self, actor: Actor, endpoint_id: str) -> WebhookEndpoint:
        """Switch a disabled endpoint back on (its failures forgotten)."""
        with self.ctx.uow(actor) as uow:
            endpoint = uow.webhooks.get_endpoint(endpoint_id)
            on = attrs.evolve(endpoint, enabled=True, failing_since=None, disabled_reason=None)
            return uow.webhooks.update_endpoint(on)

    def delete_endpoint(self, actor: Actor, endpoint_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            uow.webhooks.delete_endpoint(endpoint_id)

    def messages(self, actor: Actor, endpoint_id: str) -> builtins.list[WebhookMessage]:
        with self.ctx.uow(actor) as uow:
            return uow.webhooks.messages(endpoint_id)

    def resend(self, actor: Actor, message_id: str) -> WebhookMessage:
        """Send a message again with the next delivery round (same webhook-id)."""
        with self.ctx.uow(actor) as uow:
            message = uow.webhooks.get_message(message_id)
            return uow.webhooks.save_message(resent(message, self.ctx.clock()))

    # ---- the worker's ------------------------------------------------------------
    def deliver(self, limit: int = 50) -> RoundResult:
        """Send the due messages once each; failures wait their backoff (see domain)."""
        now = self.ctx.clock()
        with self.ctx.uow(SYSTEM) as uow:
            taken = uow.webhooks.due(now, limit)
            for message, _ in taken:
                uow.webhooks.save_message(attrs.evolve(message, next_attempt_at=now + LEASE))
        sent = failed = 0
        for message, endpoint in taken:
            body = json.dumps(message.payload, separators=(",", ":"))
            answer = self.sender.send(endpoint.url, endpoint.secret, message.id, body)
            done, after = after_attempt(message, endpoint, answer, self.ctx.clock())
            with self.ctx.uow(SYSTEM) as uow:
                uow.webhooks.save_message(done)
                current = uow.webhooks.get_endpoint(endpoint.id)
                if (current.enabled, current.failing_since) != (after.enabled, after.failing_since):
                    uow.webhooks.update_endpoint(
                        attrs.evolve(current, enabled=after.enabled and current.enabled,
                                     failing_since=after.failing_since,
                                     disabled_reason=after.disabled_reason)
                    )  # fmt: skip
                    if current.enabled and not after.enabled:
                        self._tell(uow, after)
            sent, failed = sent + answer.ok, failed + (not answer.ok)
        return RoundResult(checked=len(taken), changed=sent, failed=failed)

    def _tell(self, uow: UnitOfWork, endpoint: WebhookEndpoint) -> None:
        if self.mailer is None:
            return
        email = uow.profiles.get(endpoint.user_id).email
        with contextlib.suppress(RevideoError):  # the endpoint is off either way
            self.mailer.send(
                email,
                "revideo: a webhook endpoint was switched off",
                f"Deliveries to {endpoint.url} have failed for days, so revideo stopped sending "
                f"them ({endpoint.disabled_reason}). Fix the endpoint, then switch it back on "
                "in Settings → Webhooks; messages can be sent again from its log.",
            )
