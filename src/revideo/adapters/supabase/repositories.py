"""PostgREST repositories for profiles, properties, photos, videos and render jobs."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.supabase import convert
from revideo.adapters.supabase.errors import rest_errors
from revideo.adapters.supabase.rest import Held, Rest, RestTable, save_video
from revideo.domain.errors import Forbidden, NotFound, RevideoError
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Profile, Role
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video
from revideo.ports.repositories import Loop, PropertyFilter, VideoFilter

_PROPERTY = ("title", "description", "category", "address", "specs")
_MEDIA = (
    "id", "property_id", "user_id", "storage_path", "public_url", "mime_type", "order", "file_name",
)  # fmt: skip
_VIDEO = (
    "title", "script_content", "avatar_id", "voice_id", "purpose", "status", "heygen_video_id",
    "video_url", "thumbnail_url", "error_message", "meta", "attempt_count", "archived_at",
)  # fmt: skip
_JOB = (
    "heygen_job_id", "status", "attempt_count", "started_at", "completed_at", "cost_credits",
    "error_message", "failure_kind",
)  # fmt: skip


class RestProfiles(RestTable[Profile]):
    table, kind = "profiles", "profile"
    to_domain = staticmethod(convert.profile)

    def list(self, page: PageRequest) -> Page[Profile]:
        return self.page("revideo_profile_page", {}, page)

    def update(self, profile: Profile) -> Profile:
        """Save name and avatar; the role is kept (see set_role)."""
        return self.write(profile.id, convert.params(profile, ("full_name", "avatar_url")))

    def set_role(self, user_id: str, role: Role) -> Profile:
        self.row(user_id)
        with rest_errors("profile", user_id, action="change the role of"):
            found = self.rest.client.rpc(
                "set_user_role", {"target": user_id, "new_role": role.value}
            ).execute()
        if not found.data:
            raise Forbidden("change the role of", "profile", user_id)
        return convert.profile(found.data[0])

    def end_sessions(self, user_id: str) -> Profile:
        self.row(user_id)
        with rest_errors("profile", user_id, action="end the sessions of"):
            found = self.rest.client.rpc("end_sessions", {"target": user_id}).execute()
        if not found.data:
            raise Forbidden("end the sessions of", "profile", user_id)
        return convert.profile(found.data[0])


class RestProperties(RestTable[Property]):
    table, kind = "properties", "property"
    to_domain = staticmethod(convert.property_)

    def add(
        self,
        prop: Property,
        submission_key: str | None = None,
        media: Sequence[PropertyMedia] = (),
    ) -> Property:
        values = {**convert.params(prop, ("id", "user_id", *_PROPERTY)), "submission_key": None}
        if not media:
            return self.insert({**values, "submission_key": submission_key})
        # PostgREST makes each request its own transaction: one SQL function writes them all
        args = {
            "p_property": values,
            "p_media": [convert.params(m, _MEDIA) for m in media],
            "p_submission_key": submission_key,
        }
        row = self.rest.rpc("revideo_add_property", args, self.kind)
        self.rest.undo.append(lambda: self._forget(prop.id))  # its photos' rows cascade
        return convert.property_(row)

    def by_submission(self, submission_key: str) -> Property | None:
        found = self.submitted(submission_key)
        return convert.property_(found) if found else None

    def lock(self, property_id: str) -> Property:
        """PostgREST holds no lock across requests: the gallery's unique place decides."""
        return self.get(property_id)

    def update(self, prop: Property) -> Property:
        return self.write(prop.id, convert.params(prop, _PROPERTY))

    def list(self, filter: PropertyFilter, page: PageRequest) -> Page[Property]:
        args = {
            "p_search": filter.search.strip() or None,
            "p_category": filter.category.value if filter.category else None,
            "p_city": filter.city.strip() or None,
        }
        return self.page("revideo_property_page", args, page)

    def cities(self) -> builtins.list[str]:
        return [str(c) for c in self.rest.rpc("revideo_property_cities", {}, self.kind)]


