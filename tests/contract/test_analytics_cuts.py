"""Contract: every analytics figure, under every cut, equals the sums over the visible rows.

The SQL backends read rollups for some cuts (user, days, platform; per video or property
without a day cut) and the ad rows for others (video, property); the memory fake sums rows.
Whichever path a query takes, the figures must be the sums of the rows the actor sees, after
hand-typed rows, an edit, a delete and an import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import attrs

from revideo.domain import analytics
from revideo.domain.ad_imports import ImportHeader, ImportTally
from revideo.domain.ad_rows import AdSource, MappedAd
from revideo.domain.ads import AdPlatform, AdRecord
from revideo.ports.repositories import AdFilter
from tests.contract.conftest import World, a_property, a_video, an_ad, new_id

DAY = date(2026, 11, 2)
BYS = ("video", "property", "platform", "day", "user")


def _rows(world: World) -> tuple[list[AdRecord], dict[str, str], dict[str, str]]:
    """Alice's two properties and three videos, Bob's one, ad rows on three days and three
    platforms (ties on spend so the label decides), one edited, one deleted, one imported.
    Returns the rows as they should be, each row's property and every key's label."""
    labels = {world.alice.id: world.alice.email, world.bob.id: world.bob.email}
    prop_of: dict[str, str] = {}
    rows: list[AdRecord] = []
    for who, titles in ((world.alice, ("B house", "A house")), (world.bob, ("C house",))):
        with world.uow(who) as uow:
            for n, title in enumerate(titles):
                prop = uow.properties.add(a_property(who.id, title=title))
                labels[prop.id] = title
                for m in range(2 if n == 0 else 1):
                    video = uow.videos.add(a_video(who.id, prop.id, title=f"{title} tour {m}"))
                    labels[video.id], prop_of[video.id] = video.title, prop.id
                    for d, platform in enumerate(("meta", "google", "youtube")):
                        spend = Decimal("10.00") if d == 1 else Decimal(f"{n + m + d}.25")
                        record = an_ad(who.id, video.id, DAY + timedelta(d), platform=platform,
                                       spend_amount=spend, impressions=100 * (d + 1),
                                       clicks=n + d, leads=m)  # fmt: skip
                        rows.append(uow.ads.add(record))
    with world.uow(world.alice) as uow:
        edited = attrs.evolve(rows[0], spend_amount=Decimal("99.99"), leads=5)
        rows[0] = uow.ads.update(edited)
        uow.ads.delete(rows.pop(1).id)
        video = rows[2].video_id
        row = MappedAd(
            2, video, AdPlatform.GOOGLE, DAY, Decimal("7.50"), 300, 9, Decimal(1), None,
            AdSource(ad_name="Spring ad"),
        )  # fmt: skip
        header = ImportHeader(new_id(), world.alice.id, AdPlatform.GOOGLE, "", "ab" * 32)
        uow.ads.apply_import(header, [row], ImportTally)
    rows.append(
        AdRecord("imported", video, world.alice.id, "google", DAY, Decimal("7.50"), 300, 9, 1)
    )
    return rows, prop_of, labels


def _expected(
    rows: list[AdRecord], by: str, key: Callable[[AdRecord], str], labels: dict[str, str]
) -> list[tuple[str, str, analytics.AdTotals]]:
    groups: dict[str, list[AdRecord]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    found = [(k, labels.get(k, k), analytics.totals(g)) for k, g in groups.items()]
    return sorted(found, key=lambda t: (-t[2].spend, t[1], t[0]))


def test_every_cut_and_breakdown_sums_the_visible_rows(world: World) -> None:
    rows, prop_of, labels = _rows(world)
    alice_video, alice_prop = rows[0].video_id, prop_of[rows[0].video_id]
    keys: dict[str, Callable[[AdRecord], str]] = {
        "video": lambda r: r.video_id,
        "property": lambda r: prop_of[r.video_id],
        "platform": lambda r: r.platform.value,
        "day": lambda r: r.date_recorded.isoformat(),
        "user": lambda r: r.user_id,
    }
    cuts: list[tuple[AdFilter, Callable[[AdRecord], bool]]] = [
        (AdFilter(), lambda r: True),
        (AdFilter(date_from=DAY + timedelta(1)), lambda r: r.date_recorded >= DAY + timedelta(1)),
        (AdFilter(date_to=DAY), lambda r: r.date_recorded <= DAY),
        (AdFilter(platform=AdPlatform.GOOGLE), lambda r: r.platform == AdPlatform.GOOGLE),
        (AdFilter(video_id=alice_video), lambda r: r.video_id == alice_video),
        (AdFilter(property_id=alice_prop), lambda r: prop_of[r.video_id] == alice_prop),
        (AdFilter(user_id=world.bob.id), lambda r: r.user_id == world.bob.id),
    ]
    for who in (world.alice, world.admin):
        visible = [r for r in rows if who is world.admin or r.user_id == who.id]
        with world.uow(who) as uow:
            for f, keep in cuts:
                seen = [r for r in visible if keep(r)]
                assert uow.analytics.summary(f).ads == analytics.totals(seen), f
                days = sorted({r.date_recorded for r in seen})
                assert [(p.day, p.totals) for p in uow.analytics.daily(f)] == [
                    (d, analytics.totals([r for r in seen if r.date_recorded == d])) for d in days
                ], f
                platforms = {r.platform for r in seen}
                assert uow.analytics.by_platform(f) == {
                    p: analytics.totals([r for r in seen if r.platform == p]) for p in platforms
                }, f
                for by in BYS:
                    want = _expected(seen, by, keys[by], labels)
                    for limit in (None, 2) if f == AdFilter() else (None,):
                        got = uow.analytics.breakdown(f, by, limit)  # type: ignore[arg-type]
                        assert [(g.key, g.label, g.totals) for g in got] == want[:limit], (f, by)
                        for g in got:
                            t = g.totals
                            assert (g.ratios.cpl, g.ratios.ctr) == (t.cpl, t.ctr)
