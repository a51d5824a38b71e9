"""The README's library example, run as a user would: a fresh process, the real database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.fixtures.postgres import PgServer, clean

pytestmark = [pytest.mark.integration, pytest.mark.slow]
README = Path(__file__).resolve().parents[3] / "README.md"


def library_example() -> str:
    section = README.read_text().split("## Using it as a library", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def test_the_readme_library_example_renders_and_archives_a_video(
    pg_server: PgServer, tmp_path: Path
) -> None:
    clean(pg_server.admin)
    (tmp_path / "front.jpg").write_bytes(jpeg())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIDEO_", "HEYGEN_"))}
    env |= {"REVIDEO_DATABASE_URL": pg_server.admin, "REVIDEO_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run(
        [sys.executable, "-c", library_example()],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=540,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    *changes, last = run.stdout.splitlines()
    assert changes and changes[-1] == "completed", run.stdout
    assert set(changes) <= {"pending", "processing", "completed"}, run.stdout
    status, url = last.split()
    assert status == "completed"
    archived = list((tmp_path / "data" / "media" / "generated-videos").rglob("*.mp4"))
    assert len(archived) == 1 and url.endswith(archived[0].name)
    assert archived[0].read_bytes()[4:8] == b"ftyp"
