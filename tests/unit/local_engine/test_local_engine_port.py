"""LocalEngine's port behaviour that needs no render: validation, lookups, lists, fetch."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from PIL import Image

from revideo.adapters.local_engine import LocalEngine, read_local_photo
from revideo.adapters.local_engine.jobs import JobStore
from revideo.domain.errors import EngineRejected, WebhookRejected
from revideo.ports.video_engine import Photo, RenderRequest

GOOD = RenderRequest(
    handle="h1", title="T", script="Hello.", avatar_id="amelia_classic", voice_id="en-us"
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[LocalEngine]:
    with LocalEngine(tmp_path / "engine", max_script_chars=100) as e:
        yield e


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"avatar_id": "nobody"}, "unknown_avatar"),
        ({"voice_id": "xx-nowhere"}, "unknown_voice"),
        ({"voice_id": "en-us+no-such-variant"}, "unknown_voice"),
        ({"script": "x" * 101}, "script_too_long"),
        ({"script": "   "}, "invalid_request"),
        ({"resolution": "4k"}, "invalid_request"),
        ({"handle": ""}, "invalid_request"),
        ({"voice_speed": 3.0}, "invalid_request"),
    ],
)
def test_create_rejects_bad_requests_with_a_reason(
    engine: LocalEngine, changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(EngineRejected) as caught:
        engine.create(attrs.evolve(GOOD, **changes))  # type: ignore[arg-type]
    assert caught.value.reason == reason
    assert engine.find(str(changes.get("handle", "h1"))) is None


def test_unknown_ids_and_urls_are_not_found(engine: LocalEngine) -> None:
    for bad in ("lv_missing", "../../etc/passwd", ""):
        with pytest.raises(EngineRejected) as caught:
            engine.status(bad)
        assert caught.value.reason == "not_found"
    for url in (
        "local://videos/nothing.mp4",
        "local://videos/../jobs/x.json",
        "https://example.com/a.mp4",
        "file:///etc/passwd",
        "local://avatars/nobody.png",
        "local://voices/xx.wav",
    ):
        with pytest.raises(EngineRejected):
            b"".join(engine.fetch(url))


def test_lists_presenters_and_voices_like_heygen(engine: LocalEngine) -> None:
    avatars, voices = engine.avatars(), engine.voices()
    assert len(avatars) >= 4 and len({a.id for a in avatars}) == len(avatars)
    ids = {v.id for v in voices}
    assert {"en-us", "en-us+f3", "fr-fr", "de", "ja"} <= ids
    assert len(ids) == len(voices)
    assert {v.gender for v in voices} >= {"male", "female"}
    png = b"".join(engine.fetch(avatars[0].preview_image_url))
    assert Image.open(io.BytesIO(png)).size == (256, 256)
    sample = b"".join(engine.fetch(next(v for v in voices if v.id == "de").preview_audio_url))
    with wave.open(io.BytesIO(sample)) as w:
        assert w.getnframes() / w.getframerate() > 1.0


def test_no_quota_and_no_webhooks(engine: LocalEngine) -> None:
    assert engine.remaining_quota() is None
    assert engine.name == "local" and engine.max_script_chars == 100
    with pytest.raises(WebhookRejected):
        engine.parse_webhook(b"{}", {})


def test_reads_local_paths_and_file_urls_only(tmp_path: Path) -> None:
    photo = tmp_path / "é photo.jpg"
    photo.write_bytes(b"bytes")
    assert read_local_photo(Photo(url=str(photo))) == b"bytes"
    assert read_local_photo(Photo(url=photo.as_uri())) == b"bytes"
    with pytest.raises(OSError):
        read_local_photo(Photo(url="https://cdn.example/p.jpg"))


def test_a_handle_binds_to_the_first_job_only(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    assert store.find_handle("h") is None
    assert store.claim_handle("h", "lv_a") == "lv_a"
    assert store.claim_handle("h", "lv_b") == "lv_a"
    assert JobStore(tmp_path).find_handle("h") == "lv_a"


def test_a_job_lock_is_exclusive_until_released(tmp_path: Path) -> None:
    store = JobStore(tmp_path)
    with store.lock("lv_a") as first, store.lock("lv_a") as second:
        assert first and not second
    with store.lock("lv_a") as again:
        assert again
