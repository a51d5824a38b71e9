"""Importing a Meta report end to end, over the in-memory database and PostgreSQL."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from revideo.adapters.memory.database import InMemoryDatabase
from revideo.domain.errors import ValidationError
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter
from revideo.services.ad_import import ImportRejected
from revideo.services.videos import VideoInput
from tests.support import Clock, memory_services, sample_property, user


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.integration)])
def world(request: pytest.FixtureRequest, clock: Clock):  # type: ignore[no-untyped-def]
    if request.param == "memory":
        db = InMemoryDatabase(clock=clock)
    else:
        db = request.getfixturevalue("pg_database")
    svc = memory_services(clock, backend=db)
    agent = user(db, "agent@example.com")
    prop = svc.properties.create(agent, sample_property())
    villa = svc.videos.create_draft(agent, VideoInput(prop.id, "Seaside Villa Tour"))
    loft = svc.videos.create_draft(agent, VideoInput(prop.id, "City Loft"))
    return svc, agent, villa, loft


def report(villa_id: str) -> bytes:
    lines = [
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads",
        f'Spring,Villa rv-{villa_id[:8]},2026-11-01,"1,250.50",10000,100,5',
        f"Spring,Villa again {villa_id[:8]},2026-11-01,49.50,500,10,1",
        "Spring,City Loft,2026-11-02,20.00,800,8,--",
        "Autumn,Mystery ad,2026-11-02,5.00,10,1,0",
        "Spring,City Loft,2026-11-03,abc,800,8,1",
        "Total,,,1325.00,11310,119,6",
    ]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def test_preview_changes_nothing_and_lists_every_problem(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, _ = world
    preview = svc.ad_import.preview(agent, io.BytesIO(report(villa.id)))
    assert (preview.platform.value, preview.added, preview.updated) == ("meta", 3, 0)
    assert [(r.line, r.outcome.value) for r in preview.rows] == [
        (2, "added"),
        (3, "added"),
        (4, "added"),
    ]
    assert preview.committed is False
    assert [u.line for u in preview.unmapped] == [5]
    assert [(e.line, e.column) for e in preview.errors] == [(6, "Amount spent (USD)")]
    assert svc.ads.list(agent).total == 0


def test_commit_keeps_each_ad_and_the_same_file_again_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, loft = world
    first = svc.ad_import.commit(
        agent, io.BytesIO(report(villa.id)), skip_errors=True, file_name="meta.csv"
    )
    assert (first.added, first.updated, first.committed) == (3, 0, True)
    rows = {(r.video_id, r.date_recorded.day, r.ad_name): r for r in svc.ads.list(agent).items}
    one = rows[(villa.id, 1, f"Villa rv-{villa.id[:8]}")]
    assert (one.spend_amount, one.impressions, one.leads) == (Decimal("1250.50"), 10000, 5)
    assert (one.import_id, one.campaign_name) == (first.import_id, "Spring")
    assert rows[(loft.id, 2, "City Loft")].leads == 0
    day_one = svc.analytics.summary(agent, AdFilter(video_id=villa.id)).ads
    assert (day_one.spend, day_one.impressions, day_one.leads) == (Decimal("1300.00"), 10500, 6)
    again = svc.ad_import.commit(agent, io.BytesIO(report(villa.id)), skip_errors=True)
    assert again.duplicate_of is not None and again.duplicate_of.id == first.import_id
    assert (again.added, again.updated, again.committed) == (0, 0, False)
    assert svc.ads.list(agent).total == 3
    [kept] = svc.ad_import.imports(agent).items
    assert (kept.file_name, kept.added, kept.rows_read, kept.error_count) == ("meta.csv", 3, 5, 1)
    assert kept.imported_by == "agent@example.com" and kept.as_of.isoformat() == "2026-11-02"


def test_an_explicit_choice_maps_a_row(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, loft = world
    done = svc.ad_import.commit(
        agent, io.BytesIO(report(villa.id)), "meta", {"Mystery ad": loft.id}, skip_errors=True
    )
    assert done.added == 4 and done.unmapped_count == 0
    loft_rows = [r for r in svc.ads.list(agent).items if r.video_id == loft.id]
    assert sorted((r.spend_amount, r.clicks) for r in loft_rows) == [
        (Decimal("5.00"), 1), (Decimal("20.00"), 8)
    ]  # fmt: skip


def test_another_users_videos_are_never_matched(world, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, _ = world
    stranger = user(svc.backend, "stranger@example.com")
    result = svc.ad_import.commit(stranger, io.BytesIO(report(villa.id)), skip_errors=True)
    assert result.added == 0 and result.unmapped_count == 4
    assert svc.ads.list(agent).total == 0


def test_unreadable_files_and_anonymous_callers_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, _ = world
    with pytest.raises(ValidationError):
        svc.ad_import.preview(agent, io.BytesIO(b"just some text\nwithout a header\n"))
    with pytest.raises(ValidationError) as exc:
        svc.ad_import.preview(agent, io.BytesIO(report(villa.id)), platform="tiktok")
    assert exc.value.field == "platform"
    with pytest.raises(Exception, match="sign in"):
        svc.ad_import.preview(Actor.anonymous(), io.BytesIO(report(villa.id)))


def test_a_line_with_an_error_refuses_the_whole_commit(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, _ = world
    with pytest.raises(ImportRejected) as exc:
        svc.ad_import.commit(agent, io.BytesIO(report(villa.id)))
    assert exc.value.first.line == 6 and "line 6" in str(exc.value)
    assert "nothing was imported" in str(exc.value)
    assert svc.ads.list(agent).total == 0


def test_a_choice_by_line_maps_only_that_row(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, loft = world
    preview = svc.ad_import.preview(agent, io.BytesIO(report(villa.id)), lines={5: loft.id})
    assert preview.unmapped_count == 0 and preview.added == 4  # its own ad beside loft's
    done = svc.ad_import.commit(
        agent, io.BytesIO(report(villa.id)), lines={5: loft.id}, skip_errors=True
    )
    assert done.added == 4
    loft = svc.analytics.summary(agent, AdFilter(video_id=loft.id)).ads
    assert (loft.spend, loft.clicks) == (Decimal("25.00"), 9)
    with pytest.raises(ValidationError) as exc:
        svc.ad_import.preview(agent, io.BytesIO(report(villa.id)), lines={5: "not-mine"})
    assert exc.value.field == "choices"


def google_report(villa_id: str) -> bytes:
    lines = [
        "Campaign report",
        "1 February 2026 - 28 February 2026",
        "Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions",
        f"2026-02-01,Tour {villa_id[:8]},USD,10.005,100,1,0.25",
        f"2026-02-01,Tour {villa_id[:8]},,0.00,0,0,0.25",
        f"2026-02-01,Tour {villa_id[:8]},EUR,5.00,10,1,1",
        '2026-02-02,City Loft,USD,"60,000,000.00",1,1,0.75',
        '2026-02-02,City Loft,USD,"60,000,000.00",1,1,0.75',
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_rows_of_one_key_are_summed_then_checked(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, _ = world
    preview = svc.ad_import.preview(agent, io.BytesIO(google_report(villa.id)))
    assert [(e.line, e.column) for e in preview.errors] == [(6, "currency"), (7, "spend_amount")]
    assert str(preview.errors[0]) == "line 6: currency: EUR differs from USD on line 4"
    assert (preview.added, preview.error_count) == (1, 2)
    with pytest.raises(ImportRejected) as exc:
        svc.ad_import.commit(agent, io.BytesIO(google_report(villa.id)))
    assert exc.value.first.line == 6 and svc.ads.list(agent).total == 0
    done = svc.ad_import.commit(agent, io.BytesIO(google_report(villa.id)), skip_errors=True)
    assert (done.added, done.error_count) == (1, 2)
    [row] = svc.ads.list(agent).items
    figures = (row.video_id, row.platform.value, row.spend_amount, row.impressions, row.leads)
    assert figures == (villa.id, "google", Decimal("10.00"), 100, 0)  # half-even: .005, 0.5


def test_a_top_list_keeps_the_biggest_spenders(world) -> None:  # type: ignore[no-untyped-def]
    svc, agent, villa, loft = world
    svc.ad_import.commit(agent, io.BytesIO(report(villa.id)), skip_errors=True)
    every = svc.analytics.breakdown(agent, by="video")
    top = svc.analytics.breakdown(agent, by="video", limit=1)
    assert [r.key for r in every] == [villa.id, loft.id]
    assert top == every[:1]
    with pytest.raises(ValidationError) as exc:
        svc.analytics.breakdown(agent, by="video", limit=0)
    assert exc.value.field == "limit"
