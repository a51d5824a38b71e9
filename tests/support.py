"""Test helpers shared by the suites: a hand-driven clock and small builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.adapters.memory.engine import FakeVideoEngine
from revideo.adapters.memory.store import InMemoryMediaStore, OutboxMailer
from revideo.bootstrap import Services, bootstrap
from revideo.domain.keys import render_key
from revideo.domain.profile import Actor, Role
from revideo.domain.property import Address, PropertyInput, Specs
from revideo.domain.video import Video
from revideo.settings import load

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def image(kind: str = "JPEG", size: tuple[int, int] = (8, 6), **save: object) -> bytes:
    """A real image of the given Pillow format and size (extra `save` options: exif=…)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, kind, **save)
    return out.getvalue()


def pixels(data: bytes) -> tuple[str, tuple[int, int]]:
    """What an image decodes as: its format and size."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as found:
        found.load()
        return str(found.format), found.size


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def memory_services(
    clock: Clock, backend: object | None = None, engine: object | None = None
) -> Services:
    """Services over the in-memory database, the fake engine and an in-memory store."""
    env = {"REVIDEO_DATA_DIR": "/nonexistent", "REVIDEO_ENGINE": "fake", "REVIDEO_SECRET_KEY": "t"}
    settings = load(env, dotenv=False)
    return bootstrap(
        settings,
        backend=backend or InMemoryDatabase(clock=clock),
        engine=engine or FakeVideoEngine(clock),  # type: ignore[arg-type]
        store=InMemoryMediaStore(),
        mailer=OutboxMailer(),
        clock=clock,
    )


def sample_property(title: str = "Sunny loft", city: str = "Austin") -> PropertyInput:
    return PropertyInput(
        title=title,
        category="residential",
        address=Address(street="12 Oak St", city=city, state="TX", zip="78701"),
        specs=Specs(price="450000", area="1200", beds=2, baths="1.5", amenities=["Pool", "Gym"]),
        description="Bright corner unit.",
    )


def user(backend: object, email: str, role: Role = Role.USER) -> Actor:
    profile = backend.add_user(email, role=role)  # type: ignore[attr-defined]
    return Actor.user(profile.id, role=role, email=email)


def archived_path(video: Video, ext: str = "mp4") -> str:
    """Where the archive step keeps a render: its own path for each attempt."""
    return render_key(video.user_id, video.id, video.attempt_count, video.engine_video_id, ext)
