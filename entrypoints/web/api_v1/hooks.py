"""/api/v1/webhooks: where revideo sends your events (Standard Webhooks)."""

from __future__ import annotations

from typing import Any

from .._support import svc
from . import bp
from ._core import api_actor, body, out
from .models import WebhookIn, WebhookList, WebhookOut
from .spec import operation

TAG = "webhooks"


@operation(bp, "GET", "/webhooks", tag=TAG, responses={200: WebhookList})
def list_webhooks() -> Any:
    """Your webhook endpoints."""
    return out(WebhookList, {"items": svc().webhooks.endpoints(api_actor())})


@operation(
    bp, "POST", "/webhooks", tag=TAG, body=WebhookIn, responses={201: WebhookOut, 200: WebhookOut}
)
def create_webhook() -> Any:
    """Register an endpoint for events (the same URL again returns the endpoint it has)."""
    data = body(WebhookIn)
    same = [e for e in svc().webhooks.endpoints(api_actor()) if e.url == data.url.strip()]
    if same:
        return out(WebhookOut, same[0])
    return out(WebhookOut, svc().webhooks.add_endpoint(api_actor(), data.url, data.events), 201)


@operation(bp, "DELETE", "/webhooks/<endpoint_id>", tag=TAG, responses={204: None})
def delete_webhook(endpoint_id: str) -> Any:
    """Stop sending events to an endpoint."""
    svc().webhooks.delete_endpoint(api_actor(), endpoint_id)
    return "", 204
