"""Plumbing shared by the PostgREST repositories: lookups, writes, pages, undo."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.supabase.errors import rest_errors
from revideo.domain.errors import Duplicate, Forbidden, NotFound, RevideoError
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor

T = TypeVar("T")
Row = dict[str, Any]


class Rest:
    """One unit of work's view of PostgREST: a client acting with one JWT.

    PostgREST runs every request in its own transaction, so the unit of work
    keeps `undo` steps and runs them if its block raises: an insert is
    deleted, an update is written back (unless the row changed again since),
    a deleted row is inserted again. Writes of several rows at once go
    through one SQL function instead (atomic by themselves); see
    SupabaseUnitOfWork. The writes that come with a video's (its render
    jobs' updates, its retry schedule, its lease's release) are held back in
    `held` and sent with the video's update or new render job, or on their
    own before anything else, in one call of revideo_save_video.
    """

    def __init__(self, client: Any, actor: Actor) -> None:
        self.client = client
        self.actor = actor
        self.undo: list[Callable[[], None]] = []
        self.locked: dict[str, str] = {}  # video id -> updated_at seen by lock()
        self.held: Held | None = None
        self.delivery: Row | None = None  # a webhook delivery claimed, held (Rest.held)

    def rpc(self, fn: str, args: Mapping[str, Any], kind: str = "record") -> Any:
        self.flush()
        with rest_errors(kind):
            return self.client.rpc(fn, dict(args)).execute().data

    def flush(self) -> None:
        """Send the held writes on their own (one revideo_save_video call)."""
        held, self.held = self.held, None
        if held is not None:
            save_video(self, held)
        elif self.delivery is not None:  # a webhook's report that changed nothing
            delivery, self.delivery = self.delivery, None
            table = self.client.table("webhook_deliveries")
            try:
                with rest_errors("webhook delivery", delivery["delivery_id"], action="record"):
                    table.insert(delivery, returning="minimal").execute()
            except Duplicate:
                return  # recorded meanwhile by the same delivery sent twice at once
            self.undo.append(functools.partial(_forget_delivery, self, delivery["delivery_id"]))

    def hold(self, video_id: str) -> Held:
        """The writes held for this video (another video's are sent first)."""
        if self.held is not None and self.held.video_id != video_id:
            self.flush()
        if self.held is None:
            self.held = Held(video_id)
        return self.held

    def take(self, video_id: str) -> Held:
        """This video's held writes, to send with its update or new job (others: sent)."""
        if self.held is not None and self.held.video_id == video_id:
            held, self.held = self.held, None
            return held
        self.flush()
        return Held(video_id)


@attrs.define
class Held:
    """Writes that come with a video's, held back so they all go in one SQL function
    call (revideo_save_video): its render jobs' updates (by job id), its automatic
    retry (`{"at": ...}`) and the release of its lease (and Rest.delivery, a webhook
    delivery claimed in the same unit of work). Sent with the video's update
    or new render job, else on their own before anything else is written or render
    jobs are read, and at the end of the unit of work."""

    video_id: str
    jobs: dict[str, Row] = attrs.field(factory=dict)
    retry: Row | None = None
    release: Row | None = None


def save_video(
    rest: Rest,
    held: Held,
    *,
    video: Row | None = None,
    seen: str | None = None,
    new_job: Row | None = None,
) -> Row:
    """One revideo_save_video call: `held`, plus the video's update and/or a new job.

    NotFound for a held job the actor cannot see; the rest as the database says
    (42501 Forbidden, 23505 Duplicate, 40001: the video changed since lock()).
    """
    from postgrest.exceptions import APIError

    before = _jobs_before(rest, held.jobs)
    args: dict[str, Any] = {"p_video_id": held.video_id, "p_video": video, "p_seen": seen}
    args |= {"p_jobs": [{"id": key, **values} for key, values in held.jobs.items()] or None}
    args |= {"p_new_job": new_job, "p_retry": held.retry, "p_release": held.release}
    delivery, rest.delivery = rest.delivery, None
    args["p_delivery"] = (
        {"id": delivery["delivery_id"], "at": delivery["received_at"]} if delivery else None
    )
    kind, key = "video", held.video_id
    if new_job or (video is None and held.jobs):
        kind, key = "render job", str(new_job["id"]) if new_job else next(iter(held.jobs))
    action = "create" if new_job else "change"
    with rest_errors(kind, key, action=action, refs={"video": held.video_id}):
        try:
            data: Row = rest.client.rpc("revideo_save_video", args).execute().data
        except APIError as exc:
            code, message = str(getattr(exc, "code", "")), str(getattr(exc, "message", ""))
            if code == "40001":
                raise RevideoError(f"video {held.video_id} changed meanwhile: try again") from exc
            if code == "23505" and delivery and "webhook_deliveries_pkey" in message:
                raise Duplicate("webhook delivery", delivery["delivery_id"]) from exc
            raise
    for job_id, old in before.items():  # written back if the unit of work fails later
        rest.undo.append(functools.partial(_restore_job, rest, job_id, old))
    if delivery:
        rest.undo.append(functools.partial(_forget_delivery, rest, delivery["delivery_id"]))
    return data


def _forget_delivery(rest: Rest, delivery_id: str) -> None:
    table = rest.client.table("webhook_deliveries")
    table.delete(returning="minimal").eq("delivery_id", delivery_id).execute()


def _restore_job(rest: Rest, job_id: str, old: Row) -> None:
    rest.client.table("video_render_jobs").update(old, returning="minimal").eq(
        "id", job_id
    ).execute()


def _jobs_before(rest: Rest, jobs: Mapping[str, Row]) -> dict[str, Row]:
    """The held jobs' current values (for undo); NotFound for one the actor cannot see."""
    if not jobs:
        return {}
    request = rest.client.table("video_render_jobs").select("*").in_("id", list(jobs))
    with rest_errors("render job", next(iter(jobs))):
        rows = {str(r["id"]): r for r in request.execute().data or []}
    for key in jobs:
        if key not in rows:
            raise NotFound("render job", key)
    return {key: {c: rows[key].get(c) for c in values} for key, values in jobs.items()}


class RestTable(Generic[T]):
    """One table through PostgREST (RLS decides what the JWT's user sees)."""

    table: str
    kind: str
    to_domain: Callable[[Row], T]

    def __init__(self, rest: Rest) -> None:
        self.rest = rest

    def query(self) -> Any:
        return self.rest.client.table(self.table)

    def rows(self, request: Any, key: str = "") -> list[Row]:
        with rest_errors(self.kind, key):
            return list(request.execute().data or [])

    def row(self, key: str) -> Row:
        """The visible row with this id, or NotFound."""
        found = self.rows(self.query().select("*").eq("id", key), key) if is_uuid(key) else []
        if not found:
            raise NotFound(self.kind, key)
        return found[0]

    def get(self, key: str) -> T:
        return type(self).to_domain(self.row(key))

    def submitted(self, submission_key: str) -> Row | None:
        """The actor's own row created with this one-time submission key, if any."""
        owner = self.rest.actor.user_id
        if not (is_uuid(submission_key) and owner):
            return None
        request = self.query().select("*").eq("submission_key", submission_key)
        found = self.rows(request.eq("user_id", owner))
        return found[0] if found else None

    def insert(self, values: Row, refs: Mapping[str, str] | None = None) -> T:
        """INSERT one row (returning it as stored); undone if the unit of work fails."""
        key = str(values.get("id", ""))
        self.rest.flush()
        with rest_errors(self.kind, key, action="create", refs=refs):
            rows = self.query().insert(values, returning="representation").execute().data
        stored = rows[0]
        self.rest.undo.append(lambda: self._forget(str(stored["id"])))
        return type(self).to_domain(stored)

    def _forget(self, key: str) -> None:
        self.query().delete(returning="minimal").eq("id", key).execute()

    def write(
        self,
        key: str,
        values: Row,
        refs: Mapping[str, str] | None = None,
        where: Mapping[str, str] | None = None,
    ) -> T:
        """UPDATE one row; NotFound if invisible, Forbidden if visible but not ours."""
        rows: list[Row] = []
        before: list[Row] = []
        self.rest.flush()
        if is_uuid(key):
            before = self.rows(self.query().select("*").eq("id", key), key)
            request = self.query().update(values, returning="representation").eq("id", key)
            for column, value in (where or {}).items():
                request = request.eq(column, value)
            with rest_errors(self.kind, key, refs=refs):
                rows = list(request.execute().data or [])
        if not rows:
            self.row(key)
            raise Forbidden("change", self.kind, key)
        if before:
            old = {column: before[0].get(column) for column in values}
            self.rest.undo.append(lambda: self.restore(key, old, rows[0]))
        return type(self).to_domain(rows[0])

    def restore(self, key: str, old: Row, written: Row) -> None:
        """Write the old values back, unless the row was changed again meanwhile."""
        request = self.query().update(old, returning="minimal").eq("id", key)
        if written.get("updated_at") is not None:
            request = request.eq("updated_at", written["updated_at"])
        request.execute()

    def delete(self, key: str) -> None:
        rows: list[Row] = []
        self.rest.flush()
        if is_uuid(key):
            request = self.query().delete(returning="representation").eq("id", key)
            with rest_errors(self.kind, key, action="delete"):
                rows = list(request.execute().data or [])
        if not rows:
            self.row(key)
            raise Forbidden("delete", self.kind, key)
        gone = rows[0]  # inserted again if the unit of work fails (its cascade is not)
        self.rest.undo.append(lambda: self.query().insert(gone, returning="minimal").execute())

    def page(self, fn: str, args: Mapping[str, Any], page: PageRequest) -> Page[T]:
        """One page from a `{total, items}` SQL function of the migrations."""
        data = self.rest.rpc(fn, {**args, "p_limit": page.size, "p_offset": page.offset}, self.kind)
        items = [type(self).to_domain(r) for r in data["items"]]
        return Page(items=items, total=int(data["total"]), request=page)
