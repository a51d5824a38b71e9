"""WebhookSender over httpx, signed with the `standardwebhooks` package.

Headers as the Standard Webhooks spec names them: webhook-id (the message id, the same on
every retry, so receivers drop duplicates), webhook-timestamp (Unix seconds) and
webhook-signature (`v1,<base64 HMAC-SHA256>` of "id.timestamp.body" under the endpoint's
whsec_ secret). Endpoints on private, loopback or link-local addresses are refused unless
REVIDEO_FETCH_PRIVATE allows them (local use), like photos by URL; redirects are not followed.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from revideo.adapters.http_fetch import public_address
from revideo.domain.webhooks import Answer

USER_AGENT = "revideo-webhooks/1"


class HttpWebhookSender:
    def __init__(self, *, allow_private: bool = False, timeout: float = 10.0) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._http: httpx.Client | None = None

    def _client(self) -> httpx.Client:
        if self._http is None:  # one client (and TLS context) for every delivery
            self._http = httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False)
        return self._http

    def send(self, url: str, secret: str, message_id: str, body: str) -> Answer:
        from standardwebhooks import Webhook

        at = datetime.now(UTC)  # the real time of sending: receivers check it (5 min)
        refused = self._refused(url)
        if refused:
            return Answer(None, refused)
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body),
        }
        try:
            answer = self._client().post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return Answer(None, f"no answer: {type(exc).__name__}: {exc}")
        return Answer(answer.status_code, answer.text[:2000])

    def _refused(self, url: str) -> str | None:
        if self.allow_private:
            return None
        host = urlsplit(url).hostname or ""
        try:
            found = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return f"the host {host!r} cannot be found"
        if not found or not all(public_address(str(info[4][0])) for info in found):
            return f"the host {host!r} is not a public address"
        return None
