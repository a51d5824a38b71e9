"""Plumbing shared by the PostgreSQL repositories: lookups, writes, paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from revideo.adapters.postgres.errors import database_errors, is_uuid
from revideo.domain.errors import Forbidden, NotFound
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor

T = TypeVar("T")
Row = dict[str, Any]


def owner_only(actor: Actor) -> str | None:
    """The user whose rows alone `actor` may see, if that is all they may see.

    Lists repeat RLS's owner condition as a plain filter (as Supabase advises)
    so the planner can use the user_id indexes; RLS still decides.
    """
    if actor.system or actor.is_admin or actor.user_id is None or not is_uuid(actor.user_id):
        return None
    return actor.user_id


class Table(Generic[T]):
    """One table seen through the unit of work's connection (RLS applies)."""

    table: str
    kind: str
    to_domain: Callable[[Row], T]
    stamps: tuple[str, ...] = ("created_at", "updated_at")

    def __init__(self, conn: Any, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor
        self.owner = owner_only(actor)

    def rows(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """Run a statement that writes or locks, in the unit of work's transaction."""
        with database_errors(self.kind):
            return list(self.conn.execute(query, params).fetchall())

    def select(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """Run a read-only query (see Transaction.read)."""
        with database_errors(self.kind):
            return list(self.conn.read(query, params).fetchall())

    def row(self, key: str) -> Row:
        """The visible row with this id, or NotFound."""
        found = (
            self.select(f"SELECT * FROM public.{self.table} WHERE id = %s", [key])
            if is_uuid(key)
            else []
        )
        if not found:
            raise NotFound(self.kind, key)
        return found[0]

    def get(self, key: str) -> T:
        return type(self).to_domain(self.row(key))

    def insert(self, columns: Sequence[str], params: Mapping[str, Any], refs: Any = None) -> T:
        """INSERT one row and return it as the database stored it."""
        names = ", ".join([*(f'"{c}"' for c in columns), *self.stamps])
        values = ", ".join(
            [*(f"%({c})s" for c in columns), *("clock_timestamp()" for _ in self.stamps)]
        )
        query = f"INSERT INTO public.{self.table} ({names}) VALUES ({values}) RETURNING *"
        with database_errors(self.kind, str(params.get("id", "")), action="create", refs=refs):
            row = self.conn.execute(query, params).fetchone()
        return type(self).to_domain(row)

    def write(
        self, key: str, columns: Sequence[str], params: Mapping[str, Any], refs: Any = None
    ) -> T:
        """UPDATE one row; NotFound if invisible, Forbidden if visible but not ours."""
        sets = ", ".join(f'"{c}" = %({c})s' for c in columns)
        query = f"UPDATE public.{self.table} SET {sets} WHERE id = %(id)s RETURNING *"
        with database_errors(self.kind, key, refs=refs):
            row = (
                self.conn.execute(query, {**params, "id": key}).fetchone() if is_uuid(key) else None
            )
        if row is None:
            self.row(key)
            raise Forbidden("change", self.kind, key)
        return type(self).to_domain(row)

    def delete(self, key: str) -> None:
        query = f"DELETE FROM public.{self.table} WHERE id = %s RETURNING id"
        with database_errors(self.kind, key, action="delete"):
            row = self.conn.execute(query, [key]).fetchone() if is_uuid(key) else None
        if row is None:
            self.row(key)
            raise Forbidden("delete", self.kind, key)

    def page(self, where: str, params: list[Any], order: str, page: PageRequest) -> Page[T]:
        """One page of the visible rows matching `where`, and how many match in all.

        Both queries go out in one pipeline: one round trip, not two.
        """
        if self.owner and self.table != "profiles":
            where, params = f"user_id = %s AND {where}", [self.owner, *params]
        with database_errors(self.kind):
            with self.conn.reading():
                counted = self.conn.read(
                    f"SELECT count(*) AS n FROM public.{self.table} WHERE {where}", params
                )
                found = self.conn.read(
                    f"SELECT * FROM public.{self.table} WHERE {where} ORDER BY {order}"
                    " LIMIT %s OFFSET %s",
                    [*params, page.size, page.offset],
                )
            total = int(counted.fetchone()["n"])
            rows = found.fetchall()
        items = [type(self).to_domain(r) for r in rows]
        return Page(items=items, total=total, request=page)
