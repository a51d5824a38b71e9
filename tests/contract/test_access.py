"""
Contract: who may read and change which rows (design.md §3), for every table,
through the repositories. A user sees and changes only their own rows; an
admin reads everything but changes only their own; anonymous sees nothing;
the system does anything.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.page import PageRequest
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from tests.contract.conftest import ANON, SYSTEM, Owned, World, a_photo, a_property, a_video, an_ad

# repository attribute on the unit of work -> the Owned field it holds
TABLES = {
    "properties": "prop",
    "media": "photo",
    "videos": "video",
    "render_jobs": "job",
    "ads": "ad",
}


def changed(value: Any) -> Any:
    """A harmless edit of a row of any table."""
    for field, new in (("title", "Changed"), ("leads", 99), ("order", 5), ("engine_video_id", "x")):
        if hasattr(value, field):
            return attrs.evolve(value, **{field: new})
    raise AssertionError(value)


def change(uow: Any, table: str, row: Any) -> None:
    if table == "media":  # photos change only their place in the gallery
        uow.media.set_orders([changed(row)])
    else:
        getattr(uow, table).update(changed(row))


def delete(uow: Any, table: str, row: Any) -> None:
    if table == "render_jobs":  # jobs are removed with their video
        uow.videos.delete(row.video_id)
    else:
        getattr(uow, table).delete(row.id)


def visible(uow: Any) -> dict[str, set[str]]:
    """Ids each list-style query returns for the actor."""
    page = PageRequest(size=200)
    props = uow.properties.list(PropertyFilter(), page).items
    videos = uow.videos.list(VideoFilter(), page).items
    return {
        "properties": {p.id for p in props},
        "media": {m.id for p in props for m in uow.media.for_property(p.id)},
        "videos": {v.id for v in videos},
        "render_jobs": {j.id for v in videos for j in uow.render_jobs.for_video(v.id)},
        "ads": {a.id for a in uow.ads.list(AdFilter(), page).items},
    }


@pytest.fixture
def rows(world: World) -> tuple[Owned, Owned]:
    return world.owned(world.alice), world.owned(world.bob)


@pytest.mark.parametrize("table", TABLES)
class TestEveryTable:
    def test_another_user_can_neither_read_change_nor_delete(
        self, world: World, rows: tuple[Owned, Owned], table: str
    ) -> None:
        row = getattr(rows[0], TABLES[table])
        with pytest.raises(NotFound), world.uow(world.bob) as uow:
            getattr(uow, table).get(row.id)
        with pytest.raises(NotFound), world.uow(world.bob) as uow:
            change(uow, table, row)
        with pytest.raises(NotFound), world.uow(world.bob) as uow:
            delete(uow, table, row)
        with world.uow(world.bob) as uow:
            assert row.id not in visible(uow)[table]
        with world.uow(world.alice) as uow:
            assert getattr(uow, table).get(row.id) == row

    def test_an_admin_reads_all_but_changes_only_their_own(
        self, world: World, rows: tuple[Owned, Owned], table: str
    ) -> None:
        row = getattr(rows[0], TABLES[table])
        with world.uow(world.admin) as uow:
            assert getattr(uow, table).get(row.id) == row
            assert row.id in visible(uow)[table]
        with pytest.raises(Forbidden), world.uow(world.admin) as uow:
            change(uow, table, row)
        with pytest.raises(Forbidden), world.uow(world.admin) as uow:
            delete(uow, table, row)
        with world.uow(world.alice) as uow:
            assert getattr(uow, table).get(row.id) == row

    def test_anonymous_sees_nothing(
        self, world: World, rows: tuple[Owned, Owned], table: str
    ) -> None:
        row = getattr(rows[0], TABLES[table])
        with pytest.raises(NotFound), world.uow(ANON) as uow:
            getattr(uow, table).get(row.id)
        with pytest.raises(NotFound), world.uow(ANON) as uow:
            change(uow, table, row)
        with world.uow(ANON) as uow:
            assert visible(uow)[table] == set()

    def test_the_system_reads_and_changes_anything(
        self, world: World, rows: tuple[Owned, Owned], table: str
    ) -> None:
        row = getattr(rows[0], TABLES[table])
        with world.uow(SYSTEM) as uow:
            assert getattr(uow, table).get(row.id) == row
            change(uow, table, row)
            assert visible(uow)[table] >= {row.id, getattr(rows[1], TABLES[table]).id}


class TestCreating:
    def test_nobody_creates_rows_in_someone_elses_name(self, world: World) -> None:
        theirs = world.owned(world.bob)
        bob = world.bob.id
        for actor in (world.alice, world.admin, ANON):
            attempts = (
                lambda uow: uow.properties.add(a_property(bob)),
                lambda uow: uow.media.add(a_photo(bob, theirs.prop.id)),
                lambda uow: uow.videos.add(a_video(bob, theirs.prop.id)),
                lambda uow: uow.ads.add(
                    an_ad(bob, theirs.video.id, theirs.ad.date_recorded.replace(day=9))
                ),
            )
            for attempt in attempts:
                with pytest.raises(Forbidden), world.uow(actor) as uow:
                    attempt(uow)
        with world.uow(world.bob) as uow:
            assert visible(uow) == {
                "properties": {theirs.prop.id},
                "media": {theirs.photo.id},
                "videos": {theirs.video.id},
                "render_jobs": {theirs.job.id},
                "ads": {theirs.ad.id},
            }

    def test_the_system_creates_rows_for_a_user(self, world: World) -> None:
        with world.uow(SYSTEM) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
        with world.uow(world.alice) as uow:
            assert uow.properties.get(prop.id).user_id == world.alice.id

    def test_a_failed_unit_of_work_leaves_nothing_behind(self, world: World) -> None:
        prop = a_property(world.alice.id)
        with pytest.raises(RuntimeError), world.uow(world.alice) as uow:
            uow.properties.add(prop)
            raise RuntimeError("boom")
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.properties.get(prop.id)
