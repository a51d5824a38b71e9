"""
`revideo web` started with partial Supabase settings, or a project that does
not answer, stops at once with one line naming the setting (no traceback,
no server).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on return: nothing listens


def start_web(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `revideo web` in an empty folder (no .env) with only `env` set."""
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    base["REVIDEO_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "revideo.entrypoints.cli", "web", "--port", "0"]
    return subprocess.run(
        command, env={**base, **env}, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SUPABASE_URL": "http://127.0.0.1:9"}, "SUPABASE_ANON_KEY"),
        ({"NEXT_PUBLIC_SUPABASE_ANON_KEY": "anon"}, "SUPABASE_URL"),
        (
            {"NEXT_PUBLIC_SUPABASE_URL": "http://127.0.0.1:9", "SUPABASE_ANON_KEY": "anon"},
            "SUPABASE_SERVICE_ROLE_KEY",
        ),
        (
            {
                "SUPABASE_URL": f"http://127.0.0.1:{closed_port()}",
                "SUPABASE_ANON_KEY": "anon",
                "SUPABASE_SERVICE_ROLE_KEY": "service",
            },
            "SUPABASE_URL",
        ),
    ],
    ids=["no-anon-key", "no-url", "no-service-key", "unreachable"],
)
def test_web_start_fails_with_one_line_naming_the_setting(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    started = start_web(tmp_path, env)
    lines = started.stderr.strip().splitlines()
    assert started.returncode == 1, started.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), started.stderr
    assert setting in lines[0]
    assert "revideo web on" not in started.stdout
