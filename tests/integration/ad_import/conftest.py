"""An agent with two videos, services over the real PostgreSQL (tests/fixtures/postgres.py)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.bootstrap import Services
from revideo.domain.profile import Actor
from revideo.services.videos import VideoInput
from tests.supabase.fixtures import standin, supabase_backend  # noqa: F401  (fixtures)
from tests.support import Clock, memory_services, sample_property, user


@attrs.frozen
class Agent:
    svc: Services
    actor: Actor
    villa: str
    loft: str

    def stored(self) -> list[tuple[Any, ...]]:
        """Every stored row as (video, platform, day, spend, impressions, clicks, leads)."""
        from revideo.domain.page import PageRequest
        from revideo.ports.repositories import AdFilter

        rows, number = [], 1
        with self.svc.backend.unit_of_work(self.actor) as uow:
            while True:
                page = uow.ads.list(AdFilter(), PageRequest(number, 200))
                rows += page.items
                if not page.has_next:
                    break
                number += 1
        return sorted(
            (r.video_id, r.platform.value, r.date_recorded.isoformat(), str(r.spend_amount),
             r.impressions, r.clicks, r.leads)
            for r in rows
        )  # fmt: skip


def make_agent(db: Any) -> Agent:
    svc = memory_services(Clock(), backend=db)
    me = user(db, "agent@example.com")
    prop = svc.properties.create(me, sample_property())
    villa = svc.videos.create_draft(me, VideoInput(prop.id, "Seaside Villa Tour"))
    loft = svc.videos.create_draft(me, VideoInput(prop.id, "City Loft"))
    return Agent(svc, me, villa.id, loft.id)


@pytest.fixture
def agent(pg_database: Any) -> Agent:
    """An agent on the real PostgreSQL."""
    return make_agent(pg_database)


@pytest.fixture(params=["memory", "postgres", "supabase"])
def any_agent(request: pytest.FixtureRequest) -> Agent:
    """An agent on each backend: in memory, PostgreSQL, Supabase (the loopback stand-in)."""
    if request.param == "memory":
        return make_agent(InMemoryDatabase())
    name = "pg_database" if request.param == "postgres" else "supabase_backend"
    return make_agent(request.getfixturevalue(name))
