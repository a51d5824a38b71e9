"""`import revideo` as a library user sees it."""

from __future__ import annotations

from pathlib import Path

import revideo
from revideo import Actor, PropertyInput, VideoFilter, VideoInput


def settings(tmp_path: Path) -> revideo.Settings:
    env = {"REVIDEO_DATA_DIR": str(tmp_path), "REVIDEO_ENGINE": "fake"}
    return revideo.load_settings(env | {"REVIDEO_BACKEND": "memory"}, dotenv=False)


def test_bootstrap_builds_services_every_time_it_is_called(tmp_path: Path) -> None:
    first = revideo.bootstrap(settings(tmp_path))
    second = revideo.bootstrap(settings(tmp_path))
    assert isinstance(first, revideo.Services) and isinstance(second, revideo.Services)
    assert first.backend is not second.backend
    import revideo.bootstrap as root  # importing the module by name changes nothing

    third = revideo.bootstrap(settings(tmp_path))
    assert isinstance(third, root.Services)


def test_the_exports_cover_the_studio_flow(tmp_path: Path) -> None:
    services = revideo.bootstrap(settings(tmp_path))
    owner = services.backend.add_user("agent@example.com")
    agent = Actor.user(owner.id, email=owner.email)
    home = services.properties.create(agent, PropertyInput(title="Loft", category="resale"))
    script = services.videos.write_script(agent, home.id, "rent")
    avatar, voice = services.engine.avatars()[0].id, services.engine.voices()[0].id
    data = VideoInput(home.id, "Loft tour", script.text, avatar, voice, purpose="rent")
    draft = services.videos.create_draft(agent, data)
    assert services.videos.list(agent, VideoFilter(search="Loft")).items == [draft]
    assert services.videos.list(agent, VideoFilter(search="Nowhere")).items == []
