"""Requests, answers and HeyGen's error envelopes, as the simulator speaks them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import attrs


@attrs.frozen
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @classmethod
    def parse(cls, method: str, target: str, headers: Any, body: bytes) -> Request:
        path, _, qs = target.partition("?")
        query = {k: v[-1] for k, v in parse_qs(qs, keep_blank_values=True).items()}
        names = {k.lower(): v for k, v in headers.items()}
        return cls(method.upper(), path, query, names, body)

    def json(self) -> Any:
        """The decoded body, or None if it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@attrs.frozen
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = attrs.field(factory=dict)
    after: float = 0.0  # seconds to stall before answering (slow fault)


def ok(payload: Any, status: int = 200, **headers: str) -> Response:
    return Response(status, json.dumps(payload).encode(), headers=dict(headers))


def family(path: str) -> str:
    """Which error envelope a path answers with: v3, v2 or v1."""
    if path.startswith("/v3/"):
        return "v3"
    return "v1" if path.startswith("/v1/") else "v2"


def error(
    path: str, status: int, code: str | int, message: str, *, detail: str = "", param: str = ""
) -> Response:
    """An error in the envelope of the path's API family (heygen-api.md §6)."""
    kind = family(path)
    if kind == "v3":
        body: dict[str, Any] = {
            "error": {
                "code": str(code),
                "message": message,
                "param": param or None,
                "doc_url": None,
            }
        }
    elif kind == "v1" and isinstance(code, int):
        body = {"code": code, "message": message}
    else:
        err: dict[str, Any] = {"code": code, "message": message}
        if detail:
            err["detail"] = detail
        body = {"data": None, "error": err}
    return ok(body, status)


def unauthorized(path: str) -> Response:
    if family(path) == "v3":
        return error(path, 401, "unauthorized", "Invalid or missing API key")
    return ok({"data": None, "error": {"code": 400112, "message": "Unauthorized"}}, 401)


def invalid(path: str, field: str, message: str) -> Response:
    """A 400 for a bad field, worded like HeyGen's validator."""
    if family(path) == "v3":
        return error(path, 400, "invalid_parameter", f"{field}: {message}", param=field)
    return error(path, 400, "invalid_parameter", f"{field}: {message}")
