"""
Fetching a file a user names by URL (photos by URL from the API).

Errors: ValidationError(field, message) for a URL that is malformed, points at a
private, loopback or link-local address (unless the fetcher allows them for local
use), answers with an error, a type outside `types`, more than `max_bytes`, or
takes longer than the fetcher's time limit.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol


class RemoteFetcher(Protocol):
    def fetch(self, url: str, *, field: str, types: Collection[str], max_bytes: int) -> bytes:
        """The body at `url` (a public http(s) address), within the limits."""
        ...
