"""
Issue 15 #8: a double click on a creating form makes one record and one render.

Each creating form carries a one-time submission key that the database takes once per user
(a unique constraint); the second submit of the same form is shown what the first made. Two
uploads at once keep the gallery's places unique (a unique constraint, and appends that queue
on the property). The races run over HTTP against the real app on the embedded PostgreSQL.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from revideo.domain.profile import Actor
from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, Live, fields, rows
from tests.support import image

# fixtures
backend, services, standin, supabase_backend = (
    fx.backend,
    fx.services,
    fx.standin,
    fx.supabase_backend,
)
live, live_pg = fx.live, fx.live_pg


def at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Send the requests together, as two quick clicks do (each released by one barrier)."""
    gate = threading.Barrier(len(calls))

    def go(call: Callable[[], httpx.Response]) -> httpx.Response:
        gate.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def new_property(agent: Agent, photos: int = 0) -> str:
    key = agent.fill_wizard([(f"p{i}.jpg", image()) for i in range(photos)])
    answer = agent.post("/properties/new/review", {"submission_key": key})
    assert answer.status_code == 302, fields(answer)
    return answer.headers["location"].rsplit("/", 1)[1]


def test_two_clicks_on_create_make_one_property(live_pg: Live) -> None:
    first = live_pg.agent("ann@example.com")
    key = first.fill_wizard([("a.jpg", image()), ("b.png", image("PNG"))])
    second = first.twin()
    answers = at_once(
        lambda: first.post("/properties/new/review", {"submission_key": key}),
        lambda: second.post("/properties/new/review", {"submission_key": key}),
    )
    assert [a.status_code for a in answers] == [302, 302], [fields(a) for a in answers]
    places = {a.headers["location"] for a in answers}
    assert len(places) == 1 and "/properties/" in places.pop()
    found = rows(live_pg.services)
    assert (found.properties, found.photos) == (1, 2)


def test_two_clicks_on_generate_make_one_video_and_one_render(live_pg: Live) -> None:
    agent = live_pg.agent("ben@example.com")
    prop = new_property(agent)
    key = agent.fill_studio(prop)
    twin = agent.twin()
    form = {"title": "Loft tour", "purpose": "sale", "aspect_ratio": "16:9", "submission_key": key}
    answers = at_once(
        lambda: agent.post("/videos/new/options", form),
        lambda: twin.post("/videos/new/options", form),
    )
    assert [a.status_code for a in answers] == [302, 302], [fields(a) for a in answers]
    assert len({a.headers["location"] for a in answers}) == 1
    assert rows(live_pg.services).videos == 1
    engine: Any = live_pg.services.engine
    assert engine.create_calls == 1  # one paid render


def test_a_create_form_sent_again_shows_the_first_property(live: Live) -> None:
    """Later, not at once (the back button, a reload): still one property, on both backends."""
    agent = live.agent("cat@example.com")
    key = agent.fill_wizard([("a.jpg", image())])
    first = agent.post("/properties/new/review", {"submission_key": key})
    again = agent.post("/properties/new/review", {"submission_key": key})
    assert (first.status_code, again.status_code) == (302, 302)
    assert first.headers["location"] == again.headers["location"]
    assert (rows(live.services).properties, rows(live.services).photos) == (1, 1)


def test_a_create_without_its_key_is_refused_by_name(live_pg: Live) -> None:
    agent = live_pg.agent("dan@example.com")
    agent.fill_wizard()
    for key in ("", "not-a-uuid", "ﬀ" * 36):
        answer = agent.post("/properties/new/review", {"submission_key": key})
        assert answer.status_code == 400 and "submission_key" in fields(answer), key
    assert rows(live_pg.services).properties == 0


def test_two_uploads_at_once_keep_every_place_once(live_pg: Live) -> None:
    agent = live_pg.agent("eve@example.com")
    prop = new_property(agent)
    twin = agent.twin()
    batch = [(f"p{i}.jpg", image(size=(16, 12))) for i in range(15)]
    answers = at_once(
        lambda: agent.upload(f"/properties/{prop}/photos", batch),
        lambda: twin.upload(f"/properties/{prop}/photos", batch),
    )
    assert [a.status_code for a in answers] == [302, 302], [fields(a) for a in answers]
    with live_pg.services.backend.unit_of_work(Actor.service()) as uow:
        places = [m.order for m in uow.media.for_property(prop)]
    assert places == list(range(30))


def test_the_database_takes_a_submission_key_once(pg_server: Any, live_pg: Live) -> None:
    live_pg.agent("fay@example.com")
    key = str(uuid.uuid4())
    with psycopg.connect(pg_server.admin, autocommit=True) as conn:
        user = conn.execute("SELECT id FROM auth.users LIMIT 1").fetchone()[0]
        insert = (
            "INSERT INTO public.properties (user_id, title, submission_key) VALUES (%s, 'x', %s)"
        )
        conn.execute(insert, [user, key])
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(insert, [user, key])


def test_the_database_keeps_a_gallery_place_once(pg_server: Any, live_pg: Live) -> None:
    agent = live_pg.agent("gus@example.com")
    prop = new_property(agent, photos=1)
    with psycopg.connect(pg_server.admin, autocommit=True) as conn:
        user = conn.execute("SELECT id FROM auth.users LIMIT 1").fetchone()[0]
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "INSERT INTO public.property_media (property_id, user_id, storage_path,"
                " public_url, mime_type, \"order\") VALUES (%s, %s, 'p', 'u', 'image/png', 0)",
                [prop, user],
            )


def test_two_clicks_on_save_ad_figures_make_one_record(live_pg: Live) -> None:
    agent = live_pg.agent("hal@example.com")
    prop = new_property(agent)
    key = agent.fill_studio(prop)
    form = {"title": "Tour", "purpose": "sale", "aspect_ratio": "16:9", "submission_key": key}
    video = agent.post("/videos/new/options", form).headers["location"].rsplit("/", 1)[1]
    figures = {
        "video_id": video,
        "platform": "meta",
        "date_recorded": "2026-11-20",
        "spend_amount": "12.50",
        "impressions": "1000",
        "clicks": "10",
        "leads": "2",
        "submission_key": agent.key_on("/ads/new"),
    }
    twin = agent.twin()
    answers = at_once(
        lambda: agent.post("/ads/new", figures), lambda: twin.post("/ads/new", figures)
    )
    assert [a.status_code for a in answers] == [302, 302], [fields(a) for a in answers]
    assert rows(live_pg.services).ads == 1
