"""
A CRM talking to revideo's API: the whole round trip a listing tool makes.

1. listens on a local port for revideo's signed webhooks and registers that endpoint;
2. creates a property and adds its photos by URL (revideo fetches them);
3. starts a video;
4. waits for the `video.completed` webhook and checks its Standard Webhooks signature;
5. downloads the archived MP4.

    python examples/crm.py --api http://127.0.0.1:8000 --token rvd_... \\
        --photo https://example.com/front.jpg --photo https://example.com/garden.jpg \\
        --avatar james_modern --voice en-us --out tour.mp4

Needs only httpx and standardwebhooks. Exits 0 with the file written, else 1.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from standardwebhooks import Webhook, WebhookVerificationError


def listen(host: str, port: int) -> tuple[ThreadingHTTPServer, queue.Queue[tuple[bytes, dict]]]:
    """A tiny webhook receiver: every POST body and its headers go into the queue."""
    got: queue.Queue[tuple[bytes, dict]] = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            got.put((body, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


def call(api: httpx.Client, method: str, path: str, **kw: Any) -> Any:
    answer = api.request(method, path, **kw)
    if answer.status_code >= 400:
        problem = answer.json() if "json" in answer.headers.get("content-type", "") else {}
        field = f" ({problem['field']})" if problem.get("field") else ""
        raise SystemExit(
            f"{method} {path}: {answer.status_code} {problem.get('detail', answer.text)}{field}"
        )
    return answer.json() if answer.content else None


def wait_for(got: queue.Queue, secret: str, video_id: str, timeout: float) -> dict:
    """The verified video.completed (or video.failed) event of this video."""
    hook = Webhook(secret)
    while True:
        body, headers = got.get(timeout=timeout)
        try:
            event = hook.verify(body, headers)
        except WebhookVerificationError as exc:
            print(f"ignored a webhook with a bad signature: {exc}", file=sys.stderr)
            continue
        if event["data"].get("id") == video_id and event["type"] in (
            "video.completed",
            "video.failed",
        ):
            return event


def main(argv: list[str] | None = None) -> int:
    ask = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ask.add_argument("--api", required=True, help="revideo's base URL")
    ask.add_argument("--token", required=True, help="a write token (revideo tokens create)")
    ask.add_argument("--photo", action="append", default=[], help="a photo URL (repeat)")
    ask.add_argument("--avatar", required=True)
    ask.add_argument("--voice", required=True)
    ask.add_argument(
        "--script", default="", help="what the presenter says (empty: revideo writes it)"
    )
    ask.add_argument("--listen", default="127.0.0.1:0", help="where webhooks arrive")
    ask.add_argument("--out", default="tour.mp4")
    ask.add_argument("--timeout", type=float, default=600)
    args = ask.parse_args(argv)

    host, _, port = args.listen.rpartition(":")
    server, got = listen(host, int(port))
    hook_url = f"http://{host}:{server.server_address[1]}/revideo"
    headers = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(base_url=args.api, headers=headers, timeout=60) as api:
        endpoint = call(
            api,
            "POST",
            "/api/v1/webhooks",
            json={"url": hook_url, "events": ["video.completed", "video.failed"]},
        )
        listing = {
            "title": "4 Harbour View",
            "category": "residential",
            "description": "Light-filled family home a short walk from the water.",
            "address": {
                "street": "4 Harbour View",
                "city": "Portland",
                "state": "ME",
                "zip": "04101",
            },
            "specs": {"price": "689000.00", "beds": 4, "baths": "2.5", "amenities": ["garden"]},
        }
        once = {"Idempotency-Key": str(uuid.uuid4())}  # safe to send again after a timeout
        prop = call(api, "POST", "/api/v1/properties", json=listing, headers=once)
        if args.photo:
            call(
                api,
                "POST",
                f"/api/v1/properties/{prop['id']}/photos/by-url",
                json={"urls": args.photo},
            )
        video = call(
            api,
            "POST",
            "/api/v1/videos",
            headers={"Idempotency-Key": str(uuid.uuid4())},
            json={
                "property_id": prop["id"],
                "avatar_id": args.avatar,
                "voice_id": args.voice,
                "purpose": "sale",
                "script_content": args.script,
            },
        )
        print(f"video {video['id']} is {video['status']}; waiting for its webhook", file=sys.stderr)
        event = wait_for(got, endpoint["secret"], video["id"], args.timeout)
        server.shutdown()
        if event["type"] != "video.completed":
            print(f"the render failed: {event['data'].get('error_message')}", file=sys.stderr)
            return 1
        with api.stream("GET", f"/api/v1/videos/{video['id']}/file") as answer:
            answer.raise_for_status()
            with open(args.out, "wb") as out:
                for chunk in answer.iter_bytes():
                    out.write(chunk)
    print(json.dumps({"video": video["id"], "file": args.out, "event": event["type"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
