"""Real renders, checked by decoding the MP4 with FFmpeg."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from revideo.adapters.local_engine import LocalEngine
from revideo.domain.video import AspectRatio, EngineReport, VideoStatus
from revideo.ports.video_engine import ClosingCard, Photo, RenderRequest
from tests.integration.local_engine.media import (
    Probe,
    audio_samples,
    frames,
    local_file,
    photo_jpeg,
    probe,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RED, YELLOW = (210, 50, 50), (230, 200, 40)
GREEN, PURPLE = (40, 160, 70), (120, 40, 160)
SCRIPT = (
    "Welcome to the Red House on Maple Avenue. "
    "It has a green garden and a very large kitchen with room for the whole family."
)


def near(a: tuple[float, ...], b: tuple[int, ...], tolerance: float = 40) -> bool:
    return bool(sum((x - y) ** 2 for x, y in zip(a, b, strict=False)) ** 0.5 <= tolerance)


def top_left_mean(frame: Image.Image) -> tuple[float, ...]:
    from PIL import ImageStat

    w, h = frame.size
    return tuple(ImageStat.Stat(frame.crop((1, 1, w * 2 // 5, h * 2 // 5))).mean)


def white_pixels(frame: Image.Image) -> set[tuple[int, int]]:
    """Near-white pixels: caption text (the test photos and cards have none down there)."""
    raw = frame.convert("RGB").tobytes()
    bright = (i // 3 for i in range(0, len(raw), 3) if min(raw[i : i + 3]) > 200)
    return {(i % frame.width, i // frame.width) for i in bright}


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EngineReport, Path]]:
    photos = {"red.jpg": photo_jpeg(RED, YELLOW), "green.jpg": photo_jpeg(GREEN, PURPLE)}
    work = tmp_path_factory.mktemp("landscape")
    with LocalEngine(work / "engine", read_photo=lambda p: photos[p.url]) as engine:
        request = RenderRequest(
            handle="landscape-1",
            title="The Red House",
            script=SCRIPT,
            avatar_id="james_modern",
            voice_id="en-us",
            photos=(Photo(url="red.jpg"), Photo(url="green.jpg")),
            closing=ClosingCard("$450,000", "3 beds · 2 baths", "1 Maple Avenue"),
        )
        report = engine.wait(engine.create(request), timeout=120)
        assert report.status is VideoStatus.COMPLETED, report.error
        assert report.video_url and report.thumbnail_url
        video = local_file(engine, report.video_url, work)
        local_file(engine, report.thumbnail_url, work)
        yield report, video


@pytest.fixture(scope="module")
def landscape_probe(landscape: tuple[EngineReport, Path]) -> Probe:
    return probe(landscape[1])


class TestLandscapeVideo:
    def test_has_h264_video_and_aac_audio_at_720p(self, landscape_probe: Probe) -> None:
        p = landscape_probe
        assert (p.video_codec, p.audio_codec) == ("h264", "aac")
        assert (p.width, p.height) == (1280, 720)

    def test_report_matches_the_file(
        self, landscape: tuple[EngineReport, Path], landscape_probe: Probe
    ) -> None:
        report, _ = landscape
        assert (report.width, report.height) == (1280, 720)
        assert report.duration is not None
        assert abs(report.duration - landscape_probe.video_seconds) <= 0.5

    def test_video_lasts_as_long_as_the_narration(
        self, landscape: tuple[EngineReport, Path], landscape_probe: Probe
    ) -> None:
        samples = audio_samples(landscape[1])
        voiced = [i for i, s in enumerate(samples) if abs(s) > 1500]
        assert voiced, "the narration is silent"
        first, last = voiced[0] / 16000, voiced[-1] / 16000
        assert last - first > 3.0  # two sentences of real speech
        assert abs(landscape_probe.video_seconds - landscape_probe.audio_seconds) <= 0.5
        assert 0 < landscape_probe.video_seconds - last <= 2.5

    def test_photos_appear_in_order(self, landscape: tuple[EngineReport, Path]) -> None:
        sampled = [top_left_mean(f) for f in frames(landscape[1], 4, (64, 36))]
        red = [i for i, m in enumerate(sampled) if near(m, RED)]
        green = [i for i, m in enumerate(sampled) if near(m, GREEN)]
        assert red and green
        assert max(red) < min(green)

    def test_captions_are_burned_in_while_speaking_only(
        self, landscape: tuple[EngineReport, Path]
    ) -> None:
        bands = frames(landscape[1], 2, (640, 72), crop="crop=iw:ih*0.2:0:ih*0.8")
        masks = [white_pixels(b) for b in bands]
        captioned = [m for m in masks if len(m) > 80]
        assert len(captioned) >= 3
        assert len(masks[-1]) < 5  # the closing card comes after the last word
        assert any(len(a ^ b) > 200 for a in captioned for b in captioned)  # text changes

    def test_thumbnail_is_a_jpeg_of_the_first_photo(
        self, landscape: tuple[EngineReport, Path]
    ) -> None:
        thumb = landscape[1].with_suffix(".jpg")
        with Image.open(thumb) as img:
            assert img.format == "JPEG"
            assert img.size == (640, 360)
            assert near(top_left_mean(img.convert("RGB")), RED)


def test_unicode_portrait_without_photos_uses_a_title_card(tmp_path: Path) -> None:
    script = (
        "Très belle maison près du lac, à Genève. "
        "Ελληνικά και русский текст. 日本語のテキストです。"
    )
    with LocalEngine(tmp_path / "engine") as engine:
        request = RenderRequest(
            handle="unicode-1",
            title="Maison du Lac — Ωμέγα — 湖の家",
            script=script,
            avatar_id="sofia_warm",
            voice_id="fr-fr+f3",
            aspect_ratio=AspectRatio.PORTRAIT,
            background_color="#2255cc",
        )
        report = engine.wait(engine.create(request), timeout=120)
        assert report.status is VideoStatus.COMPLETED, report.error
        assert report.video_url
        video = local_file(engine, report.video_url, tmp_path)
    p = probe(video)
    assert (p.width, p.height, p.video_codec, p.audio_codec) == (720, 1280, "h264", "aac")
    assert abs(p.video_seconds - p.audio_seconds) <= 0.5
    sampled = frames(video, 1, (36, 64))
    middle = sampled[len(sampled) // 2]
    r, g, b = top_left_mean(middle)
    assert b > r + 40 and b > g  # the generated card in the requested blue


def test_square_1080p_skips_missing_and_corrupt_photos(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good, corrupt = tmp_path / "good.jpg", tmp_path / "corrupt.jpg"
    good.write_bytes(photo_jpeg(GREEN, PURPLE))
    corrupt.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    photos = (
        Photo(url=str(tmp_path / "missing.jpg")),
        Photo(url=corrupt.as_uri()),
        Photo(url=good.as_uri()),
    )
    caplog.set_level(logging.WARNING, logger="revideo.adapters.local_engine")
    with LocalEngine(tmp_path / "engine") as engine:
        request = RenderRequest(
            handle="square-1",
            title="Green Cottage",
            script="A green cottage with a purple door.",
            avatar_id="priya_luxury",
            voice_id="en-gb",
            aspect_ratio=AspectRatio.SQUARE,
            resolution="1080p",
            photos=photos,
        )
        report = engine.wait(engine.create(request), timeout=120)
        assert report.status is VideoStatus.COMPLETED, report.error
        assert report.video_url
        video = local_file(engine, report.video_url, tmp_path)
    skipped = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "missing.jpg" in skipped and "corrupt.jpg" in skipped
    p = probe(video)
    assert (p.width, p.height) == (1080, 1080)
    assert any(near(top_left_mean(f), GREEN) for f in frames(video, 4, (36, 36)))


def test_an_ffmpeg_failure_fails_the_render_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(broken))
    with LocalEngine(tmp_path / "engine") as engine:
        request = RenderRequest(
            handle="broken-1", title="Broken", script="Hello.", avatar_id="amelia_classic",
            voice_id="en-us",
        )  # fmt: skip
        report = engine.wait(engine.create(request), timeout=60)
    assert report.status is VideoStatus.FAILED
    assert report.error and "exited with 3" in report.error and "libx264" in report.error
    assert report.video_url is None
