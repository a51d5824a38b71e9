"""HeyGenSimulator: a threaded loopback HTTP server speaking HeyGen's v3 and v2 contracts."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from . import admin, routes
from .clock import SimClock
from .delivery import Deliverer
from .faults import Fault, FaultBox
from .state import Job, SimState
from .wire import Request, Response

WEEK = 7 * 24 * 3600.0


class HeyGenSimulator:
    """A local HeyGen. Use as a context manager: `with HeyGenSimulator() as sim: sim.base_url`."""

    def __init__(
        self,
        api_key: str = "sim-key",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        clock: SimClock | None = None,
        url_ttl: float = WEEK,
        max_script_chars: int = 5000,
        max_text_chars: int = 2000,
        media_dir: Path | None = None,
        webhook_attempts: int = 4,
        webhook_retry_delay: float = 0.2,
        tick_interval: float = 0.05,
        allow_http_loopback: bool = False,
        redirect_files: bool = False,
        webhook_signing: str = "legacy",
        **plan: Any,
    ) -> None:
        """`allow_http_loopback`: accept http://127.0.0.1 webhook endpoints on v3 (HeyGen
        wants public HTTPS; for local use only). `redirect_files`: file links answer with
        a 302 to the file first. `webhook_signing`: "legacy" (`Signature` hex HMAC),
        "standard" (Standard Webhooks headers) or "both" (heygen-v3.md §7)."""
        self.api_key = api_key
        self.clock = clock or SimClock(speed=speed)
        self.faults = FaultBox()
        self.state = SimState(self.clock, self.faults, **plan)
        self.deliverer = Deliverer(
            self.faults, webhook_attempts, webhook_retry_delay, signing=webhook_signing
        )
        self.allow_http_loopback = allow_http_loopback
        self.redirect_files = redirect_files
        self.url_ttl = url_ttl
        self.max_script_chars = max_script_chars
        self.max_text_chars = max_text_chars
        self.media_dir = media_dir
        self.tick_interval = tick_interval
        self._url_key = secrets.token_bytes(16)
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.sim = self  # type: ignore[attr-defined]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ---- lifecycle ----------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> HeyGenSimulator:
        self.deliverer.start()
        serve = functools.partial(self._server.serve_forever, poll_interval=0.05)
        for target in (serve, self._tick_loop):
            thread = threading.Thread(target=target, name="heygen-sim", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self.deliverer.stop()

    def __enter__(self) -> HeyGenSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- control (also over HTTP under /_sim/) --------------------------
    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward and let renders and webhooks catch up."""
        self.clock.advance(seconds)
        self.tick()

    def inject(self, kind: str, count: int = 1, **options: Any) -> None:
        """Arm a fault (see faults.KINDS), e.g. inject('rate_limit', 3, retry_after=2)."""
        self.faults.arm(Fault(kind, count, **options))

    def tick(self) -> None:
        for job in self.state.tick():
            routes.announce(self, job)

    def wait_for_webhooks(self, timeout: float = 5.0) -> bool:
        """Block until every queued delivery (and retry) is done."""
        return self.deliverer.wait_idle(timeout)

    @property
    def deliveries(self) -> list[Any]:
        return list(self.deliverer.log)

    # ---- helpers the routes use -----------------------------------------
    def links(self, job: Job) -> dict[str, str]:
        """Fresh presigned URLs for a finished render (new Expires on every call)."""
        expires = int(self.clock.now() + self.url_ttl)
        out = {
            "video": self.sign(f"/files/video/{job.id}.mp4", expires),
            "thumb": self.sign(f"/files/thumb/{job.id}.jpg", expires),
        }
        if job.caption:
            out["caption"] = self.sign(f"/files/caption/{job.id}.srt", expires)
        return out

    def sign(self, path: str, expires: int) -> str:
        query = urlencode({"Expires": expires, "Signature": self.signature(path, expires)})
        signed = f"{self.base_url}{path}?{query}"
        if not self.redirect_files:
            return signed
        return f"{self.base_url}/files/redirect?" + urlencode({"to": signed})

    def signature(self, path: str, expires: int) -> str:
        msg = f"{path}\n{expires}".encode()
        return hmac.new(self._url_key, msg, hashlib.sha256).hexdigest()[:40]

    def check_endpoint(self, url: str) -> bool:
        """HeyGen's OPTIONS check at registration: answer within one second."""
        import httpx

        try:
            return httpx.options(url, timeout=1.0).status_code < 400
        except httpx.HTTPError:
            return False

    def handle(self, request: Request) -> Response:
        """Answer one HTTP request (admin, files, or the API with faults applied)."""
        if request.path.startswith("/_sim/"):
            return admin.handle(self, request)
        self.tick()
        return routes.dispatch(self, request)

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.tick_interval):
            try:
                self.tick()
            except Exception:  # pragma: no cover - keep the simulator alive
                time.sleep(self.tick_interval)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "HeyGenSimulator/1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request.parse(self.command, self.path, self.headers, body)
        response = self.server.sim.handle(request)  # type: ignore[attr-defined]
        if response.after:
            time.sleep(response.after)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a slow answer): as a server would

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        return
