"""examples/crm.py, run as a CRM would run it, against the live app on the offline engine:
photos from URLs (a local server), a real render (ffmpeg + espeak-ng), the signed
video.completed webhook on a local port, and the archived MP4 downloaded."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from revideo.adapters.local_auth import identity_for
from revideo.adapters.memory.store import OutboxMailer
from revideo.adapters.postgres import PostgresDatabase
from revideo.bootstrap import bootstrap
from revideo.domain.profile import Actor
from revideo.settings import load
from tests.api.photo_server import serving
from tests.fixtures.postgres import PgServer, clean
from tests.security._data_fixtures import run_server
from tests.support import image
from tests.web.conftest import FAST, PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_the_crm_example_gets_its_video(pg_server: PgServer, tmp_path: Path) -> None:
    from revideo.entrypoints.commands._common import listen

    clean(pg_server.admin)
    db = PostgresDatabase.connect(pg_server.app, min_size=1, max_size=6)
    data = Path(tempfile.mkdtemp(prefix="revideo-crm-"))
    settings = load(
        {"REVIDEO_DATA_DIR": str(data), "REVIDEO_ENGINE": "local", "REVIDEO_SECRET_KEY": "crm",
         "REVIDEO_FETCH_PRIVATE": "1"},  # photos and the webhook receiver are on loopback
        dotenv=False,
    )  # fmt: skip
    mailer = OutboxMailer()
    services = bootstrap(
        settings, backend=db, mailer=mailer,
        identity=identity_for(db, mailer, secret="t", hasher=FAST),
    )  # fmt: skip
    url, stop_server = run_server(listen(services, "127.0.0.1", 0, threads=4))
    stop = threading.Event()

    quick = attrs.evolve(services.pipeline.policy, poll_every=timedelta(milliseconds=200))
    pipeline = attrs.evolve(services.pipeline, policy=quick)

    def worker() -> None:  # what `revideo worker` does, in a thread, with a short poll
        while not stop.is_set():
            pipeline.run_round(stop)
            stop.wait(0.3)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        user_id = services.identity.create_user("crm@example.test", PASSWORD)  # type: ignore[attr-defined]
        token = services.tokens.create(Actor.user(str(user_id)), "CRM", "write").secret
        photos = {"/front.jpg": ("image/jpeg", image(size=(640, 480))),
                  "/garden.png": ("image/png", image("PNG", size=(480, 640)))}  # fmt: skip
        out = tmp_path / "tour.mp4"
        with serving(photos) as site:
            run = subprocess.run(
                [sys.executable, str(ROOT / "examples" / "crm.py"), "--api", url,
                 "--token", token, "--photo", f"{site}/front.jpg",
                 "--photo", f"{site}/garden.png", "--avatar", "james_modern",
                 "--voice", "en-us", "--out", str(out), "--timeout", "300",
                 "--script", "Welcome to 4 Harbour View. Come and see it."],
                capture_output=True, text=True, timeout=400,
            )  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr
        assert '"event": "video.completed"' in run.stdout
        mp4 = out.read_bytes()
        assert mp4[4:8] == b"ftyp" and len(mp4) > 10_000
        [video] = services.videos.list(Actor.service()).items
        assert video.archived_at is not None and len(services.properties.photos(
            Actor.service(), video.property_id)) == 2  # fmt: skip
    finally:
        stop.set()
        thread.join(60)
        stop_server()
        services.close()
