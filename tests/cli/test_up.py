"""
`revideo up`, the README's main job, as a user runs it: a real process on a
fresh data directory, the embedded database, the demo, the worker rendering
and archiving the first demo video with the local engine, and Ctrl-C.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from revideo.adapters.postgres import embedded

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REVIDEO = str(Path(sys.executable).with_name("revideo"))


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    # not under pytest's basetemp: the server's own user must be able to enter it
    path = Path(tempfile.mkdtemp(prefix="revideo-test-up-"))
    try:
        yield path
    finally:
        embedded.stop_server(path)
        shutil.rmtree(path, ignore_errors=True)


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIDEO_", "HEYGEN_"))}
    return env | {"REVIDEO_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}


class Up:
    """A running `revideo up`, its output read line by line as it comes."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [REVIDEO, "up", "--port", "0", "--interval", "0.5", *args],
            env=environment(data_dir),
            cwd=data_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # as a shell starts a background job: Ctrl-C must still stop it
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, seconds: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no {pattern!r} in:\n{''.join(self.seen)}")

    def interrupt(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=120)  # a hang guard: Ctrl-C calls off any render

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def sign_in(client: httpx.Client) -> httpx.Response:
    page = client.get("/auth/login")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    form = {"email": "demo@revideo.local", "password": "demo-password", "csrf_token": token[1]}
    return client.post("/auth/login", data=form)


def listing_ids(client: httpx.Client) -> set[str]:
    page = client.get("/properties/")
    assert page.status_code == 200
    return set(re.findall(r"/properties/([0-9a-f-]{36})", page.text))


def archived(data_dir: Path) -> list[Path]:
    return list((data_dir / "media" / "generated-videos").rglob("*.mp4"))  # <user>/<video>/…


def test_up_serves_the_demo_renders_and_archives_and_stops_on_ctrl_c(data_dir: Path) -> None:
    up = Up(data_dir)
    try:
        up.wait_for(r"database ready · engine: local")
        up.wait_for(r"sign in as demo@revideo\.local / demo-password")
        port = int(up.wait_for(r"serving on http://127\.0\.0\.1:(\d+)")[1])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            signed = sign_in(client)
            assert signed.status_code == 302 and "/auth/" not in signed.headers["location"]
            dashboard = client.get("/", follow_redirects=True)
            assert dashboard.status_code == 200 and "demo@revideo.local" in dashboard.text
            listings = listing_ids(client)
            assert len(listings) == 3
            deadline = time.monotonic() + 120
            while not archived(data_dir) and time.monotonic() < deadline:
                time.sleep(0.5)
        files = archived(data_dir)
        assert len(files) == 1, "the first demo video is rendered and archived by the worker"
        assert files[0].read_bytes()[4:8] == b"ftyp"  # an MP4, not a placeholder
        assert up.interrupt() == 0
        up.wait_for(r"embedded database keeps running .*revideo db stop", seconds=5)
        assert not any("Traceback" in line for line in up.seen)
    finally:
        up.kill()
    again = Up(data_dir)  # the next run reuses the database and does not load the demo twice
    try:
        port = int(again.wait_for(r"serving on http://127\.0\.0\.1:(\d+)")[1])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert sign_in(client).status_code == 302
            assert listing_ids(client) == listings
        assert again.interrupt(signal.SIGTERM) == 0  # as a service manager stops it
    finally:
        again.kill()


def test_a_taken_port_is_a_one_line_error(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [REVIDEO, "up", "--port", str(port), "--no-demo"],
            env=environment(data_dir),
            cwd=data_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_web_with_a_bad_setting_is_a_one_line_error(data_dir: Path) -> None:
    env = environment(data_dir) | {"REVIDEO_RATELIMIT_STORAGE": "nosuch://anywhere"}
    result = subprocess.run(
        [REVIDEO, "web", "--port", "0"], env=env, cwd=data_dir, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("Error: REVIDEO_RATELIMIT_STORAGE:")
    assert "Traceback" not in result.stderr
