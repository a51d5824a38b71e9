"""A HeyGen simulator on a loopback port, frozen clock, plus a webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from revideo.adapters.heygen import HeyGenEngine
from revideo.adapters.heygen.simulator import HeyGenSimulator

KEY = "sim-test-key"


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("heygen-media")


@pytest.fixture
def sim(media_dir: Path) -> Iterator[HeyGenSimulator]:
    with HeyGenSimulator(
        KEY,
        speed=0,
        media_dir=media_dir,
        webhook_retry_delay=0.01,
        concurrency=2,
        allow_http_loopback=True,
    ) as simulator:
        yield simulator


@pytest.fixture(params=["v3", "v2"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(sim: HeyGenSimulator, version: str) -> Iterator[HeyGenEngine]:
    with HeyGenEngine(
        KEY, base_url=sim.base_url, api_version=version, sleep=lambda s: None, max_retries=2
    ) as e:
        yield e


class Receiver:
    """A tiny webhook endpoint: records (headers, body); can fail the first N posts."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_OPTIONS(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 500 if receiver.fail_first > 0 else 200
                receiver.fail_first -= 1
                if status == 200:
                    receiver.received.append((dict(self.headers.items()), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/heygen/webhook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()
