"""
Large files through the Supabase media store against the stand-in, which
answers like the real Storage server (supabase-storage-real.md §1): resumable
TUS uploads in 6 MiB chunks that survive a cut connection, and the size limit
(413) ending as "not archived" instead of an endless retry.

The bytes are generated deterministically, streamed in and hashed as they
stream out, so no test holds a large file in memory more than once.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import math
import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import psycopg
import pytest

from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import OutboxMailer
from revideo.adapters.supabase import SupabaseBackend, resumable
from revideo.bootstrap import bootstrap
from revideo.domain.errors import StorageError, TooLarge
from revideo.domain.profile import Actor
from revideo.domain.video import VideoStatus
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET
from revideo.services._rounds import RoundResult
from revideo.services.videos import VideoInput
from revideo.settings import load
from tests.fixtures.postgres import PgServer
from tests.supabase.standin.project import StandInProject
from tests.supabase.standin.tus import CHUNK
from tests.support import Clock, sample_property
from tests.web.conftest import PASSWORD, Users, make_app

MIB = 1024 * 1024
SYSTEM = Actor.service()


def generated(seed: int, size: int, piece: int = MIB) -> Iterator[bytes]:
    """`size` pseudo-random bytes, the same for the same seed, in pieces."""
    rng = random.Random(seed)
    left = size
    while left:
        n = min(piece, left)
        yield rng.randbytes(n)
        left -= n


def fingerprint(chunks: Iterator[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def set_limit(pg: PgServer, bucket: str, limit: int | None) -> None:
    with psycopg.connect(pg.admin, autocommit=True) as conn:
        conn.execute(
            "UPDATE storage.buckets SET file_size_limit = %s WHERE id = %s", [limit, bucket]
        )


def object_row(pg: PgServer, bucket: str, name: str) -> dict[str, Any] | None:
    from psycopg.rows import dict_row

    with psycopg.connect(pg.admin, autocommit=True, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT owner_id, metadata, user_metadata FROM storage.objects"
            " WHERE bucket_id = %s AND name = %s",
            [bucket, name],
        ).fetchone()


@pytest.fixture
def paid_plan(standin: StandInProject, pg_server: PgServer) -> Iterator[None]:
    """Limits as on a paid plan: 1 GiB for the project, 500 MiB for the videos bucket."""
    global_limit = standin.storage.file_size_limit
    standin.storage.file_size_limit = 1024 * MIB
    set_limit(pg_server, VIDEOS_BUCKET, 500 * MIB)
    try:
        yield
    finally:
        standin.storage.file_size_limit = global_limit
        set_limit(pg_server, VIDEOS_BUCKET, 50 * MIB)  # the migration's


class TestResumable:
    def test_a_120_mb_archive_survives_a_cut_connection_and_reads_back_identical(
        self, supabase_backend: SupabaseBackend, standin: StandInProject, paid_plan: None
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        store, tus = supabase_backend.media_store(), standin.storage.tus
        size, keep, after = 120 * 1_000_000, 2 * MIB + 123, 4
        path = f"{alice.id}/{uuid.uuid4()}/1-render.mp4"
        patches, cuts = tus.patches, tus.hung_up
        tus.cut(keep, after=after)  # the fifth chunk is cut off after 2 MiB and a bit
        stored = store.put(SYSTEM, VIDEOS_BUCKET, path, generated(17, size), "video/mp4")
        assert (stored.size, tus.hung_up - cuts) == (size, 1)
        resumed_from = after * CHUNK + keep  # HEAD said so; the rest went from there
        expected = after + 1 + math.ceil((size - resumed_from) / CHUNK)
        assert tus.patches - patches == expected
        assert fingerprint(store.open(VIDEOS_BUCKET, path)) == fingerprint(generated(17, size))

    def test_a_12_mb_photo_resumes_and_keeps_its_name_as_metadata(
        self, supabase_backend: SupabaseBackend, standin: StandInProject, pg_server: PgServer
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        me = Actor.user(alice.id)
        store, tus = supabase_backend.media_store(), standin.storage.tus
        blob = b"".join(generated(12, 12 * 1_000_000))
        path = f"{alice.id}/{uuid.uuid4()}/photo-facade-1.jpg"
        cuts = tus.hung_up
        tus.cut(MIB, after=0)  # the very first chunk is cut short
        store.put(me, PHOTOS_BUCKET, path, blob, "image/jpeg", filename="façade #1 (ü);x.jpg")
        assert tus.hung_up - cuts == 1
        assert b"".join(store.open(PHOTOS_BUCKET, path)) == blob
        row = object_row(pg_server, PHOTOS_BUCKET, path)
        assert row is not None and row["owner_id"] == alice.id
        assert row["user_metadata"] == {"filename": "façade #1 (ü);x.jpg"}
        assert row["metadata"]["cacheControl"] == "max-age=3600"


class TestStalledServer:
    """tuspy sets no timeout: the store's own (REVIDEO_STORAGE_TIMEOUT) must end a stall."""

    @pytest.mark.parametrize("after", [0, 2], ids=["at-creation", "mid-upload"])
    def test_a_server_that_stops_answering_ends_in_a_storage_error(
        self,
        supabase_backend: SupabaseBackend,
        standin: StandInProject,
        tmp_path: Path,
        after: int,
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        settings = load(
            {"REVIDEO_DATA_DIR": str(tmp_path), "SUPABASE_URL": standin.url,
             "SUPABASE_ANON_KEY": standin.anon_key,
             "SUPABASE_SERVICE_ROLE_KEY": standin.service_key,
             "REVIDEO_STORAGE_TIMEOUT": "1"},
            dotenv=False,
        )  # fmt: skip
        backend = SupabaseBackend.from_settings(settings)
        store, tus = backend.media_store(), standin.storage.tus
        path = f"{alice.id}/{uuid.uuid4()}/1-render.mp4"
        outcome: list[BaseException | None] = []

        def upload() -> None:
            try:
                store.put(SYSTEM, VIDEOS_BUCKET, path, generated(9, 3 * CHUNK + 1), "video/mp4")
            except BaseException as exc:  # handed to the test thread
                outcome.append(exc)
            else:
                outcome.append(None)

        held, patches = tus.held, tus.patches
        tus.stall(after=after)
        worker = threading.Thread(target=upload, daemon=True)
        try:
            worker.start()
            # the code's own worst case, many times over: a guard against hanging, not a timing
            worker.join(20 * resumable.deadline(backend.storage_timeout) + 30)
        finally:
            tus.unstall()
            backend.close()
        assert not worker.is_alive(), "the upload still waits on a server that never answers"
        # the stall held the creation, or a PATCH and then the HEAD asking where to resume
        assert tus.held - held == (1 if after == 0 else 2)
        assert tus.patches - patches == after  # the chunks before the stall went through
        [error] = outcome
        assert isinstance(error, StorageError) and not isinstance(error, TooLarge), error
        assert str(error) == (
            f"cannot write {VIDEOS_BUCKET}/{path}: Supabase Storage did not answer within"
            " 1 s (REVIDEO_STORAGE_TIMEOUT)"
        )


class TestSizeLimit:
    def test_a_file_over_the_limit_is_too_large_naming_the_limit(
        self, supabase_backend: SupabaseBackend, pg_server: PgServer
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        store = supabase_backend.media_store()
        path = f"{alice.id}/{uuid.uuid4()}/1-render.mp4"
        with pytest.raises(TooLarge) as big:  # resumable: refused at creation (413)
            store.put(SYSTEM, VIDEOS_BUCKET, path, generated(3, 60 * MIB), "video/mp4")
        assert big.value.limit == 50 * MIB
        assert str(big.value) == "larger than your Supabase limit (50 MB)"
        assert "'generated-videos' bucket" in big.value.setting
        set_limit(pg_server, PHOTOS_BUCKET, 2 * MIB)
        try:
            with pytest.raises(TooLarge) as small:  # one request: Storage's 400 + statusCode 413
                store.put(Actor.user(alice.id), PHOTOS_BUCKET, f"{alice.id}/p.jpg",
                          b"\xff\xd8\xff" + bytes(3 * MIB), "image/jpeg")  # fmt: skip
            assert str(small.value) == "larger than your Supabase limit (2 MB)"
        finally:
            set_limit(pg_server, PHOTOS_BUCKET, 20 * MIB)  # the migration's
        assert object_row(pg_server, VIDEOS_BUCKET, path) is None


MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


class BigRenders(FakeVideoEngine):
    """The fake engine, whose renders are `size` bytes long at https links as HeyGen's are
    (../shared/docs/heygen-api.md: video_url is a signed https URL); counts downloads."""

    LINKS = "https://files.heygen.test/"

    def __init__(self, clock: Clock, size: int) -> None:
        super().__init__(clock)
        self.size = size
        self.fetches = 0

    def status(self, engine_video_id: str) -> Any:
        report = super().status(engine_video_id)
        links = {
            name: getattr(report, name).replace("fake://", self.LINKS)
            for name in ("video_url", "thumbnail_url")
            if getattr(report, name)
        }
        return attrs.evolve(report, **links)

    def fetch(self, url: str) -> Iterator[bytes]:
        self.fetches += 1
        url = url.replace(self.LINKS, "fake://")
        if url.endswith(".mp4"):  # an MP4's first box, then bulk (the archiver checks the head)
            return itertools.chain([MP4_HEAD], generated(5, self.size - len(MP4_HEAD)))
        return super().fetch(url)


def test_a_render_over_the_limit_stays_completed_with_the_engine_link(
    supabase_backend: SupabaseBackend, clock: Clock, tmp_path: Any
) -> None:
    engine = BigRenders(clock, 60 * MIB)
    env = {"REVIDEO_DATA_DIR": str(tmp_path), "REVIDEO_ENGINE": "fake", "REVIDEO_SECRET_KEY": "t"}
    svc = bootstrap(
        load(env, dotenv=False),
        backend=supabase_backend,
        engine=engine,  # type: ignore[arg-type]
        store=supabase_backend.media_store(),
        mailer=OutboxMailer(),
        clock=clock,
    )
    app = make_app(svc, tmp_path)
    me = Actor.user(Users(app, svc).make("alice@example.test"))
    browser = app.test_client()
    signed_in = browser.post(
        "/auth/login", data={"email": "alice@example.test", "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.text
    prop = svc.properties.create(me, sample_property())
    fields = {"script_content": "Hi.", "avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
    video = svc.videos.submit(
        me, svc.videos.create_draft(me, VideoInput(prop.id, "T", **fields)).id
    )
    for seconds in (10, 60):
        clock.advance(seconds=seconds)
        svc.pipeline.sync()
    assert svc.videos.get(me, video.id).status is VideoStatus.COMPLETED
    assert svc.pipeline.archive().changed == 1
    kept = svc.videos.get(me, video.id)
    assert kept.status is VideoStatus.COMPLETED and kept.archived_at is None
    assert kept.video_url is not None and kept.video_url.startswith(BigRenders.LINKS)
    assert kept.error_message is not None
    assert kept.error_message.startswith("not archived: larger than your Supabase limit (50 MB)")
    assert "file size limit of the 'generated-videos' bucket" in kept.error_message
    page = html.unescape(browser.get(f"/videos/{video.id}").text)  # what the agent sees
    assert kept.error_message in page and f'src="{BigRenders.LINKS}' in page  # it plays
    assert "saving the file" not in page  # the archiver has given up: no false promise
    fetched = engine.fetches
    for days in (1, 30):  # the worker does not try it again
        clock.advance(days=days)
        assert svc.pipeline.archive() == RoundResult()
    assert engine.fetches == fetched
