"""A unit of work over PostgREST, acting with one actor's JWT."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING

from revideo.adapters.supabase.ads import RestAds, RestAnalytics
from revideo.adapters.supabase.repositories import (
    RestMedia,
    RestProfiles,
    RestProperties,
    RestRenderJobs,
    RestVideos,
    RestWebhookDeliveries,
)
from revideo.adapters.supabase.rest import Rest
from revideo.domain.profile import Actor

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend

log = logging.getLogger(__name__)


class SupabaseUnitOfWork:
    """The repositories for one actor (a UnitOfWork).

    PostgREST makes each request its own transaction, so this is not one
    database transaction: if the block raises, the rows it inserted (and ad
    rows it merged) are deleted again; updates and deletes already made stay.
    lock() is optimistic (see RestVideos.lock).
    """

    def __init__(self, backend: SupabaseBackend, actor: Actor) -> None:
        self.backend = backend
        self.actor = actor
        self._rest: Rest | None = None

    def __enter__(self) -> SupabaseUnitOfWork:
        rest = Rest(self.backend.rest_client(self.actor), self.actor)
        self._rest = rest
        self.profiles = RestProfiles(rest)
        self.properties = RestProperties(rest)
        self.media = RestMedia(rest)
        self.videos = RestVideos(rest)
        self.render_jobs = RestRenderJobs(rest)
        self.webhook_deliveries = RestWebhookDeliveries(rest)
        self.ads = RestAds(rest)
        self.analytics = RestAnalytics(rest)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        rest, self._rest = self._rest, None
        if exc_type is None or rest is None:
            return
        for step in reversed(rest.undo):
            try:
                step()
            except Exception:  # the original error matters more; leave a trace
                log.warning("could not undo a write of a failed unit of work", exc_info=True)
