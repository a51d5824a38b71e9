"""A loopback webhook receiver: records each delivery and answers with a chosen status."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs


@attrs.frozen
class Delivery:
    headers: dict[str, str]
    body: bytes


@attrs.define
class Receiver:
    url: str
    got: queue.Queue[Delivery]
    status: list[int]  # the answer to give next (the last one repeats)

    def next(self, timeout: float = 60) -> Delivery:
        return self.got.get(timeout=timeout)


@contextmanager
def receiving(*statuses: int, host: str = "127.0.0.1", port: int = 0) -> Iterator[Receiver]:
    got: queue.Queue[Delivery] = queue.Queue()
    answers = list(statuses or (204,))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("content-length") or 0)
            got.put(
                Delivery({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(size))
            )
            status = answers.pop(0) if len(answers) > 1 else answers[0]
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://{host}:{server.server_address[1]}/hook", got, answers)
    finally:
        server.shutdown()
        server.server_close()
