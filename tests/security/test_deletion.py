"""
Issue 15 #7: deleting a property removes every stored object it owned, its photos and the
archived MP4 and JPG of each of its videos, on every media store: over HTTP against the real
app on the files store (embedded PostgreSQL) and on Supabase Storage (the stand-in); the
in-memory store through the library.
"""

from __future__ import annotations

from typing import Any

import httpx

from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.media_store import PHOTOS_BUCKET, VIDEOS_BUCKET
from revideo.ports.repositories import VideoFilter
from revideo.services.properties import Upload
from revideo.services.videos import VideoInput
from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, Live, fields, files_under
from tests.support import Clock, image, memory_services, sample_property, user

backend, services, standin, supabase_backend, live, live_pg = fx.FIXTURES  # fixtures


def status_of(agent: Agent, url: str) -> int:
    """What a browser gets for a stored object's public URL (ours or Supabase's)."""
    if url.startswith("/"):
        return agent.get(url).status_code
    return httpx.get(url).status_code


def finished_video(live: Live, agent: Agent, prop: str, clock: Clock) -> Any:
    key = agent.fill_studio(prop)
    form = {"title": "Tour", "purpose": "sale", "aspect_ratio": "16:9", "submission_key": key}
    answer = agent.post("/videos/new/options", form)
    assert answer.status_code == 302, fields(answer)
    clock.advance(minutes=5)
    live.services.pipeline.sync()
    live.services.pipeline.archive()
    with live.services.backend.unit_of_work(Actor.service()) as uow:
        video = uow.videos.list(VideoFilter(property_id=prop), PageRequest(1, 5)).items[0]
    assert video.archived_at is not None and video.thumbnail_url
    return video


def test_deleting_a_property_removes_its_photos_and_archived_renders(
    live: Live, clock: Clock
) -> None:
    agent = live.agent("ann@example.com")
    key = agent.fill_wizard([("a.jpg", image()), ("b.png", image("PNG"))])
    prop = agent.post("/properties/new/review", {"submission_key": key}).headers["location"]
    prop_id = prop.rsplit("/", 1)[1]
    video = finished_video(live, agent, prop_id, clock)
    photos = [m.public_url for m in live.services.properties.photos(Actor.service(), prop_id)]
    urls = [*photos, video.video_url, video.thumbnail_url]
    assert [status_of(agent, u) for u in urls] == [200] * 4

    agent.page_token(f"{prop}/delete")
    assert agent.post(f"{prop}/delete").status_code == 302

    assert [status_of(agent, u) >= 400 for u in urls] == [True] * 4
    assert files_under(live.root / "media") == []  # files store; Supabase's lives elsewhere


def test_the_memory_store_loses_them_too() -> None:
    clock = Clock()
    svc = memory_services(clock)
    store: Any = svc.store
    owner = user(svc.backend, "bob@example.com")
    prop = svc.properties.create(owner, sample_property(), [Upload(image())])
    talk = {"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
    video = svc.videos.create_draft(owner, VideoInput(prop.id, "Tour", "Hello there.", **talk))
    svc.videos.submit(owner, video.id)
    clock.advance(minutes=5)
    svc.pipeline.sync()
    svc.pipeline.archive()
    buckets = {bucket for bucket, _ in store.objects}
    assert buckets == {PHOTOS_BUCKET, VIDEOS_BUCKET} and len(store.objects) == 3
    svc.properties.delete(owner, prop.id)
    assert store.objects == {}
