"""`REVIDEO_ENGINE=fake` from the CLI: renders of separate processes get ids that do not
collide, so a second `videos generate` in a new process works (issue 19 item 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import PNG

pytestmark = pytest.mark.integration


def revideo(env: dict[str, str], *args: str, input: str | None = None) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "revideo.entrypoints.cli", *args],
        env=env, input=input, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout) if "--json" in args else done.stdout


def test_two_processes_generate_two_videos(pg_server: Any, tmp_path: Path) -> None:
    from tests.fixtures.postgres import clean

    clean(pg_server.admin)
    env = {
        **os.environ,
        "REVIDEO_DATABASE_URL": pg_server.admin,
        "REVIDEO_DATA_DIR": str(tmp_path),
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_SECRET_KEY": "fake-engine-test",
        "REVIDEO_USER": "agent@example.com",
    }
    revideo(env, "users", "add", "agent@example.com", input="s3cret-pass\n" * 2)
    photo = tmp_path / "front.png"
    photo.write_bytes(PNG)
    prop = revideo(env, "properties", "add", "--title", "Loft", "--category", "residential",
                   "--photo", str(photo), "--json")  # fmt: skip
    first = revideo(env, "videos", "generate", prop["id"], "--json")
    second = revideo(env, "videos", "generate", prop["id"], "--json")
    assert first["engine_video_id"] != second["engine_video_id"]
    assert (first["title"], second["title"]) == ("Loft — video tour", "Loft — video tour (2)")
