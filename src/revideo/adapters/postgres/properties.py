"""PostgreSQL repositories for profiles, properties and their photos."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from revideo.adapters.postgres import convert
from revideo.adapters.postgres._table import Table
from revideo.adapters.postgres.errors import database_errors, is_uuid
from revideo.domain.errors import Forbidden
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Profile, Role
from revideo.domain.property import Property
from revideo.ports.repositories import PropertyFilter

_ONE_LINE = (
    "concat_ws(', ', nullif(address->>'street', ''), nullif(address->>'city', ''),"
    " nullif(concat_ws(' ', nullif(address->>'state', ''), nullif(address->>'zip', '')), ''))"
)
_HAYSTACK = f"lower(concat_ws(' ', title, description, {_ONE_LINE}))"


class PostgresProfiles(Table[Profile]):
    table, kind = "profiles", "profile"
    to_domain = staticmethod(convert.profile)

    def list(self, page: PageRequest) -> Page[Profile]:
        return self.page("true", [], 'email COLLATE "C", id', page)

    def update(self, profile: Profile) -> Profile:
        """Save name and avatar; the role is kept (see set_role)."""
        params = {"full_name": profile.full_name, "avatar_url": profile.avatar_url}
        return self.write(profile.id, ["full_name", "avatar_url"], params)

    def set_role(self, user_id: str, role: Role) -> Profile:
        self.row(user_id)
        with database_errors("profile", user_id, action="change the role of"):
            found = self.conn.execute(
                "SELECT * FROM public.set_user_role(%s, %s)", [user_id, role.value]
            ).fetchone()
        if found is None:
            raise Forbidden("change the role of", "profile", user_id)
        return convert.profile(found)

    def end_sessions(self, user_id: str) -> Profile:
        self.row(user_id)
        with database_errors("profile", user_id, action="end the sessions of"):
            found = self.conn.execute("SELECT * FROM public.end_sessions(%s)", [user_id]).fetchone()
        if found is None:
            raise Forbidden("end the sessions of", "profile", user_id)
        return convert.profile(found)


class PostgresProperties(Table[Property]):
    table, kind = "properties", "property"
    to_domain = staticmethod(convert.property_)
    _COLUMNS = ("title", "description", "category", "address", "specs")

    def add(
        self,
        prop: Property,
        submission_key: str | None = None,
        media: Sequence[PropertyMedia] = (),
    ) -> Property:
        params = {**convert.property_params(prop), "submission_key": submission_key}
        created = self.insert(("id", "user_id", *self._COLUMNS, "submission_key"), params)
        for photo in media:  # in the unit of work's transaction, like the property
            PostgresMedia(self.conn, self.actor).add(photo)
        return created

    def by_submission(self, submission_key: str) -> Property | None:
        if not is_uuid(submission_key):
            return None
        found = self.select(
            "SELECT * FROM public.properties WHERE submission_key = %s AND user_id = auth.uid()",
            [submission_key],
        )
        return convert.property_(found[0]) if found else None

    def lock(self, property_id: str) -> Property:
        query = "SELECT * FROM public.properties WHERE id = %s FOR UPDATE"
        found = self.rows(query, [property_id]) if is_uuid(property_id) else []
        if not found:
            self.row(property_id)  # NotFound, or visible but not ours
            raise Forbidden("change", self.kind, property_id)
        return convert.property_(found[0])

    def update(self, prop: Property) -> Property:
        return self.write(prop.id, self._COLUMNS, convert.property_params(prop))

    def list(self, filter: PropertyFilter, page: PageRequest) -> Page[Property]:
        where, params = ["true"], []
        if filter.category is not None:
            where.append("category = %s")
            params.append(filter.category.value)
        if filter.city.strip():
            where.append("lower(address->>'city') = lower(%s)")
            params.append(filter.city.strip())
        if filter.search.strip():
            where.append(f"strpos({_HAYSTACK}, lower(%s)) > 0")
            params.append(filter.search.strip())
        return self.page(" AND ".join(where), params, "created_at DESC, id DESC", page)

    def cities(self) -> builtins.list[str]:
        rows = self.select(
            "SELECT DISTINCT address->>'city' COLLATE \"C\" AS city FROM public.properties"
            " WHERE coalesce(address->>'city', '') <> '' ORDER BY city"
        )
        return [r["city"] for r in rows]


class PostgresMedia(Table[PropertyMedia]):
    table, kind = "property_media", "photo"
    stamps = ("created_at",)
    to_domain = staticmethod(convert.media)

    def for_property(self, property_id: str) -> tuple[PropertyMedia, ...]:
        if not is_uuid(property_id):
            return ()
        rows = self.select(
            'SELECT * FROM public.property_media WHERE property_id = %s ORDER BY "order", id',
            [property_id],
        )
        return tuple(convert.media(r) for r in rows)

    def add(self, media: PropertyMedia) -> PropertyMedia:
        columns = (
            "id", "property_id", "user_id", "storage_path", "public_url", "mime_type", "file_name",
        )  # fmt: skip
        params = {c: getattr(media, c) for c in columns}
        refs = {"property": media.property_id}
        return self.insert((*columns, "order"), {**params, "order": media.order}, refs)

    def add_all(self, media: Sequence[PropertyMedia]) -> tuple[PropertyMedia, ...]:
        return tuple(self.add(m) for m in media)  # one transaction: the unit of work's

    def set_orders(self, media: Sequence[PropertyMedia]) -> None:
        """One statement, as on Supabase (the place is unique per property, checked when the
        statement ends); NotFound for a photo the actor cannot see, Forbidden if not theirs."""
        if not media:
            return
        for item in media:
            self.row(item.id)  # NotFound
        orders = [{"id": m.id, "order": m.order} for m in media]
        with database_errors(self.kind, media[0].id):  # 42501 -> Forbidden
            self.conn.execute("SELECT public.revideo_set_media_orders(%s)", [convert.jsonb(orders)])

    def delete(self, key: str, reorder: Sequence[PropertyMedia] = ()) -> None:
        """The row, then the rest's places: one transaction (the unit of work's)."""
        super().delete(key)
        self.set_orders(reorder)
