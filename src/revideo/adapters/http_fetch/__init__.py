"""
RemoteFetcher over httpx, guarded against server-side request forgery.

The host name is resolved first and every address it has must be public; the
address the connection actually reached is checked again before the body is
read (a DNS answer that changes in between, "rebinding", gains nothing).
Redirects are followed by hand, a few at most, each target checked the same way.
The body is streamed and cut off at the size limit; one deadline covers the
whole fetch.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Collection
from urllib.parse import urljoin, urlsplit

import httpx

from revideo.domain.errors import ValidationError

MAX_REDIRECTS = 3


def public_address(address: str) -> bool:
    """An address on the public internet (not private, loopback, link-local, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class HttpFetcher:
    """A RemoteFetcher; `allow_private` (REVIDEO_FETCH_PRIVATE) is for local use only."""

    def __init__(self, *, allow_private: bool = False, timeout: float = 15.0) -> None:
        self.allow_private = allow_private
        self.timeout = timeout

    def fetch(self, url: str, *, field: str, types: Collection[str], max_bytes: int) -> bytes:
        deadline = time.monotonic() + self.timeout
        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False) as http:
            for _ in range(MAX_REDIRECTS + 1):
                self._check_url(url, field)
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    with http.stream("GET", url, timeout=left) as response:
                        self._check_peer(response, field)
                        if response.is_redirect and "location" in response.headers:
                            url = urljoin(url, response.headers["location"])
                            continue
                        return self._body(response, field, types, max_bytes, deadline)
                except httpx.TimeoutException:
                    break
                except httpx.HTTPError as exc:
                    raise ValidationError(field, f"could not be fetched: {exc}") from None
            else:
                raise ValidationError(field, f"redirects more than {MAX_REDIRECTS} times")
        raise ValidationError(field, f"took longer than {self.timeout:g} seconds to fetch")

    def _check_url(self, url: str, field: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(field, "must be an http:// or https:// URL")
        if parts.username or parts.password:
            raise ValidationError(field, "must not carry a user name or password")
        if self.allow_private:
            return
        try:
            found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise ValidationError(field, "names a host that cannot be found") from None
        if not found or not all(public_address(str(info[4][0])) for info in found):
            raise ValidationError(field, "must point at a public address")

    def _check_peer(self, response: httpx.Response, field: str) -> None:
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not peer or not public_address(str(peer[0])):
            raise ValidationError(field, "must point at a public address")

    def _body(
        self,
        response: httpx.Response,
        field: str,
        types: Collection[str],
        max_bytes: int,
        deadline: float,
    ) -> bytes:
        if response.status_code != 200:
            raise ValidationError(field, f"answered HTTP {response.status_code}")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in types:
            raise ValidationError(field, f"is {kind or 'of no type'}, not one of {sorted(types)}")
        if int(response.headers.get("content-length") or 0) > max_bytes:
            raise ValidationError(field, f"is larger than {max_bytes // 1024 // 1024} MB")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise ValidationError(field, f"is larger than {max_bytes // 1024 // 1024} MB")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("deadline")
            chunks.append(chunk)
        return b"".join(chunks)
