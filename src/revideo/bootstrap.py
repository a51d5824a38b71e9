"""
The composition root: settings → adapters → a frozen Services object.

Web, CLI and library users all call `bootstrap()`; nothing else builds
adapters. Every adapter module is imported here lazily, by the branch that
needs it, so `revideo --help` stays fast.
"""

from __future__ import annotations

import logging
import sys
import time
import types
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs

from revideo.domain.errors import ConfigError
from revideo.domain.profile import Actor
from revideo.domain.video import Video, VideoStatus
from revideo.ports.ad_exports import AdExportReader
from revideo.ports.backend import Backend
from revideo.ports.clock import Clock, utcnow
from revideo.ports.fetcher import RemoteFetcher
from revideo.ports.identity import Identity
from revideo.ports.images import ImageCleaner
from revideo.ports.mailer import Mailer
from revideo.ports.media_store import MediaStore
from revideo.ports.script_writer import ScriptWriter
from revideo.ports.video_engine import Photo, VideoEngine
from revideo.ports.webhooks import WebhookSender
from revideo.services._base import Context
from revideo.services.ad_import import AdImportService
from revideo.services.ads import AdService
from revideo.services.analytics import AnalyticsService
from revideo.services.pipeline import Pipeline
from revideo.services.properties import PropertyService
from revideo.services.staging import StagingService
from revideo.services.tokens import TokenService
from revideo.services.users import UserService
from revideo.services.videos import RenderPolicy, VideoService
from revideo.services.webhooks import WebhookService
from revideo.settings import Settings, load

log = logging.getLogger(__name__)


