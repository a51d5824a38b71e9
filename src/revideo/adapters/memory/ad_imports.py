"""In-memory imports: the same rules as revideo_apply_import / revideo_undo_import in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date

import attrs

from revideo.adapters.memory.database import Repo, paginate
from revideo.domain.ad_imports import (
    SHOWN,
    AdImport,
    ImportedRow,
    ImportHeader,
    ImportResult,
    ImportTally,
    Outcome,
    UndoResult,
)
from revideo.domain.ad_matching import StagedAd, merge_mapped
from revideo.domain.ad_plausibility import implausible
from revideo.domain.ad_rows import MappedAd
from revideo.domain.ads import AdRecord
from revideo.domain.analytics import AdTotals
from revideo.domain.errors import Forbidden, NotFound, ValidationError
from revideo.domain.page import Page, PageRequest

Key = tuple[str, str, str, date]  # user, platform, source key, day


def _figures(r: AdRecord) -> AdTotals:
    return AdTotals(r.spend_amount, r.impressions, r.clicks, r.leads)


class InMemoryImports(Repo):
    """The import half of InMemoryAds."""

    def apply_import(
        self, header: ImportHeader, rows: Iterable[MappedAd], tally: Callable[[], ImportTally]
    ) -> ImportResult:
        staged, errors = merge_mapped(rows)
        counts = tally()
        self.tx.check_insert(header.user_id, "ad import", header.id)
        if header.id in self.t.ad_imports:
            raise ValidationError("id", "this import exists already")
        for other in self.t.ad_imports.values():
            same = (other.user_id, other.file_hash) == (header.user_id, header.file_hash)
            if same and not other.undone:
                raise ValidationError("file", "this file was imported already")
        as_of = max((s.data.date_recorded for s in staged), default=self.tx.now().date())
        record = AdImport(
            id=header.id, user_id=header.user_id, platform=header.platform,
            file_name=header.file_name, file_hash=header.file_hash, as_of=as_of,
            seq=self.tx.db.next_seq(), imported_at=self.tx.now(), imported_by=header.imported_by,
            rows_read=counts.rows_read, error_count=counts.error_count + len(errors),
            unmapped_count=counts.unmapped_count,
        )  # fmt: skip
        self._check_videos(staged, header.user_id)
        current = self._current(header.user_id)
        done = [self._apply(record, s, current) for s in sorted(staged, key=lambda s: s.line)]
        result = _result(record, done, errors)
        self.t.ad_imports[record.id] = attrs.evolve(
            record, added=result.added, updated=result.updated, unchanged=result.unchanged,
            older=result.older, flagged=result.flagged, totals=result.totals,
            changes=result.changes, flags=result.flags,
        )  # fmt: skip
        return result

    def _check_videos(self, staged: list[StagedAd], user_id: str) -> None:
        for s in staged:
            video = self.t.videos.get(s.data.video_id)
            if video is None or video.user_id != user_id:
                raise NotFound("video", s.data.video_id)

    def _current(self, user_id: str) -> dict[Key, AdRecord]:
        return {
            (a.user_id, a.platform.value, a.source_key, a.date_recorded): a
            for a in self.t.ads.values()
            if a.import_id is not None and a.user_id == user_id
        }

    def _apply(self, imp: AdImport, s: StagedAd, current: dict[Key, AdRecord]) -> ImportedRow:
        d = s.data
        new = AdRecord.from_input(str(uuid.uuid4()), imp.user_id, d)
        new = attrs.evolve(
            new, import_id=imp.id, source_key=s.source_key, ad_id=s.source.ad_id,
            ad_name=s.source.ad_name, ad_set_name=s.source.ad_set_name,
            campaign_id=s.source.campaign_id, campaign_name=s.source.campaign_name,
        )  # fmt: skip
        figures = _figures(new)
        flag = implausible(d.impressions, d.clicks, d.leads)
        row = ImportedRow(
            s.line, d.video_id, d.platform, d.date_recorded, s.source, figures, Outcome.ADDED,
            flag=flag,
        )  # fmt: skip
        key = (imp.user_id, d.platform.value, s.source_key, d.date_recorded)
        cur = current.get(key)
        if cur is None:
            now = self.tx.now()
            self.t.ads[new.id] = current[key] = attrs.evolve(new, created_at=now, updated_at=now)
            self.tx.stamp(new.id)
            return row
        assert cur.import_id is not None
        if self.t.ad_imports[cur.import_id].as_of > imp.as_of:
            self.t.ad_versions[(imp.id, *key[1:])] = new
            return attrs.evolve(row, outcome=Outcome.OLDER)
        self.t.ad_versions[(cur.import_id, *key[1:])] = cur
        same = cur.video_id == new.video_id and _figures(cur) == figures
        kept = attrs.evolve(new, id=cur.id, created_at=cur.created_at, updated_at=self.tx.now())
        self.t.ads[cur.id] = current[key] = kept
        if same:
            return attrs.evolve(row, outcome=Outcome.UNCHANGED)
        return attrs.evolve(row, outcome=Outcome.UPDATED, before=_figures(cur))

    def undo_import(self, import_id: str) -> UndoResult:
        imp = self.get_import(import_id)
        if not self.tx.actor.can_write(imp.user_id):
            raise Forbidden("undo", "ad import", import_id)
        if imp.undone:
            raise ValidationError("import", "this import was undone already")
        self.t.ad_imports[import_id] = attrs.evolve(imp, undone_at=self.tx.now())
        restored = removed = 0
        for row in [a for a in self.t.ads.values() if a.import_id == import_id]:
            best = self._best_left(row, import_id)
            if best is None:
                del self.t.ads[row.id]
                removed += 1
                continue
            version_key, version = best
            del self.t.ad_versions[version_key]
            self.t.ads[row.id] = attrs.evolve(
                version, id=row.id, created_at=row.created_at, updated_at=self.tx.now()
            )
            restored += 1
        for key in [k for k in self.t.ad_versions if k[0] == import_id]:
            del self.t.ad_versions[key]
        return UndoResult(import_id, restored, removed)

    def _best_left(
        self, row: AdRecord, import_id: str
    ) -> tuple[tuple[str, str, str, date], AdRecord] | None:
        found = [
            (k, v)
            for k, v in self.t.ad_versions.items()
            if k[0] != import_id
            and v.user_id == row.user_id
            and k[1:] == (row.platform.value, row.source_key, row.date_recorded)
        ]
        if not found:
            return None
        return max(found, key=lambda kv: self.t.ad_imports[kv[0][0]].precedence)

    def imports(self, page: PageRequest) -> Page[AdImport]:
        rows = self.tx.visible(self.t.ad_imports.values(), lambda i: i.user_id)
        return paginate(sorted(rows, key=lambda i: i.seq, reverse=True), page)

    def get_import(self, import_id: str) -> AdImport:
        return self.tx.find(self.t.ad_imports, import_id, "ad import", lambda i: i.user_id)

    def live_import(self, file_hash: str) -> AdImport | None:
        me = self.tx.actor.user_id
        for imp in self.t.ad_imports.values():
            if imp.user_id == me and imp.file_hash == file_hash and not imp.undone:
                return imp
        return None


def _result(imp: AdImport, done: list[ImportedRow], errors: list) -> ImportResult:  # type: ignore[type-arg]
    counts = {o: sum(1 for r in done if r.outcome is o) for o in Outcome}
    changed = [r.figures for r in done if r.outcome in (Outcome.ADDED, Outcome.UPDATED)]
    totals = AdTotals(
        sum((f.spend for f in changed), AdTotals().spend),
        sum(f.impressions for f in changed),
        sum(f.clicks for f in changed),
        sum(f.leads for f in changed),
    )
    return ImportResult(
        import_id=imp.id, as_of=imp.as_of, added=counts[Outcome.ADDED],
        updated=counts[Outcome.UPDATED], unchanged=counts[Outcome.UNCHANGED],
        older=counts[Outcome.OLDER], flagged=sum(1 for r in done if r.flag), totals=totals,
        rows=tuple(done[:SHOWN]),
        changes=tuple([r for r in done if r.outcome is Outcome.UPDATED][:SHOWN]),
        flags=tuple([r for r in done if r.flag][:SHOWN]),
        errors=tuple(errors[:SHOWN]), error_count=len(errors),
    )  # fmt: skip
