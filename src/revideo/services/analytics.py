"""The dashboard's and the analytics pages' figures (design.md §5)."""

from __future__ import annotations

from typing import cast

import attrs

from revideo.domain.ads import AdPlatform
from revideo.domain.analytics import AdTotals, Summary
from revideo.domain.errors import ValidationError
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, BreakdownBy, BreakdownRow, DailyPoint
from revideo.services._base import Context, require_admin, signed_in

BREAKDOWNS: tuple[str, ...] = ("video", "property", "platform", "day", "user")


@attrs.frozen
class AnalyticsService:
    ctx: Context

    def summary(self, actor: Actor, filter: AdFilter = AdFilter()) -> Summary:
        with self.ctx.uow(actor) as uow:
            return uow.analytics.summary(self._scoped(actor, filter))

    def daily(self, actor: Actor, filter: AdFilter = AdFilter()) -> list[DailyPoint]:
        with self.ctx.uow(actor) as uow:
            return uow.analytics.daily(self._scoped(actor, filter))

    def by_platform(
        self, actor: Actor, filter: AdFilter = AdFilter()
    ) -> dict[AdPlatform, AdTotals]:
        with self.ctx.uow(actor) as uow:
            return uow.analytics.by_platform(self._scoped(actor, filter))

    def breakdown(
        self,
        actor: Actor,
        filter: AdFilter = AdFilter(),
        by: BreakdownBy | str = "video",
        limit: int | None = None,
    ) -> list[BreakdownRow]:
        """Totals and ratios per video, property, platform or day; per user for admins.

        `limit` keeps the biggest spenders only (pages show a top list; exports show all).
        """
        if limit is not None and limit < 1:
            raise ValidationError("limit", "must be 1 or more")
        if by not in BREAKDOWNS:
            raise ValidationError("by", f"must be one of {', '.join(BREAKDOWNS)}")
        if by == "user":
            require_admin(actor)
        with self.ctx.uow(actor) as uow:
            scoped = self._scoped(actor, filter)
            return uow.analytics.breakdown(scoped, cast(BreakdownBy, by), limit)

    @staticmethod
    def _scoped(actor: Actor, filter: AdFilter) -> AdFilter:
        """Check the filter: a range must not run backwards; only admins cut by user."""
        signed_in(actor)
        if filter.date_from and filter.date_to and filter.date_from > filter.date_to:
            raise ValidationError("date_to", "must not be before the start date")
        if filter.user_id is not None and filter.user_id != actor.user_id:
            require_admin(actor)
        return filter
