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
from revideo.adapters.supabase.tokens import RestApiTokens
from revideo.adapters.supabase.webhooks import RestWebhooks
from revideo.domain.profile import Actor

if TYPE_CHECKING:
    from revideo.adapters.supabase.backend import SupabaseBackend

log = logging.getLogger(__name__)


class SupabaseUnitOfWork:
    """The repositories for one actor (a UnitOfWork).

    PostgREST makes each request its own transaction, so this is not one
    database transaction. Writes of several rows at once go through one SQL
    function (a property with its photos, photo orders, a photo's removal, ad
    merges, a video with its render jobs, retry schedule and lease: see
    Rest.held); if the
    block raises, the other writes are undone step by step (inserts deleted,
    updates written back unless changed again since, deleted rows inserted
    again, without what their deletion cascaded to). lock() is optimistic
    (see RestVideos.lock), and at most one unfinished render job per video is
    the database's own rule.
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
        self.api_tokens = RestApiTokens(rest)
        self.webhooks = RestWebhooks(rest)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        rest, self._rest = self._rest, None
        if rest is None:
            return
        if exc_type is None:
            try:
                rest.flush()  # writes held back for a video's (Rest.held)
                return
            except BaseException:
                _undo(rest)
                raise
        rest.held, rest.delivery = None, None  # never sent: nothing to undo
        _undo(rest)


def _undo(rest: Rest) -> None:
    """Run the undo steps of a failed unit of work, newest first."""
    for step in reversed(rest.undo):
        try:
            step()
        except Exception:  # the original error matters more; leave a trace
            log.warning("could not undo a write of a failed unit of work", exc_info=True)
