"""Contract: profiles, properties and photos behave alike on every backend."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from revideo.domain.errors import Duplicate, Forbidden, NotFound
from revideo.domain.page import PageRequest
from revideo.domain.profile import Role
from revideo.domain.property import Address, PropertyCategory
from revideo.ports.repositories import PropertyFilter, VideoFilter
from tests.contract.conftest import (
    ANON,
    SYSTEM,
    World,
    a_photo,
    a_property,
    a_video,
    new_id,
)


def bare(value: Any) -> Any:
    """The value without the timestamps the store fills in."""
    stamps = {f.name: None for f in attrs.fields(type(value)) if f.name.endswith("_at")}
    stamps.pop("started_at", None)
    stamps.pop("completed_at", None)
    stamps.pop("archived_at", None)
    return attrs.evolve(value, **stamps)


class TestProfiles:
    def test_a_new_user_has_a_profile_with_name_and_role(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            me = uow.profiles.get(world.alice.id)
        assert (me.email, me.full_name, me.role) == ("alice@example.test", "Alice Agent", Role.USER)
        assert world.admin.role is Role.ADMIN
        assert me.created_at is not None

    def test_the_same_email_twice_is_a_duplicate(self, world: World) -> None:
        with pytest.raises(Duplicate):
            world.db.add_user("Alice@Example.test")

    def test_a_user_lists_only_themself_and_an_admin_lists_all_by_email(self, world: World) -> None:
        with world.uow(world.bob) as uow:
            assert [p.id for p in uow.profiles.list(PageRequest()).items] == [world.bob.id]
        with world.uow(world.admin) as uow:
            page = uow.profiles.list(PageRequest(size=2))
        assert page.total == 3
        assert [p.email for p in page.items] == ["admin@example.test", "alice@example.test"]

    def test_update_saves_name_and_avatar_but_keeps_the_role(self, world: World) -> None:
        changed = attrs.evolve(
            world.alice, full_name="Alice A.", avatar_url="http://127.0.0.1/a.png", role=Role.ADMIN
        )
        with world.uow(world.alice) as uow:
            saved = uow.profiles.update(changed)
        with world.uow(world.alice) as uow:
            again = uow.profiles.get(world.alice.id)
        assert (again.full_name, again.avatar_url, again.role) == (
            "Alice A.",
            "http://127.0.0.1/a.png",
            Role.USER,
        )
        assert saved.role is Role.USER

    def test_only_an_admin_or_the_system_changes_roles(self, world: World) -> None:
        with pytest.raises(Forbidden), world.uow(world.alice) as uow:
            uow.profiles.set_role(world.alice.id, Role.ADMIN)
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.profiles.set_role(world.bob.id, Role.ADMIN)
        with world.uow(world.admin) as uow:
            assert uow.profiles.set_role(world.bob.id, Role.ADMIN).role is Role.ADMIN
        with world.uow(SYSTEM) as uow:
            assert uow.profiles.set_role(world.bob.id, Role.USER).role is Role.USER

    def test_a_user_or_the_system_ends_a_users_sessions(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            start = uow.profiles.get(world.alice.id).session_epoch
            assert uow.profiles.end_sessions(world.alice.id).session_epoch == start + 1
        with world.uow(SYSTEM) as uow:
            assert uow.profiles.end_sessions(world.alice.id).session_epoch == start + 2
        with pytest.raises(NotFound), world.uow(world.bob) as uow:
            uow.profiles.end_sessions(world.alice.id)
        with pytest.raises(Forbidden), world.uow(world.admin) as uow:
            uow.profiles.end_sessions(world.alice.id)
        with world.uow(world.alice) as uow:
            assert uow.profiles.get(world.alice.id).session_epoch == start + 2

    def test_others_profiles_are_hidden_or_read_only(self, world: World) -> None:
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.profiles.get(world.bob.id)
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.profiles.update(attrs.evolve(world.bob, full_name="hacked"))
        with pytest.raises(Forbidden), world.uow(world.admin) as uow:
            uow.profiles.update(attrs.evolve(world.bob, full_name="hacked"))
        with pytest.raises(NotFound), world.uow(ANON) as uow:
            uow.profiles.get(world.alice.id)


class TestProperties:
    def test_add_then_get_returns_what_was_stored(self, world: World) -> None:
        prop = a_property(world.alice.id)
        with world.uow(world.alice) as uow:
            added = uow.properties.add(prop)
        with world.uow(world.alice) as uow:
            got = uow.properties.get(prop.id)
        assert bare(added) == bare(got) == bare(prop)
        assert got.created_at is not None and got.updated_at is not None

    def test_update_changes_fields_but_not_owner_or_creation(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            added = uow.properties.add(a_property(world.alice.id))
        edited = attrs.evolve(
            added, title="14 Elm", category="commercial", address=Address(city="Dallas")
        )
        with world.uow(world.alice) as uow:
            saved = uow.properties.update(edited)
            again = uow.properties.get(added.id)
        assert bare(saved) == bare(again) == bare(edited)
        assert again.created_at == added.created_at

    def test_list_is_newest_first_and_paged(self, world: World) -> None:
        ids = []
        for n in range(5):
            with world.uow(world.alice) as uow:
                ids.append(uow.properties.add(a_property(world.alice.id, title=f"P{n}")).id)
        with world.uow(world.alice) as uow:
            first = uow.properties.list(PropertyFilter(), PageRequest(number=1, size=2))
            last = uow.properties.list(PropertyFilter(), PageRequest(number=3, size=2))
            beyond = uow.properties.list(PropertyFilter(), PageRequest(number=9, size=2))
        assert [p.id for p in first.items] == ids[::-1][:2]
        assert [p.id for p in last.items] == [ids[0]]
        assert (first.total, first.pages, first.has_next, last.has_next) == (5, 3, True, False)
        assert (list(beyond.items), beyond.total) == ([], 5)

    def test_list_filters_by_category_city_and_text(self, world: World) -> None:
        a = a_property(world.alice.id, title="Loft", category="commercial")
        b = a_property(
            world.alice.id, title="Cabin", address=Address(street="1 Pine Rd", city="Denver")
        )
        c = a_property(world.alice.id, title="Villa", description="Ocean VIEW")
        with world.uow(world.alice) as uow:
            for p in (a, b, c):
                uow.properties.add(p)
            listed = uow.properties.list

            def ids(f: PropertyFilter) -> set[str]:
                return {p.id for p in listed(f, PageRequest()).items}

            assert ids(PropertyFilter(category=PropertyCategory.COMMERCIAL)) == {a.id}
            assert ids(PropertyFilter(city="denver")) == {b.id}
            assert ids(PropertyFilter(search="ocean view")) == {c.id}
            assert ids(PropertyFilter(search="pine rd, denver")) == {b.id}
            assert ids(PropertyFilter(search="nowhere")) == set()

    def test_cities_are_distinct_sorted_and_only_visible_ones(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            for city in ("Waco", "Austin", "Waco", ""):
                uow.properties.add(a_property(world.alice.id, address=Address(city=city)))
        with world.uow(world.bob) as uow:
            uow.properties.add(a_property(world.bob.id, address=Address(city="Boston")))
        with world.uow(world.alice) as uow:
            assert uow.properties.cities() == ["Austin", "Waco"]
        with world.uow(world.admin) as uow:
            assert uow.properties.cities() == ["Austin", "Boston", "Waco"]

    def test_unknown_ids_are_not_found(self, world: World) -> None:
        for key in (new_id(), "not-a-uuid"):
            with pytest.raises(NotFound), world.uow(world.alice) as uow:
                uow.properties.get(key)
            with pytest.raises(NotFound), world.uow(world.alice) as uow:
                uow.properties.delete(key)

    def test_the_same_id_twice_is_a_duplicate(self, world: World) -> None:
        prop = a_property(world.alice.id)
        with world.uow(world.alice) as uow:
            uow.properties.add(prop)
        with pytest.raises(Duplicate), world.uow(world.alice) as uow:
            uow.properties.add(attrs.evolve(prop, title="Again"))

    def test_delete_takes_photos_videos_jobs_and_ads_along(self, world: World) -> None:
        mine = world.owned(world.alice)
        theirs = world.owned(world.bob)
        with world.uow(world.alice) as uow:
            uow.properties.delete(mine.prop.id)
        with world.uow(SYSTEM) as uow:
            for repo, key in (
                (uow.properties, mine.prop.id),
                (uow.media, mine.photo.id),
                (uow.videos, mine.video.id),
                (uow.render_jobs, mine.job.id),
                (uow.ads, mine.ad.id),
            ):
                with pytest.raises(NotFound):
                    repo.get(key)
            assert uow.videos.get(theirs.video.id).id == theirs.video.id


class TestMedia:
    def test_photos_come_back_in_gallery_order_and_can_be_reordered(self, world: World) -> None:
        with world.uow(world.alice) as uow:
            prop = uow.properties.add(a_property(world.alice.id))
            photos = [uow.media.add(a_photo(world.alice.id, prop.id, order=n)) for n in (2, 0, 1)]
        with world.uow(world.alice) as uow:
            assert [m.order for m in uow.media.for_property(prop.id)] == [0, 1, 2]
            uow.media.set_orders([attrs.evolve(m, order=n) for n, m in enumerate(photos)])
        with world.uow(world.alice) as uow:
            assert [m.id for m in uow.media.for_property(prop.id)] == [m.id for m in photos]
            uow.media.delete(photos[0].id)
            assert len(uow.media.for_property(prop.id)) == 2
            assert bare(uow.media.get(photos[1].id)) == bare(attrs.evolve(photos[1], order=1))

    def test_a_photo_needs_a_property_of_its_owner(self, world: World) -> None:
        theirs = world.owned(world.bob)
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.media.add(a_photo(world.alice.id, theirs.prop.id))
        with pytest.raises(NotFound), world.uow(world.alice) as uow:
            uow.media.add(a_photo(world.alice.id, new_id()))

    def test_a_video_needs_a_property_of_its_owner(self, world: World) -> None:
        theirs = world.owned(world.bob)
        with pytest.raises(NotFound), world.uow(world.admin) as uow:
            uow.videos.add(a_video(world.admin.id, theirs.prop.id))
        with world.uow(world.admin) as uow:
            assert uow.videos.list(VideoFilter(), PageRequest()).total == 1
