"""WebhookSender over httpx, signed with the `standardwebhooks` package.

Headers as the Standard Webhooks spec names them: webhook-id (the message id, the same on
every retry, so receivers drop duplicates), webhook-timestamp (Unix seconds) and
webhook-signature (`v1,<base64 HMAC-SHA256>` of "id.timestamp.body" under the endpoint's
whsec_ secret). Endpoints on private, loopback or link-local addresses are refused unless
REVIDEO_FETCH_PRIVATE allows them (local use), like photos by URL; redirects are not followed.
The delivery connects to the very address that was checked, with the endpoint's own Host
header and TLS name: a second DNS lookup could answer otherwise ("rebinding"), and the
answer's text is shown to the user, so an unpinned request would read internal services.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from revideo.adapters.http_fetch import public_address
from revideo.domain.webhooks import Answer

USER_AGENT = "revideo-webhooks/1"


class HttpWebhookSender:
    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 10.0,
        allowed: Callable[[str], bool] = public_address,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.allowed = allowed  # which resolved addresses may be called
        self._http: httpx.Client | None = None

    def _client(self) -> httpx.Client:
        if self._http is None:  # one client (and TLS context) for every delivery
            self._http = httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False)
        return self._http

    def send(self, url: str, secret: str, message_id: str, body: str) -> Answer:
        from standardwebhooks import Webhook

        at = datetime.now(UTC)  # the real time of sending: receivers check it (5 min)
        target = self._target(url)
        if isinstance(target, str):
            return Answer(None, target)
        pinned, host, extensions = target
        headers = {
            **host,
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body),
        }
        try:
            answer = self._client().post(
                pinned, content=body.encode(), headers=headers, extensions=extensions
            )
        except httpx.HTTPError as exc:
            return Answer(None, f"no answer: {type(exc).__name__}: {exc}")
        return Answer(answer.status_code, answer.text[:2000])

    def _target(self, url: str) -> tuple[str, dict[str, str], dict[str, Any]] | str:
        """The URL to connect to (the checked address), the Host header and the TLS name;
        or why the endpoint is refused."""
        if self.allow_private:
            return url, {}, {}
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return f"the host {host!r} cannot be found"
        addresses = [str(info[4][0]) for info in found]
        if not addresses or not all(self.allowed(address) for address in addresses):
            return f"the host {host!r} is not a public address"
        ip = addresses[0]
        netloc = (f"[{ip}]" if ":" in ip else ip) + (f":{parts.port}" if parts.port else "")
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        tls = {"sni_hostname": host} if parts.scheme == "https" else {}
        return pinned, {"host": parts.netloc.rpartition("@")[2]}, tls
