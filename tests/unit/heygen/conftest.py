"""Fixtures for HeyGenEngine unit tests: a scripted httpx.MockTransport, no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from revideo.adapters.heygen import HeyGenEngine

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers requests in order and records what was sent."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def then(self, *answers: Answer) -> Script:
        self.answers.extend(answers)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def engine(self, version: str = "v3", **kwargs: Any) -> HeyGenEngine:
        return HeyGenEngine(
            "test-key",
            base_url="https://api.heygen.test",
            api_version=version,
            transport=httpx.MockTransport(self.handler),
            sleep=self.sleeps.append,
            **kwargs,
        )

    @staticmethod
    def reply(payload: Any, status: int = 200, **headers: str) -> httpx.Response:
        return httpx.Response(status, json=payload, headers=headers)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


@pytest.fixture
def script() -> Script:
    return Script()
