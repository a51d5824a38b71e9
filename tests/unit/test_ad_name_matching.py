"""Matching real ad names to videos (issue 19 item 4): normalised titles, candidates for a name
that fits two videos, unique default titles, the short reference."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from revideo.domain.ad_matching import VideoRef, match_rows, normalise, short_ref
from revideo.domain.ad_rows import ExportRow
from revideo.domain.ads import AdPlatform
from revideo.services.videos import VideoInput
from tests.support import Clock, memory_services, sample_property, user

A = VideoRef("1a2b3c4d-0000-4000-8000-000000000001", "Sunny Loft — video tour")
B = VideoRef("5e6f7a8b-0000-4000-8000-000000000002", "Café « Élysée » – tour")


def one(**names: str) -> ExportRow:
    return ExportRow(line=2, platform=AdPlatform.META, day=date(2026, 11, 1), **names)


def test_titles_match_whatever_the_dashes_quotes_case_spaces_and_accents() -> None:
    for typed, video in [
        ("sunny loft - video tour", A),
        ("  SUNNY   LOFT -- video tour".replace("--", "-"), A),
        ('Cafe "Elysee" - TOUR', B),
        ("café «élysée» — tour", B),
    ]:
        [match] = match_rows([one(ad=typed)], [A, B])
        assert match.video_id == video.id, typed
    [miss] = match_rows([one(ad="sunny loft video tour")], [A, B])
    assert miss.video_id is None


@given(st.text(max_size=30))
def test_normalising_is_stable_and_ignores_case_and_edge_spaces(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert normalise(f"  {text.upper()}  ") == normalise(text.upper())


def test_a_name_that_fits_two_videos_lists_both() -> None:
    twin = VideoRef("9c9c9c9c-0000-4000-8000-000000000003", "sunny loft - video tour")
    [match] = match_rows([one(ad="Sunny Loft — video tour")], [A, twin, B])
    assert match.video_id is None and "2 videos" in match.reason
    assert set(match.candidates) == {A.id, twin.id}
    [both] = match_rows([one(ad=f"{short_ref(A.id)} and {short_ref(twin.id)}")], [A, twin])
    assert set(both.candidates) == {A.id, twin.id}


def test_the_service_lists_the_candidates_and_titles_are_unique_by_default() -> None:
    clock = Clock()
    svc = memory_services(clock)
    agent = user(svc.backend, "agent@example.com")
    prop = svc.properties.create(agent, sample_property("Sunny loft"))
    first_title = svc.videos.default_title(agent, prop.id)
    first = svc.videos.create_draft(agent, VideoInput(prop.id, first_title))
    second_title = svc.videos.default_title(agent, prop.id)
    second = svc.videos.create_draft(agent, VideoInput(prop.id, second_title))
    assert (first_title, second_title) == ("Sunny loft — video tour", "Sunny loft — video tour (2)")
    assert svc.videos.default_title(agent, prop.id) == "Sunny loft — video tour (3)"
    assert short_ref(first.id) == f"rv-{first.id[:8]}"
    # an ad typed with a hyphen finds the first; a twin title makes it ambiguous
    body = (
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"
        "Spring,Sunny loft - video tour,2026-11-01,5.00,100,5,1\n"
        "Spring,sunny loft — VIDEO TOUR (2),2026-11-01,6.00,100,5,1\n"
    ).encode()
    report = svc.ad_import.preview(agent, io.BytesIO(body))
    assert report.added == 2 and {r.video_id for r in report.rows} == {first.id, second.id}
    svc.videos.create_draft(agent, VideoInput(prop.id, "Sunny Loft – Video Tour"))
    ambiguous = svc.ad_import.preview(agent, io.BytesIO(body))
    [row] = ambiguous.unmapped
    assert row.line == 2 and len(row.candidates) == 2
    assert first.id in {v.id for v in row.candidates}