@attrs.frozen
class Services:
    """Every use case of revideo, wired to its adapters."""

    settings: Settings
    backend: Backend
    engine: VideoEngine
    store: MediaStore
    mailer: Mailer
    identity: Identity
    writer: ScriptWriter
    properties: PropertyService
    videos: VideoService
    pipeline: Pipeline
    ads: AdService
    ad_import: AdImportService
    analytics: AnalyticsService
    users: UserService
    staging: StagingService
    tokens: TokenService
    webhooks: WebhookService

    def follow(
        self,
        actor: Actor,
        video_id: str,
        *,
        poll: float = 1.0,
        timeout: float | None = None,
        on_change: Callable[[Video], None] | None = None,
    ) -> Video:
        """Run the render pipeline here until the video is archived or has failed.

        For scripts and the CLI, where no worker runs: each turn is one pipeline
        round (every in-flight video moves, not only this one). `on_change` sees
        the video whenever its status changes. Raises TimeoutError after
        `timeout` seconds, with the video still in flight.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        last: VideoStatus | None = None
        while True:
            self.pipeline.run_round()
            video = self.videos.get(actor, video_id)
            if video.status is not last and on_change is not None:
                on_change(video)
            last = video.status
            if video.status is VideoStatus.FAILED or video.archived_at is not None:
                return video
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"video {video_id} is still {video.status.value}")
            time.sleep(poll)

    def close(self) -> None:
        self.engine.close()
        self.backend.close()


def bootstrap(
    settings: Settings | None = None,
    *,
    backend: Backend | None = None,
    engine: VideoEngine | None = None,
    store: MediaStore | None = None,
    mailer: Mailer | None = None,
    identity: Identity | None = None,
    writer: ScriptWriter | None = None,
    clock: Clock = utcnow,
) -> Services:
    """Build the services; any adapter passed in replaces the configured one."""
    settings = with_secret_key(settings or load())
    backend = backend if backend is not None else make_backend(settings)
    store = store or backend.media_store() or files_store(settings)
    engine = engine or make_engine(settings, store)
    mailer = mailer or make_mailer(settings)
    identity = identity or backend.identity(mailer, secret=settings.secret_key)
    writer = writer or make_writer(settings)
    ctx = Context(uow=backend.unit_of_work, clock=clock)
    # HeyGen posts per-video callbacks unsigned, so status arrives through the
    # signed, registered webhook endpoint and through polling instead.
    webhooks = WebhookService(ctx, make_webhook_sender(settings), mailer)
    policy = RenderPolicy(
        credits_per_minute=settings.credits_per_minute,
        poll_concurrency=settings.poll_concurrency,
        stuck_after=timedelta(minutes=settings.stuck_after_minutes),
        max_auto_attempts=settings.max_auto_attempts,
    )
    return Services(
        settings=settings,
        backend=backend,
        engine=engine,
        store=store,
        mailer=mailer,
        identity=identity,
        writer=writer,
        properties=PropertyService(ctx, store, make_image_cleaner(), make_fetcher(settings)),
        videos=VideoService(ctx, engine, store, writer, policy),
        pipeline=Pipeline(ctx, engine, store, policy, webhooks=webhooks),
        ads=AdService(ctx),
        ad_import=AdImportService(ctx, make_export_reader()),
        analytics=AnalyticsService(ctx),
        users=UserService(ctx, store, identity),
        staging=StagingService(store, clock, keep=timedelta(hours=settings.staging_hours)),
        tokens=TokenService(ctx),
        webhooks=webhooks,
    )


def make_fetcher(settings: Settings) -> RemoteFetcher:
    from revideo.adapters.http_fetch import HttpFetcher

    return HttpFetcher(allow_private=settings.fetch_private)


def make_webhook_sender(settings: Settings) -> WebhookSender:
    from revideo.adapters.http_fetch.webhooks import HttpWebhookSender

    return HttpWebhookSender(allow_private=settings.fetch_private)


def make_image_cleaner() -> ImageCleaner:
    from revideo.adapters.images import PillowImageCleaner

    return PillowImageCleaner()


def with_secret_key(settings: Settings) -> Settings:
    """REVIDEO_SECRET_KEY, or one generated once and kept in the data directory."""
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret_key"
    try:
        if not path.exists():
            import secrets

            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return attrs.evolve(settings, secret_key=path.read_text().strip() or None)
    except OSError as exc:
        log.warning("no secret key kept in %s (%s): sessions end on restart", path, exc)
        return settings


def make_backend(settings: Settings) -> Backend:
    """The configured backend; its auth and storage come with it (see Backend)."""
    if settings.backend == "memory":
        from revideo.adapters.memory.database import InMemoryDatabase

        return InMemoryDatabase()
    if settings.backend == "supabase":
        from revideo.adapters.supabase import SupabaseBackend

        return SupabaseBackend.from_settings(settings)
    from revideo.adapters.postgres import PostgresDatabase

    return PostgresDatabase.connect(database_url(settings))


def database_url(settings: Settings) -> str:
    """The configured database, or the embedded one (started and migrated on demand)."""
    if settings.database_url:
        from revideo.adapters.postgres.migrate import migrate

        migrate(settings.database_url)
        return settings.database_url
    from revideo.adapters.postgres.embedded import ensure_server

    return ensure_server(settings.data_dir)


def files_store(settings: Settings) -> MediaStore:
    """Media as files under the data directory, served by the web app under /media."""
    from revideo.adapters.files import FilesMediaStore

    return FilesMediaStore(settings.media_dir, base_url=f"{settings.public_url}/media")


def make_engine(settings: Settings, store: MediaStore) -> VideoEngine:
    if settings.engine == "fake":
        from revideo.adapters.memory.engine import FakeVideoEngine

        return FakeVideoEngine()
    if settings.engine == "heygen":
        engine: VideoEngine = heygen_engine(settings)
        return engine
    from revideo.adapters.local_engine import LocalEngine

    def read_photo(photo: Photo) -> bytes:
        return b"".join(store.open(photo.bucket, photo.path))

    return LocalEngine(settings.data_dir / "renders", read_photo=read_photo)


def heygen_engine(settings: Settings) -> Any:
    """A HeyGenEngine for the configured account, whichever engine renders by default."""
    from revideo.adapters.heygen import HeyGenEngine

    return HeyGenEngine(
        settings.heygen_api_key or "",
        base_url=settings.heygen_base_url,
        api_version=settings.heygen_api_version,
        webhook_secret=settings.heygen_webhook_secret,
        avatar_engine=settings.heygen_avatar_engine,
    )


def heygen_simulator(api_key: str, **options: Any) -> Any:
    """The local HeyGen simulator (a server to point HEYGEN_BASE_URL at)."""
    from revideo.adapters.heygen.simulator import HeyGenSimulator

    return HeyGenSimulator(api_key, **options)


def make_export_reader() -> AdExportReader:
    from revideo.adapters.ad_exports import read_export

    return read_export


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        from revideo.adapters.smtp import SmtpMailer

        return SmtpMailer(settings.smtp_url, sender=settings.mail_from)
    from revideo.adapters.memory.store import OutboxMailer

    return OutboxMailer(echo=True)


def make_writer(settings: Settings) -> ScriptWriter:
    from revideo.domain.scripts import TemplateScriptWriter

    template: ScriptWriter = TemplateScriptWriter()
    if not settings.llm_base_url:
        return template
    if not settings.llm_model:
        raise ConfigError("REVIDEO_LLM_MODEL", "is required when REVIDEO_LLM_BASE_URL is set")
    from revideo.adapters.llm import OpenAIScriptWriter

    return OpenAIScriptWriter(
        settings.llm_base_url,
        settings.llm_api_key or "",
        settings.llm_model,
        fallback=template,
    )


class _CallableModule(types.ModuleType):
    """This module, callable as its own `bootstrap()`.

    `revideo.bootstrap` names both this module (Python's import system binds a
    submodule to its package's attribute of the same name) and the function the
    package exports. Whichever one a caller holds, calling it builds the services.
    """

    def __call__(self, settings: Settings | None = None, /, **adapters: Any) -> Services:
        return bootstrap(settings, **adapters)


sys.modules[__name__].__class__ = _CallableModule
