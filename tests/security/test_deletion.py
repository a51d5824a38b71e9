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
from revideo.services.videos import VideoInput
from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, Live, fields, files_under
from tests.support import Clock, image, memory_services, sample_property, user
from tests.web.conftest import PASSWORD

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
    public = [p for p in files_under(live.root / "media") if "staging" not in p.parts]
    assert public == []  # files store; Supabase's lives elsewhere (drafts stay staged)


def test_the_memory_store_loses_them_too() -> None:
    from revideo.services.properties import Upload

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


def new_property(agent: Agent, photos: int) -> str:
    key = agent.fill_wizard([(f"p{i}.jpg", image()) for i in range(photos)])
    answer = agent.post("/properties/new/review", {"submission_key": key})
    assert answer.status_code == 302, fields(answer)
    return str(answer.headers["location"]).rsplit("/", 1)[1]


def stored_urls(live: Live, prop: str) -> list[str]:
    photos = [m.public_url for m in live.services.properties.photos(Actor.service(), prop)]
    with live.services.backend.unit_of_work(Actor.service()) as uow:
        videos = uow.videos.list(VideoFilter(property_id=prop), PageRequest(1, 5)).items
    return [*photos, *(u for v in videos for u in (v.video_url, v.thumbnail_url) if u)]


def test_deleting_an_account_removes_every_object_it_stored(live: Live, clock: Clock) -> None:
    agent = live.agent("cat@example.com")
    first, second = new_property(agent, 2), new_property(agent, 1)
    finished_video(live, agent, first, clock)
    theirs = stored_urls(live, first) + stored_urls(live, second)
    assert len(theirs) == 5 and {status_of(agent, u) for u in theirs} == {200}
    other = live.agent("dog@example.com")
    kept = stored_urls(live, new_property(other, 1))

    agent.page_token("/account/delete")
    wrong = agent.post("/account/delete", {"confirm": "dog@example.com"})
    assert wrong.status_code == 400 and fields(wrong) == ["confirm"]
    answer = agent.post("/account/delete", {"confirm": "cat@example.com"})
    assert answer.status_code == 302, fields(answer)

    assert [status_of(other, u) >= 400 for u in theirs] == [True] * 5
    assert [status_of(other, u) for u in kept] == [200]
    again = Agent(live.url)
    again.page_token("/auth/login")
    assert (
        again.post("/auth/login", {"email": "cat@example.com", "password": PASSWORD}).status_code
        != 302
    )
    owners = {p.relative_to(live.root / "media").parts[1] for p in files_under(live.root / "media")}
    assert len(owners) <= 1  # the files store keeps only dog's (Supabase's lives elsewhere)
    assert fx.rows(live.services).properties == 1


def test_deleting_an_account_empties_the_memory_store_of_it() -> None:
    from revideo.services.properties import Upload

    clock = Clock()
    svc = memory_services(clock)
    store: Any = svc.store
    owner, other = user(svc.backend, "eve@example.com"), user(svc.backend, "fay@example.com")
    for who in (owner, other):
        svc.properties.create(who, sample_property(), [Upload(image()), Upload(image("PNG"))])
    assert len(store.objects) == 4
    svc.users.delete_account(owner)
    assert {path.split("/")[0] for _, path in store.objects} == {other.user_id}
    assert len(store.objects) == 2
