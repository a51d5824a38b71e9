"""The LLM script writer over real HTTP, against a small OpenAI-compatible stand-in."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from revideo.adapters.llm import OpenAIScriptWriter
from revideo.domain.property import Address, Property, Specs
from revideo.domain.scripts import TemplateScriptWriter, template_script
from revideo.domain.video import VideoPurpose

pytestmark = pytest.mark.integration

KEY = "sk-loopback-test"
PROP = Property(
    id="p1",
    user_id="u1",
    title="Harbour View",
    category="resale",
    address=Address(street="4 Quay Rd", city="Hobart"),
    specs=Specs(price="3200", area="950", beds=2, baths="1", amenities=["balcony"]),
)


class StandIn(ThreadingHTTPServer):
    """A chat-completions endpoint: checks the key, answers `script`, or fails on demand."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script = ""
        self.status = 200
        self.stall = threading.Event()  # set: hold the answer until released
        self.release = threading.Event()
        self.bodies: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.bodies.append(body)
        if self.path != "/v1/chat/completions":
            return self.reply(404, {"error": {"message": "unknown path"}})
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            return self.reply(401, {"error": {"message": "bad key"}})
        if self.server.stall.is_set():
            self.server.release.wait(10)
        if self.server.status != 200:
            return self.reply(self.server.status, {"error": {"message": "boom"}})
        message = {"role": "assistant", "content": self.server.script}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return self.reply(
            200, {"object": "chat.completion", "model": body["model"], "choices": [choice]}
        )

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # the stalled-answer test's client gives up first: expected, not worth a traceback
        with contextlib.suppress(BrokenPipeError):
            self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[StandIn]:
    srv = StandIn()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def make_writer(server: StandIn, key: str = KEY, timeout: float = 10.0) -> OpenAIScriptWriter:
    env = {
        "REVIDEO_LLM_BASE_URL": server.base_url,
        "REVIDEO_LLM_API_KEY": key,
        "REVIDEO_LLM_MODEL": "stand-in-1",
        "REVIDEO_LLM_TIMEOUT": str(timeout),
    }
    writer = OpenAIScriptWriter.from_env(env, fallback=TemplateScriptWriter())
    assert writer is not None
    return writer


def test_a_script_comes_back_over_loopback(server: StandIn) -> None:
    server.script = (
        "Harbour View in Hobart: two bedrooms, one bath, a balcony and 950 square feet, "
        "for $3,200 per month. Book your viewing today."
    )
    with make_writer(server) as writer:
        draft = writer.write(PROP, VideoPurpose.RENT, tone="concise")
    assert (draft.source, draft.text, draft.notice) == ("llm", server.script, None)
    (body,) = server.bodies
    assert body["model"] == "stand-in-1" and body["messages"][0]["role"] == "system"
    assert "Monthly rent: $3,200" in body["messages"][1]["content"]


def test_an_invented_number_over_loopback_falls_back(server: StandIn) -> None:
    server.script = "Harbour View, just 3 minutes from the ferry. Book today."
    with make_writer(server) as writer:
        draft = writer.write(PROP, VideoPurpose.RENT)
    assert draft.source == "template"
    assert draft.text == template_script(PROP, VideoPurpose.RENT)
    assert draft.notice and "(3)" in draft.notice


def test_a_wrong_key_falls_back(server: StandIn) -> None:
    with make_writer(server, key="sk-wrong") as writer:
        draft = writer.write(PROP, VideoPurpose.SALE)
    assert draft.source == "template" and draft.notice and "HTTP 401" in draft.notice


def test_a_server_error_falls_back(server: StandIn) -> None:
    server.status = 502
    with make_writer(server) as writer:
        draft = writer.write(PROP, VideoPurpose.SALE)
    assert draft.source == "template" and draft.notice and "HTTP 502" in draft.notice


def test_a_stalled_server_times_out_and_falls_back(server: StandIn) -> None:
    server.stall.set()
    with make_writer(server, timeout=0.3) as writer:
        draft = writer.write(PROP, VideoPurpose.SALE)
    server.release.set()
    assert draft.source == "template"
    assert draft.notice and "did not answer within 0.3 seconds" in draft.notice
