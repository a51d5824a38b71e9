"""PostgreSQL repositories for videos and their render jobs."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from revideo.adapters.postgres import convert, leases
from revideo.adapters.postgres._table import Table
from revideo.adapters.postgres.errors import is_uuid
from revideo.domain.errors import Forbidden
from revideo.domain.page import Page, PageRequest
from revideo.domain.render_job import RenderJob
from revideo.domain.video import Video
from revideo.ports.repositories import Loop, VideoFilter

_VIDEO_FIELDS = (
    "title",
    "script_content",
    "avatar_id",
    "voice_id",
    "purpose",
    "status",
    "heygen_video_id",
    "video_url",
    "thumbnail_url",
    "error_message",
    "meta",
    "attempt_count",
    "archived_at",
)
_JOB_FIELDS = (
    "heygen_job_id",
    "status",
    "attempt_count",
    "started_at",
    "completed_at",
    "cost_credits",
    "error_message",
    "failure_kind",
)


class PostgresVideos(Table[Video]):
    table, kind = "videos", "video"
    to_domain = staticmethod(convert.video)

    def add(self, video: Video, submission_key: str | None = None) -> Video:
        columns = ("id", "user_id", "property_id", *_VIDEO_FIELDS, "submission_key")
        refs = {"property": video.property_id}
        params = {**convert.video_params(video), "submission_key": submission_key}
        return self.insert(columns, params, refs)

    def by_submission(self, submission_key: str) -> Video | None:
        if not is_uuid(submission_key):
            return None
        found = self.select(
            "SELECT * FROM public.videos WHERE submission_key = %s AND user_id = auth.uid()",
            [submission_key],
        )
        return convert.video(found[0]) if found else None

    def update(self, video: Video) -> Video:
        return self.write(video.id, _VIDEO_FIELDS, convert.video_params(video))

    def list(self, filter: VideoFilter, page: PageRequest) -> Page[Video]:
        where, params = ["true"], []
        if filter.status is not None:
            where.append("status = %s")
            params.append(filter.status.value)
        if filter.purpose is not None:
            where.append("purpose = %s")
            params.append(filter.purpose.value)
        if filter.property_id is not None:
            if not is_uuid(filter.property_id):
                return Page(items=[], total=0, request=page)
            where.append("property_id = %s")
            params.append(filter.property_id)
        if filter.search.strip():
            where.append(
                "(strpos(lower(title), lower(%s)) > 0"
                " OR strpos(lower(script_content), lower(%s)) > 0)"
            )
            params += [filter.search.strip()] * 2
        return self.page(" AND ".join(where), params, "created_at DESC, id DESC", page)

    def by_engine_id(self, engine_video_id: str) -> Video | None:
        rows = self.select(
            "SELECT * FROM public.videos WHERE heygen_video_id = %s", [engine_video_id]
        )
        return convert.video(rows[0]) if rows else None

    def lock(self, video_id: str) -> Video:
        found = (
            self.rows("SELECT * FROM public.videos WHERE id = %s FOR UPDATE", [video_id])
            if is_uuid(video_id)
            else []
        )
        if not found:
            self.row(video_id)  # NotFound, or visible but not ours
            raise Forbidden("change", self.kind, video_id)
        return convert.video(found[0])

    def lease(
        self, loop: Loop, owner: str, now: datetime, until: datetime, limit: int
    ) -> builtins.list[Video]:
        ensure = leases.ensure_query(loop)
        if ensure is not None:
            self.rows(ensure + " RETURNING video_id")
        taken = self.rows(leases.take_query(loop), leases.take_params(owner, now, until, limit))
        return [convert.video(r) for r in taken]

    def release(self, video_id: str, owner: str, due_at: datetime, checked_at: datetime) -> None:
        params = {"id": video_id, "owner": owner, "due": due_at, "checked": checked_at}
        self.rows(leases.RELEASE + " RETURNING video_id", params)

    def release_many(
        self, dues: Sequence[tuple[str, datetime]], owner: str, checked_at: datetime
    ) -> None:
        if not dues:
            return
        ids, times = zip(*dues, strict=True)
        params = {"ids": list(ids), "dues": list(times), "owner": owner, "checked": checked_at}
        self.rows(leases.RELEASE_MANY, params)

    def schedule_retry(self, video_id: str, at: datetime | None) -> None:
        self.rows(leases.SCHEDULE + " RETURNING video_id", {"id": video_id, "at": at})


class PostgresRenderJobs(Table[RenderJob]):
    table, kind = "video_render_jobs", "render job"
    stamps = ("created_at",)
    to_domain = staticmethod(convert.render_job)

    def add(self, job: RenderJob) -> RenderJob:
        columns = ("id", "video_id", "user_id", *_JOB_FIELDS)
        return self.insert(columns, convert.render_job_params(job), {"video": job.video_id})

    def update(self, job: RenderJob) -> RenderJob:
        return self.write(job.id, _JOB_FIELDS, convert.render_job_params(job))

    def for_video(self, video_id: str) -> builtins.list[RenderJob]:
        if not is_uuid(video_id):
            return []
        rows = self.select(
            "SELECT * FROM public.video_render_jobs WHERE video_id = %s"
            " ORDER BY started_at, created_at, id",
            [video_id],
        )
        return [convert.render_job(r) for r in rows]

    def unsettled(self, started_before: datetime) -> builtins.list[RenderJob]:
        rows = self.select(
            "SELECT * FROM public.video_render_jobs WHERE heygen_job_id IS NULL"
            " AND status NOT IN ('completed', 'failed') AND started_at < %s"
            " ORDER BY started_at, id",
            [started_before],
        )
        return [convert.render_job(r) for r in rows]


class PostgresWebhookDeliveries(Table[str]):
    table, kind = "webhook_deliveries", "webhook delivery"

    def claim(self, delivery_id: str, at: datetime) -> bool:
        rows = self.rows(
            "INSERT INTO public.webhook_deliveries (delivery_id, received_at) VALUES (%s, %s)"
            " ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id",
            [delivery_id, at],
        )
        return bool(rows)
