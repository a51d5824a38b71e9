"""Ad performance records, typed in by hand or imported."""

from __future__ import annotations

import attrs

from revideo.domain.ad_plausibility import check_manual
from revideo.domain.ads import AdInput, AdRecord
from revideo.domain.errors import Duplicate, ValidationError
from revideo.domain.page import Page, PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from revideo.services._base import Context, require_owner, signed_in
from revideo.services.properties import check_submission_key


@attrs.frozen
class AdService:
    ctx: Context

    def add(self, actor: Actor, data: AdInput, submission_key: str | None = None) -> AdRecord:
        """Record figures; a form's one-time `submission_key` used before returns the record
        it made (a double click), the database taking each key once."""
        owner = signed_in(actor)
        check_manual(data, self.ctx.clock().date())
        key = check_submission_key(submission_key)
        found = self.by_submission(actor, key) if key else None
        if found is not None:
            return found
        try:
            with self.ctx.uow(actor) as uow:
                video = uow.videos.get(data.video_id)
                require_owner(actor, video.user_id, "video", video.id)
                return uow.ads.add(AdRecord.from_input(self.ctx.ids(), owner, data), key)
        except Duplicate:
            found = self.by_submission(actor, key) if key else None
            if found is None:
                raise
            return found

    def by_submission(self, actor: Actor, submission_key: str) -> AdRecord | None:
        with self.ctx.uow(actor) as uow:
            return uow.ads.by_submission(submission_key)

    def get(self, actor: Actor, record_id: str) -> AdRecord:
        with self.ctx.uow(actor) as uow:
            return uow.ads.get(record_id)

    def update(self, actor: Actor, record_id: str, data: AdInput) -> AdRecord:
        """Correct a hand-typed record (imported figures change by import or undo only)."""
        with self.ctx.uow(actor) as uow:
            old = uow.ads.get(record_id)
            require_owner(actor, old.user_id, "ad record", record_id)
            _typed(old)
            check_manual(data, self.ctx.clock().date())
            video = uow.videos.get(data.video_id)
            require_owner(actor, video.user_id, "video", video.id)
            new = AdRecord.from_input(old.id, old.user_id, data)
            return uow.ads.update(attrs.evolve(new, created_at=old.created_at))

    def delete(self, actor: Actor, record_id: str) -> None:
        with self.ctx.uow(actor) as uow:
            old = uow.ads.get(record_id)
            require_owner(actor, old.user_id, "ad record", record_id)
            _typed(old)
            uow.ads.delete(record_id)

    def list(
        self, actor: Actor, filter: AdFilter = AdFilter(), page: PageRequest = PageRequest()
    ) -> Page[AdRecord]:
        with self.ctx.uow(actor) as uow:
            return uow.ads.list(filter, page)


def _typed(record: AdRecord) -> None:
    """Refuse to change an imported record: a newer report or undoing its import does."""
    if record.imported:
        raise ValidationError(
            "import_id",
            "these figures came from an imported report: import a newer report or undo"
            " that import to change them",
        )