class RestMedia(RestTable[PropertyMedia]):
    table, kind = "property_media", "photo"
    to_domain = staticmethod(convert.media)

    def for_property(self, property_id: str) -> tuple[PropertyMedia, ...]:
        if not is_uuid(property_id):
            return ()
        request = self.query().select("*").eq("property_id", property_id).order("order").order("id")
        return tuple(convert.media(r) for r in self.rows(request))

    def add(self, media: PropertyMedia) -> PropertyMedia:
        return self.insert(convert.params(media, _MEDIA), {"property": media.property_id})

    def add_all(self, media: Sequence[PropertyMedia]) -> tuple[PropertyMedia, ...]:
        """Several photos' rows in one SQL function (revideo_add_media): all or none."""
        if len(media) < 2:
            return tuple(self.add(m) for m in media)
        self.rest.flush()
        payload = [convert.params(m, _MEDIA) for m in media]
        refs = {"property": media[0].property_id}
        with rest_errors(self.kind, media[0].id, action="create", refs=refs):
            rows = self.rest.client.rpc("revideo_add_media", {"p_media": payload}).execute().data
        stored = {str(r["id"]): convert.media(r) for r in rows or []}
        for key in stored:
            self.rest.undo.append(functools.partial(self._forget, key))
        return tuple(stored[m.id] for m in media)

    def set_orders(self, media: Sequence[PropertyMedia]) -> None:
        """All orders in one SQL function (one transaction); undone as one too."""
        if not media:
            return
        wanted = {m.id: m.order for m in media}
        if not all(is_uuid(key) for key in wanted):
            raise NotFound(self.kind, next(k for k in wanted if not is_uuid(k)))
        seen = self.rows(self.query().select("id,order").in_("id", list(wanted)))
        before = {str(r["id"]): int(r["order"]) for r in seen}
        missing = next((k for k in wanted if k not in before), None)
        if missing is not None:
            raise NotFound(self.kind, missing)
        self._orders(wanted)  # Forbidden (nothing changed) unless every row may be changed
        self.rest.undo.append(lambda: self._orders(before))

    def delete(self, key: str, reorder: Sequence[PropertyMedia] = ()) -> None:
        """The row and the rest's places in one SQL function (revideo_remove_media)."""
        if not reorder:
            return super().delete(key)
        gone = self.row(key)  # NotFound
        others = [m.id for m in reorder]
        if not all(is_uuid(k) for k in others):
            raise NotFound(self.kind, next(k for k in others if not is_uuid(k)))
        seen = self.rows(self.query().select("id,order").in_("id", others))
        before = {str(r["id"]): int(r["order"]) for r in seen}
        payload = [{"id": m.id, "order": m.order} for m in reorder]
        self.rest.flush()
        with rest_errors(self.kind, key, action="delete"):
            self.rest.client.rpc(
                "revideo_remove_media", {"p_media_id": key, "p_orders": payload}
            ).execute()
        self.rest.undo.append(lambda: self._orders(before) if before else None)
        self.rest.undo.append(lambda: self.query().insert(gone, returning="minimal").execute())

    def _orders(self, orders: dict[str, int]) -> None:
        payload = [{"id": key, "order": order} for key, order in orders.items()]
        with rest_errors(self.kind, next(iter(orders), "")):
            self.rest.client.rpc("revideo_set_media_orders", {"p_orders": payload}).execute()


class RestVideos(RestTable[Video]):
    table, kind = "videos", "video"
    to_domain = staticmethod(convert.video)

    def add(self, video: Video, submission_key: str | None = None) -> Video:
        values = convert.video_params(video, ("id", "user_id", "property_id", *_VIDEO))
        values["submission_key"] = submission_key
        return self.insert(values, {"property": video.property_id})

    def by_submission(self, submission_key: str) -> Video | None:
        found = self.submitted(submission_key)
        return convert.video(found) if found else None

    def update(self, video: Video) -> Video:
        """Save; a video taken with lock() must not have changed since (else RevideoError).

        The writes held back for this video (its jobs' updates, its retry, its
        lease: Rest.held) are saved with it, in one SQL function call.
        """
        held = self.rest.take(video.id)
        if held.jobs or held.retry is not None or held.release is not None:
            return self._save_with(video, held)
        seen = self.rest.locked.get(video.id)
        where = {"updated_at": seen} if seen else None
        try:
            saved = self.write(video.id, convert.video_params(video, _VIDEO), where=where)
        except Forbidden:
            if seen and self.get(video.id).updated_at is not None:
                raise RevideoError(f"video {video.id} changed meanwhile: try again") from None
            raise
        if seen and saved.updated_at is not None:
            self.rest.locked[video.id] = saved.updated_at.isoformat()
        return saved

    def _save_with(self, video: Video, held: Held) -> Video:
        before = self.row(video.id)
        seen = self.rest.locked.get(video.id)
        values = convert.video_params(video, _VIDEO)
        row = save_video(self.rest, held, video=values, seen=seen)["video"]
        saved = convert.video(row)
        old = {c: before.get(c) for c in values}
        self.rest.undo.append(lambda: self.restore(video.id, old, row))
        if seen and saved.updated_at is not None:
            self.rest.locked[video.id] = saved.updated_at.isoformat()
        return saved

    def list(self, filter: VideoFilter, page: PageRequest) -> Page[Video]:
        if filter.property_id is not None and not is_uuid(filter.property_id):
            return Page(items=[], total=0, request=page)
        args = {
            "p_status": filter.status.value if filter.status else None,
            "p_purpose": filter.purpose.value if filter.purpose else None,
            "p_property_id": filter.property_id,
            "p_search": filter.search.strip() or None,
        }
        return self.page("revideo_video_page", args, page)

    def by_engine_id(self, engine_video_id: str) -> Video | None:
        rows = self.rows(self.query().select("*").eq("heygen_video_id", engine_video_id))
        return convert.video(rows[0]) if rows else None

    def lock(self, video_id: str) -> Video:
        """Like get; a later update in this unit of work fails if the row changed meanwhile.

        PostgREST cannot hold a row lock across requests, so this is optimistic:
        the update is made conditional on the `updated_at` read here.
        """
        video = self.get(video_id)
        if video.user_id != self.rest.actor.user_id and not self.rest.actor.system:
            raise Forbidden("change", self.kind, video_id)
        if video.updated_at is not None:
            self.rest.locked[video_id] = video.updated_at.isoformat()
        return video

    def lease(
        self, loop: Loop, owner: str, now: datetime, until: datetime, limit: int
    ) -> builtins.list[Video]:
        args: dict[str, object] = {"p_loop": loop, "p_owner": owner, "p_now": now.isoformat()}
        args |= {"p_until": until.isoformat(), "p_limit": limit}
        return [convert.video(r) for r in self.rest.rpc("revideo_lease", args, self.kind) or []]

    def release(self, video_id: str, owner: str, due_at: datetime, checked_at: datetime) -> None:
        """Held back, to go with the video's other writes (Rest.held)."""
        release = {"owner": owner, "due": due_at.isoformat(), "checked": checked_at.isoformat()}
        self.rest.hold(video_id).release = release

    def release_many(
        self, dues: Sequence[tuple[str, datetime]], owner: str, checked_at: datetime
    ) -> None:
        self.rest.flush()
        for video_id, due_at in dues:  # one RPC each: PostgREST has no batch of calls
            args = {"p_video_id": video_id, "p_owner": owner, "p_due": due_at.isoformat()}
            self.rest.rpc("revideo_release", args | {"p_checked": checked_at.isoformat()})

    def schedule_retry(self, video_id: str, at: datetime | None) -> None:
        """Held back, to go with the video's other writes (Rest.held)."""
        self.rest.hold(video_id).retry = {"at": at.isoformat() if at else None}


