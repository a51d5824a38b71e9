"""
The repository contract: one suite, run unchanged against every backend.

`backend` is the in-memory database or a PostgresDatabase on a clean
database (the `pg_database` fixture of tests.fixtures.postgres).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.domain.ads import AdRecord
from revideo.domain.media import PropertyMedia
from revideo.domain.profile import Actor, Profile, Role
from revideo.domain.property import Address, Property, Specs
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        return InMemoryDatabase()
    return request.getfixturevalue("pg_database")


def new_id() -> str:
    return str(uuid.uuid4())


def a_property(owner: str, **changes: Any) -> Property:
    base = Property(
        id=new_id(),
        user_id=owner,
        title="12 Oak Street",
        category="residential",
        address=Address(street="12 Oak St", city="Austin", state="TX", zip="78701"),
        specs=Specs(price="450000.00", area="1850.5", beds=3, baths="2.5", amenities=["pool"]),
        description="Sunny corner lot",
    )
    return attrs.evolve(base, **changes)


def a_photo(owner: str, property_id: str, order: int = 0) -> PropertyMedia:
    media_id = new_id()
    return PropertyMedia(
        id=media_id,
        property_id=property_id,
        user_id=owner,
        storage_path=f"{owner}/{media_id}.jpg",
        public_url=f"http://127.0.0.1/{owner}/{media_id}.jpg",
        mime_type="image/jpeg",
        order=order,
    )


def a_video(owner: str, property_id: str, **changes: Any) -> Video:
    base = Video(id=new_id(), user_id=owner, property_id=property_id, title="Oak tour")
    return attrs.evolve(base, **changes)


def a_job(owner: str, video_id: str, **changes: Any) -> RenderJob:
    base = RenderJob(
        id=new_id(),
        video_id=video_id,
        user_id=owner,
        attempt_count=1,
        started_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    )
    return attrs.evolve(base, **changes)


def an_ad(owner: str, video_id: str, day: date, **changes: Any) -> AdRecord:
    base = AdRecord(
        id=new_id(),
        video_id=video_id,
        user_id=owner,
        platform="meta",
        date_recorded=day,
        spend_amount=Decimal("12.50"),
        impressions=1000,
        clicks=25,
        leads=2,
    )
    return attrs.evolve(base, **changes)


@attrs.define
class Owned:
    """One user's chain of rows: property, photo, video, render job, ad row."""

    prop: Property
    photo: PropertyMedia
    video: Video
    job: RenderJob
    ad: AdRecord


@attrs.define
class World:
    """Three users (alice, bob, an admin) on a backend, and helpers to act as them."""

    db: Any
    alice: Profile
    bob: Profile
    admin: Profile

    def actor(self, who: Profile | Actor) -> Actor:
        if isinstance(who, Actor):
            return who
        return Actor.user(who.id, who.role, who.email)

    def uow(self, who: Profile | Actor) -> Any:
        return self.db.unit_of_work(self.actor(who))

    def owned(self, who: Profile, day: date = date(2026, 11, 2)) -> Owned:
        """Create a full chain of rows for `who`, as `who`."""
        with self.uow(who) as uow:
            prop = uow.properties.add(a_property(who.id))
            photo = uow.media.add(a_photo(who.id, prop.id))
            video = uow.videos.add(a_video(who.id, prop.id))
            job = uow.render_jobs.add(a_job(who.id, video.id))
            ad = uow.ads.add(an_ad(who.id, video.id, day))
        return Owned(prop, photo, video, job, ad)


@pytest.fixture
def world(backend: Any) -> World:
    return World(
        db=backend,
        alice=backend.add_user("alice@example.test", full_name="Alice Agent"),
        bob=backend.add_user("bob@example.test", full_name="Bob Broker"),
        admin=backend.add_user("admin@example.test", role=Role.ADMIN, full_name="Ada Admin"),
    )


SYSTEM = Actor.service()
ANON = Actor.anonymous()
