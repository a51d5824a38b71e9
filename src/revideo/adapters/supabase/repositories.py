"""PostgREST repositories for profiles, properties, photos, videos and render jobs."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from revideo.adapters.postgres.errors import is_uuid
from revideo.adapters.supabase import convert
from revideo.adapters.supabase.errors import rest_errors
from revideo.adapters.supabase.rest import RestTable
from revideo.domain.errors import Forbidden, RevideoError
from revideo.domain.media import PropertyMedia
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Profile, Role
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video
from revideo.ports.repositories import Loop, PropertyFilter, VideoFilter

_PROPERTY = ("title", "description", "category", "address", "specs")
_MEDIA = ("id", "property_id", "user_id", "storage_path", "public_url", "mime_type", "order")
_VIDEO = (
    "title", "script_content", "avatar_id", "voice_id", "purpose", "status", "heygen_video_id",
    "video_url", "thumbnail_url", "error_message", "meta", "attempt_count", "archived_at",
)  # fmt: skip
_JOB = (
    "heygen_job_id", "status", "attempt_count", "started_at", "completed_at", "cost_credits",
    "error_message",
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


class RestProperties(RestTable[Property]):
    table, kind = "properties", "property"
    to_domain = staticmethod(convert.property_)

    def add(self, prop: Property) -> Property:
        return self.insert(convert.params(prop, ("id", "user_id", *_PROPERTY)))

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

    def set_orders(self, media: Sequence[PropertyMedia]) -> None:
        for item in media:
            self.write(item.id, {"order": item.order})


class RestVideos(RestTable[Video]):
    table, kind = "videos", "video"
    to_domain = staticmethod(convert.video)

    def add(self, video: Video) -> Video:
        values = convert.video_params(video, ("id", "user_id", "property_id", *_VIDEO))
        return self.insert(values, {"property": video.property_id})

    def update(self, video: Video) -> Video:
        """Save; a video taken with lock() must not have changed since (else RevideoError)."""
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
        args = {"p_video_id": video_id, "p_owner": owner, "p_due": due_at.isoformat()}
        self.rest.rpc("revideo_release", args | {"p_checked": checked_at.isoformat()}, self.kind)

    def schedule_retry(self, video_id: str, at: datetime | None) -> None:
        args = {"p_video_id": video_id, "p_at": at.isoformat() if at else None}
        self.rest.rpc("revideo_schedule_retry", args, self.kind)


class RestRenderJobs(RestTable[RenderJob]):
    table, kind = "video_render_jobs", "render job"
    to_domain = staticmethod(convert.render_job)

    def add(self, job: RenderJob) -> RenderJob:
        values = convert.params(job, ("id", "video_id", "user_id", *_JOB))
        return self.insert(values, {"video": job.video_id})

    def update(self, job: RenderJob) -> RenderJob:
        return self.write(job.id, convert.params(job, _JOB))

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
