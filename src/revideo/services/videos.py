"""Videos: drafts, edits, and starting renders crash-safely (design.md §4)."""

from __future__ import annotations

import builtins
import contextlib

import attrs

from revideo.domain.ad_matching import normalise
from revideo.domain.errors import Duplicate, StorageError
from revideo.domain.keys import render_key
from revideo.domain.page import Page, PageRequest, every
from revideo.domain.profile import Actor
from revideo.domain.property import Property
from revideo.domain.render_job import RenderJob
from revideo.domain.video import (
    AspectRatio,
    Video,
    VideoMeta,
    VideoPurpose,
    parse_enum,
)
from revideo.ports.media_store import MediaStore
from revideo.ports.repositories import VideoFilter
from revideo.ports.script_writer import ScriptDraft, ScriptWriter
from revideo.ports.video_engine import VideoEngine
from revideo.services._base import Context, require_owner, signed_in
from revideo.services._render import (
    Balance,
    RenderPolicy,
    RenderStarter,
    closing_card,
    record_accepted,
)
from revideo.services.properties import check_submission_key, video_files

__all__ = [
    "Balance",
    "RenderPolicy",
    "RenderStarter",
    "VideoInput",
    "VideoService",
    "closing_card",
    "record_accepted",
]


@attrs.frozen
class VideoInput:
    """What a user supplies for a new video (validated by Video on build)."""

    property_id: str
    title: str
    script_content: str = ""
    avatar_id: str = ""
    voice_id: str = ""
    purpose: VideoPurpose | str = VideoPurpose.SALE
    aspect_ratio: AspectRatio | str = AspectRatio.LANDSCAPE