class RestRenderJobs(RestTable[RenderJob]):
    table, kind = "video_render_jobs", "render job"
    to_domain = staticmethod(convert.render_job)

    def add(self, job: RenderJob) -> RenderJob:
        """Inserted with the writes held for its video (Rest.held), in one SQL function."""
        values = convert.params(job, ("id", "video_id", "user_id", *_JOB))
        held = self.rest.take(job.video_id)
        if not (held.jobs or held.retry is not None or held.release is not None):
            return self.insert(values, {"video": job.video_id})
        stored = save_video(self.rest, held, new_job=values)["job"]
        self.rest.undo.append(lambda: self._forget(str(stored["id"])))
        return convert.render_job(stored)

    def update(self, job: RenderJob) -> RenderJob:
        """Held back (Rest.held) until its video's update or new job (one SQL function
        call for all), the next other write, a read of render jobs, or the end."""
        values = convert.params(job, _JOB)
        if not (is_uuid(job.id) and is_uuid(job.video_id)):
            return self.write(job.id, values)
        self.rest.hold(job.video_id).jobs[job.id] = values
        return job

    def rows(self, request: Any, key: str = "") -> builtins.list[dict[str, Any]]:
        if self.rest.held is not None and self.rest.held.jobs:
            self.rest.flush()  # read what this unit of work wrote
        return super().rows(request, key)

    def for_video(self, video_id: str) -> builtins.list[RenderJob]:
        if not is_uuid(video_id):
            return []
        request = (
            self.query().select("*").eq("video_id", video_id)
            .order("started_at").order("created_at").order("id")
        )  # fmt: skip
        return [convert.render_job(r) for r in self.rows(request)]

    def unsettled(self, started_before: datetime) -> builtins.list[RenderJob]:
        request = (
            self.query().select("*").is_("heygen_job_id", "null")
            .not_.in_("status", ["completed", "failed"])
            .lt("started_at", started_before.isoformat())
            .order("started_at").order("id")
        )  # fmt: skip
        return [convert.render_job(r) for r in self.rows(request)]


class RestWebhookDeliveries:
    """Delivery ids through PostgREST (service role: the table has no user policy)."""

    kind = "webhook delivery"

    def __init__(self, rest: Rest) -> None:
        self.rest = rest

    def claim(self, delivery_id: str, at: datetime) -> bool:
        """False if recorded before; else held, to be recorded with the writes of the
        report it brings (Rest.delivery), so a crash cannot leave it seen but unapplied.
        Two deliveries of one id at once: the later one's writes fail (Duplicate)."""
        table = self.rest.client.table("webhook_deliveries")
        with rest_errors(self.kind, delivery_id, action="record"):
            seen = table.select("delivery_id").eq("delivery_id", delivery_id).execute().data
        if seen or (self.rest.delivery or {}).get("delivery_id") == delivery_id:
            return False
        self.rest.flush()  # one held delivery at a time
        self.rest.delivery = {"delivery_id": delivery_id, "received_at": at.isoformat()}
        return True
