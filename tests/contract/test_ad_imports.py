"""Contract: imported figures per source ad, restatements and undo, alike on every backend.

The property tests generate overlapping reports (restatements, the same figures again, any
order) and check the stored figures against a plain restatement of the rule: per source ad
and day, the figures of the newest report (latest last day, then latest import) that is not
undone. The analytics over them must equal the domain formulas over those figures.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain import analytics
from revideo.domain.ad_imports import ImportHeader, ImportTally, Outcome
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.domain.errors import Forbidden, NotFound, ValidationError
from revideo.domain.page import PageRequest, every
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import World, a_property, a_video, an_ad

FIRST = date(2026, 3, 1)
ADS = ("Spring tour", "Spring tour B", "Loft promo")  # the first two advertise one video


@attrs.frozen
class Report:
    """A generated report: (ad, day offset) -> (spend cents, impressions, clicks, leads)."""

    rows: tuple[tuple[tuple[int, int], tuple[int, int, int, int]], ...]

    @property
    def as_of(self) -> date:
        return max(FIRST + timedelta(days=d) for (_, d), _ in self.rows)

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self.rows).encode()).hexdigest()


figures = st.tuples(
    st.integers(0, 50_000), st.integers(0, 5000), st.integers(0, 300), st.integers(0, 40)
)
reports = st.dictionaries(
    st.tuples(st.integers(0, len(ADS) - 1), st.integers(0, 3)), figures, min_size=1, max_size=8
).map(lambda d: Report(tuple(sorted(d.items()))))


@attrs.define
class Agent:
    """One fresh user with two videos on a backend, importing reports as a service would."""

    world: World
    who: Any
    videos: tuple[str, str]
    imports: list[tuple[str, Report]] = attrs.Factory(list)  # live, in import order

    @classmethod
    def create(cls, world: World) -> Agent:
        who = world.db.add_user(f"agent-{uuid.uuid4().hex[:10]}@example.test")
        with world.uow(who) as uow:
            prop = uow.properties.add(a_property(who.id))
            one = uow.videos.add(a_video(who.id, prop.id, title="Tour"))
            two = uow.videos.add(a_video(who.id, prop.id, title="Loft"))
        return cls(world, who, (one.id, two.id))

    def rows(self, report: Report) -> list[MappedAd]:
        return [
            MappedAd(
                line=n + 2,
                video_id=self.videos[0 if ad < 2 else 1],
                platform=AdPlatform.META,
                day=FIRST + timedelta(days=day),
                spend=Decimal(cents) / 100,
                impressions=impressions,
                clicks=clicks,
                leads=Decimal(leads),
                source=AdSource(ad_name=ADS[ad], campaign_name="Spring"),
            )
            for n, ((ad, day), (cents, impressions, clicks, leads)) in enumerate(report.rows)
        ]

    def send(self, report: Report) -> Any:
        """Import like AdImportService: the same file again changes nothing."""
        with self.world.uow(self.who) as uow:
            if uow.ads.live_import(report.digest) is not None:
                return None
            header = ImportHeader(
                str(uuid.uuid4()), self.who.id, AdPlatform.META, "r.csv", report.digest
            )
            done = uow.ads.apply_import(header, iter(self.rows(report)), ImportTally)
        self.imports.append((header.id, report))
        return done

    def undo(self, import_id: str) -> Any:
        with self.world.uow(self.who) as uow:
            done = uow.ads.undo_import(import_id)
        self.imports = [(i, r) for i, r in self.imports if i != import_id]
        return done

    def stored(self) -> dict[tuple[str, date], tuple[str, Decimal, int, int, int]]:
        with self.world.uow(self.who) as uow:
            rows = list(every(lambda p: uow.ads.list(AdFilter(), p)))
        assert all(r.imported for r in rows)
        found = {(r.ad_name, r.date_recorded): _figures(r) for r in rows}
        assert len(found) == len(rows), "one row per source ad and day"
        return found

    def expected(self) -> dict[tuple[str, date], tuple[str, Decimal, int, int, int]]:
        """Per ad and day, the newest live report's figures (the rule, restated)."""
        newest: dict[tuple[int, int], tuple[tuple[date, int], tuple[int, int, int, int]]] = {}
        for order, (_, report) in enumerate(self.imports):
            for key, values in report.rows:
                rank = (report.as_of, order)
                if key not in newest or rank > newest[key][0]:
                    newest[key] = (rank, values)
        return {
            (ADS[ad], FIRST + timedelta(days=day)): (
                self.videos[0 if ad < 2 else 1],
                Decimal(cents) / 100,
                impressions,
                clicks,
                leads,
            )
            for (ad, day), (_, (cents, impressions, clicks, leads)) in newest.items()
        }