@attrs.frozen
class VideoService:
    ctx: Context
    engine: VideoEngine
    store: MediaStore
    writer: ScriptWriter
    policy: RenderPolicy = attrs.field(factory=RenderPolicy)

    # ---- drafts -----------------------------------------------------------
    def default_title(self, actor: Actor, property_id: str) -> str:
        """`<property> — video tour`, numbered when the actor has a video titled so already
        (compared as ad names are matched), so an ad named after it finds one video."""
        signed_in(actor)
        with self.ctx.uow(actor) as uow:
            prop = uow.properties.get(property_id)
            base = f"{prop.title} — video tour"[:190]
            taken = {
                normalise(v.title)
                for v in every(lambda page: uow.videos.list(VideoFilter(search=prop.title), page))
                if v.user_id == actor.user_id
            }
        title, n = base, 1
        while normalise(title) in taken:
            n += 1
            title = f"{base} ({n})"
        return title

    def create_draft(
        self, actor: Actor, data: VideoInput, submission_key: str | None = None
    ) -> Video:
        return self.draft_once(actor, data, submission_key)[0]

    def by_submission(self, actor: Actor, submission_key: str) -> Video | None:
        """The actor's video created with this one-time submission key, if any."""
        with self.ctx.uow(actor) as uow:
            return uow.videos.by_submission(submission_key)

    def draft_once(
        self, actor: Actor, data: VideoInput, submission_key: str | None
    ) -> tuple[Video, bool]:
        """A new draft and True; or, when this form's one-time `submission_key` made a draft
        already (a double click), that draft and False, so only the first submit renders."""
        owner = signed_in(actor)
        key = check_submission_key(submission_key)
        found = self.by_submission(actor, key) if key else None
        if found is not None:
            return found, False
        video = Video(
            id=self.ctx.ids(),
            user_id=owner,
            property_id=data.property_id,
            title=data.title,
            script_content=data.script_content,
            avatar_id=data.avatar_id,
            voice_id=data.voice_id,
            purpose=parse_enum("purpose", VideoPurpose, data.purpose),
            meta=VideoMeta(aspect_ratio=parse_enum("aspect_ratio", AspectRatio, data.aspect_ratio)),
        )
        try:
            with self.ctx.uow(actor) as uow:
                prop = uow.properties.get(data.property_id)
                require_owner(actor, prop.user_id, "property", prop.id)
                return uow.videos.add(video, key), True
        except Duplicate:
            found = self.by_submission(actor, key) if key else None
            if found is None:
                raise
            return found, False

    def create(
        self,
        actor: Actor,
        data: VideoInput,
        submission_key: str | None = None,
        *,
        generate: bool = True,
    ) -> tuple[Video, bool]:
        """A new video (and True), its render started when `generate`; an empty title or
        script is written for the property (the title numbered, the script by the writer).
        A `submission_key` used before returns that video and False, starting nothing."""
        signed_in(actor)
        key = check_submission_key(submission_key)
        found = self.by_submission(actor, key) if key else None
        if found is not None:
            return found, False
        if not data.title.strip():
            data = attrs.evolve(data, title=self.default_title(actor, data.property_id))
        if generate and not data.script_content.strip():
            draft = self.write_script(actor, data.property_id, data.purpose)
            data = attrs.evolve(data, script_content=draft.text)
        if generate:  # refused before anything is written
            Video(
                id="-", user_id="-", property_id=data.property_id, title=data.title,
                script_content=data.script_content, avatar_id=data.avatar_id,
                voice_id=data.voice_id,
            ).ready_to_render()  # fmt: skip
        video, created = self.draft_once(actor, data, key)
        if created and generate:
            video = self.submit(actor, video.id)
        return video, created

    def get(self, actor: Actor, video_id: str) -> Video:
        with self.ctx.uow(actor) as uow:
            return uow.videos.get(video_id)

    def archived_file(self, actor: Actor, video: Video) -> str | None:
        """The key of the video's archived MP4 in the videos bucket, once archived."""
        if video.archived_at is None:
            return None
        return render_key(
            video.user_id, video.id, video.attempt_count, video.engine_video_id, "mp4"
        )

    def list(
        self, actor: Actor, filter: VideoFilter = VideoFilter(), page: PageRequest = PageRequest()
    ) -> Page[Video]:
        with self.ctx.uow(actor) as uow:
            return uow.videos.list(filter, page)

    def jobs(self, actor: Actor, video_id: str) -> builtins.list[RenderJob]:
        """The render attempts of a video, oldest first (its status timeline)."""
        with self.ctx.uow(actor) as uow:
            uow.videos.get(video_id)
            return uow.render_jobs.for_video(video_id)

    def edit(self, actor: Actor, video_id: str, **changes: object) -> Video:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.get(video_id)
            require_owner(actor, video.user_id, "video", video_id)
            return uow.videos.update(video.edit(**changes))

    def delete(self, actor: Actor, video_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            video = uow.videos.get(video_id)
            require_owner(actor, video.user_id, "video", video_id)
            video.check_deletable()
            uow.videos.delete(video_id)
        for bucket, path in video_files(video):  # archived, or half-copied
            with contextlib.suppress(StorageError):
                self.store.delete(actor, bucket, path)

    def write_script(
        self,
        actor: Actor,
        property_id: str,
        purpose: VideoPurpose | str = VideoPurpose.SALE,
        *,
        tone: str = "warm",
        language: str = "en",
    ) -> ScriptDraft:
        """A script for the property from the configured writer, within the engine's limit."""
        prop = self._property(actor, property_id)
        return self.writer.write(
            prop,
            parse_enum("purpose", VideoPurpose, purpose),
            tone=tone,
            language=language,
            max_chars=self.engine.max_script_chars,
        )

    def _property(self, actor: Actor, property_id: str) -> Property:
        with self.ctx.uow(actor) as uow:
            return uow.properties.get(property_id)

    # ---- renders ----------------------------------------------------------
    def submit(self, actor: Actor, video_id: str) -> Video:
        """Start the first render of a draft, or a new attempt of a failed video.

        The render job is committed before the engine is called and its id is
        the idempotency handle, so a crash or a lost answer is settled later by
        `Pipeline.reconcile` without paying twice.
        """
        return RenderStarter(self.ctx, self.engine, self.policy).start(actor, video_id)

    def retry(self, actor: Actor, video_id: str) -> Video:
        """Start a new attempt of a failed video (InvalidTransition in any other status)."""
        starter = RenderStarter(self.ctx, self.engine, self.policy)
        return starter.start(actor, video_id, command="retry")

    def balance(self, actor: Actor) -> Balance:
        """The engine's credits left and its price, for the studio to show before a render."""
        signed_in(actor)
        return RenderStarter(self.ctx, self.engine, self.policy).balance()
