"""A recording httpx.MockTransport: canned answers by method and path, every request kept."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import jwt

from revideo.adapters.supabase import SupabaseBackend

URL = "https://demo-project.supabase.co"
ANON = "anon-key"
SERVICE = "service-key"
Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def user_jwt(user_id: str, lifetime: int = 3600) -> str:
    claims = {"sub": user_id, "role": "authenticated", "exp": int(time.time()) + lifetime}
    return jwt.encode(claims, "not-the-project-secret-but-long-enough!!", algorithm="HS256")


def reply(status: int, body: Any = None, **headers: str) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"content-type": "application/json",
                                                            **headers})  # fmt: skip


@attrs.define
class Recorder:
    """Answers `(method, path)` from `routes` (404 otherwise) and keeps every request."""

    routes: dict[tuple[str, str], Answer] = attrs.field(factory=dict)
    seen: list[httpx.Request] = attrs.field(factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        request.read()
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return reply(404, {"message": f"no canned answer for {request.url.path}"})
        return answer(request) if callable(answer) else answer

    def backend(self) -> SupabaseBackend:
        return SupabaseBackend(URL, ANON, SERVICE, transport=httpx.MockTransport(self))

    def last(self, path: str) -> httpx.Request:
        return [r for r in self.seen if r.url.path == path][-1]


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def auth_user(user_id: str, email: str, identities: bool = True) -> dict[str, Any]:
    ident = {"id": user_id, "identity_id": user_id, "user_id": user_id, "provider": "email",
             "identity_data": {}, "created_at": "2026-11-01T12:00:00+00:00"}  # fmt: skip
    return {"id": user_id, "aud": "authenticated", "role": "authenticated", "email": email,
            "app_metadata": {}, "user_metadata": {}, "created_at": "2026-11-01T12:00:00+00:00",
            "identities": [ident] if identities else []}  # fmt: skip


def session_json(user_id: str, email: str) -> dict[str, Any]:
    return {"access_token": user_jwt(user_id), "refresh_token": "r-1", "token_type": "bearer",
            "expires_in": 3600, "expires_at": int(time.time()) + 3600,
            "user": auth_user(user_id, email)}  # fmt: skip
