"""One loopback HTTP server routing /rest/v1, /auth/v1 and /storage/v1 like a project URL."""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import attrs


@attrs.frozen
class Request:
    method: str
    path: str  # below the service prefix, unquoted, no leading slash
    query: list[tuple[str, str]]
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def arg(self, name: str, default: str | None = None) -> str | None:
        return dict(self.query).get(name, default)


@attrs.frozen
class FileSlice:
    """A body streamed from a file: `length` bytes from `start` (never read whole)."""

    path: Path
    start: int
    length: int


@attrs.frozen
class Reply:
    status: int  # HANG_UP: close the connection without an answer (a cut connection)
    body: Any = None  # bytes and FileSlice are sent as they are, anything else as JSON
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json; charset=utf-8"


HANG_UP = 0
STREAM_CHUNK = 256 * 1024


def send_json(status: int, payload: Any, *headers: tuple[str, str]) -> Reply:
    return Reply(status, payload, tuple(headers))


Service = Callable[[Request], Reply]


class StandInServer:
    """Serves the three services on 127.0.0.1 (port 0 = any free port) in a thread."""

    def __init__(self, services: dict[str, Service]) -> None:
        self.services = services
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(services))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StandInServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(services: dict[str, Service]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def _any(self) -> None:
            url = urlsplit(self.path)
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            for prefix, service in services.items():
                if url.path.startswith(prefix):
                    rest = unquote(url.path[len(prefix) :]).strip("/")
                    query = parse_qsl(url.query, keep_blank_values=True)
                    try:
                        reply = service(Request(self.command, rest, query, self.headers, body))
                    except Exception as exc:  # a stand-in bug: say so instead of hanging up
                        traceback.print_exc()
                        reply = send_json(500, {"message": f"stand-in error: {exc!r}"})
                    return self._send(reply)
            return self._send(send_json(404, {"message": "no route"}))

        def _send(self, reply: Reply) -> None:
            if reply.status == HANG_UP:
                self.close_connection = True
                return
            if isinstance(reply.body, FileSlice):
                return self._send_file(reply, reply.body)
            if reply.body is None:
                data = b""
            elif isinstance(reply.body, bytes):
                data = reply.body
            else:
                data = json.dumps(reply.body, default=str).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _send_file(self, reply: Reply, body: FileSlice) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(body.length))
            self.end_headers()
            if self.command == "HEAD":
                return
            with body.path.open("rb") as handle:
                handle.seek(body.start)
                left = body.length
                while left > 0:
                    chunk = handle.read(min(STREAM_CHUNK, left))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    left -= len(chunk)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _any

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def media_root(base: Path) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    return base