def _figures(r: AdRecord) -> tuple[str, Decimal, int, int, int]:
    return (r.video_id, r.spend_amount, r.impressions, r.clicks, r.leads)


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class TestRestatements:
    @PROPERTY
    @given(sequence=st.lists(reports, min_size=1, max_size=5), repeats=st.lists(st.integers(0, 4)))
    def test_the_newest_report_per_ad_and_day_wins(
        self, world: World, sequence: list[Report], repeats: list[int]
    ) -> None:
        agent = Agent.create(world)
        sent = [*sequence, *(sequence[i % len(sequence)] for i in repeats)]
        for report in sent:
            agent.send(report)
        assert agent.stored() == agent.expected()
        self._analytics_agree(agent)

    @PROPERTY
    @given(
        sequence=st.lists(reports, min_size=1, max_size=5),
        undo_order=st.permutations(range(5)),
        how_many=st.integers(0, 5),
    )
    def test_undoing_imports_in_any_order_restores_the_earlier_state(
        self, world: World, sequence: list[Report], undo_order: list[int], how_many: int
    ) -> None:
        agent = Agent.create(world)
        for report in sequence:
            agent.send(report)
        ids = [i for i, _ in agent.imports]
        for n in [n for n in undo_order if n < len(ids)][:how_many]:
            agent.undo(ids[n])
            assert agent.stored() == agent.expected()
        self._analytics_agree(agent)

    def _analytics_agree(self, agent: Agent) -> None:
        rows = [
            AdRecord(str(n), video, agent.who.id, "meta", day, spend, imp, clicks, leads)
            for n, ((_, day), (video, spend, imp, clicks, leads)) in enumerate(
                agent.expected().items()
            )
        ]
        with agent.world.uow(agent.who) as uow:
            summary = uow.analytics.summary(AdFilter())
            daily = uow.analytics.daily(AdFilter())
            by_video = uow.analytics.breakdown(AdFilter(), "video")
            cut = uow.analytics.summary(AdFilter(date_from=FIRST + timedelta(days=1)))
        assert summary.ads == analytics.totals(rows)
        assert cut.ads == analytics.totals([r for r in rows if r.date_recorded > FIRST])
        days = sorted({r.date_recorded for r in rows})
        assert [(p.day, p.totals) for p in daily] == [
            (d, analytics.totals([r for r in rows if r.date_recorded == d])) for d in days
        ]
        for group in by_video:
            mine = analytics.totals([r for r in rows if r.video_id == group.key])
            assert group.totals == mine
            assert (group.ratios.cpl, group.ratios.ctr, group.ratios.cpm) == (
                mine.cpl, mine.ctr, mine.cpm
            )  # fmt: skip


class TestImports:
    def test_a_restatement_updates_and_says_what_changed(self, world: World) -> None:
        agent = Agent.create(world)
        early = Report((((0, 0), (1000, 100, 10, 1)), ((2, 0), (500, 50, 5, 0))))
        later = Report(
            (((0, 0), (1000, 100, 10, 3)), ((2, 0), (500, 50, 5, 0)), ((1, 1), (1, 2, 3, 4)))
        )
        first = agent.send(early)
        assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
        second = agent.send(later)
        assert (second.added, second.updated, second.unchanged, second.older) == (1, 1, 1, 0)
        [change] = second.changes
        assert (change.source.ad_name, change.before.leads, change.figures.leads) == (
            "Spring tour", 1, 3
        )  # fmt: skip
        assert second.totals == analytics.AdTotals(Decimal("10.01"), 102, 13, 7)
        assert [r.flag for r in second.flags] == ["more clicks than impressions (3 > 2)"]
        assert {r.outcome for r in second.rows} == {
            Outcome.ADDED,
            Outcome.UPDATED,
            Outcome.UNCHANGED,
        }
        assert agent.send(later) is None  # the same file again
        with world.uow(agent.who) as uow:
            history = uow.ads.imports(PageRequest()).items
        assert [(i.added, i.updated, i.flagged) for i in history] == [(1, 1, 1), (2, 0, 0)]
        assert history[0].changes[0].before is not None

    def test_an_older_report_is_kept_aside_until_the_newer_goes(self, world: World) -> None:
        agent = Agent.create(world)
        newer = Report((((0, 0), (900, 90, 9, 9)), ((0, 2), (1, 1, 1, 1))))
        older = Report((((0, 0), (100, 10, 1, 1)),))
        agent.send(newer)
        done = agent.send(older)
        assert (done.added, done.older) == (0, 1)
        assert agent.stored()[("Spring tour", FIRST)][1] == Decimal("9.00")
        agent.undo(agent.imports[0][0])
        assert agent.stored() == {
            ("Spring tour", FIRST): (agent.videos[0], Decimal("1.00"), 10, 1, 1)
        }

    def test_hand_typed_figures_are_never_overwritten(self, world: World) -> None:
        agent = Agent.create(world)
        with world.uow(agent.who) as uow:
            typed = uow.ads.add(an_ad(agent.who.id, agent.videos[0], FIRST))
        agent.send(Report((((0, 0), (100, 10, 1, 1)),)))
        agent.undo(agent.imports[0][0])
        with world.uow(agent.who) as uow:
            kept = uow.ads.get(typed.id)
            assert (kept.spend_amount, kept.import_id) == (typed.spend_amount, None)
            assert uow.ads.list(AdFilter(), PageRequest()).total == 1

    def test_only_the_owner_sees_and_undoes_an_import(self, world: World) -> None:
        agent = Agent.create(world)
        agent.send(Report((((0, 0), (100, 10, 1, 1)),)))
        import_id = agent.imports[0][0]
        with world.uow(world.bob) as uow:
            assert uow.ads.imports(PageRequest()).total == 0
            with pytest.raises(NotFound):
                uow.ads.undo_import(import_id)
        with pytest.raises(Forbidden), world.uow(world.admin) as uow:
            assert uow.ads.get_import(import_id).id == import_id
            uow.ads.undo_import(import_id)
        agent.undo(import_id)
        with pytest.raises(ValidationError), world.uow(agent.who) as uow:
            uow.ads.undo_import(import_id)
        with world.uow(agent.who) as uow:
            assert uow.ads.get_import(import_id).undone
