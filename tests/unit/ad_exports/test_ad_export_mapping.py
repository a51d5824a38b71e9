"""Mapping export rows to videos, merging per natural key, and building AdInput."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revideo.adapters.ad_exports import (
    ExportRow,
    MatchedBy,
    NaturalKey,
    RowMatch,
    VideoRef,
    match_rows,
    merge_matches,
    to_ad_input,
)
from revideo.domain.ad_rows import AdSource
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import ValidationError

D = Decimal
VILLA = VideoRef(id="1a2b3c4d-0000-4000-8000-000000000001", title="Seaside Villa Tour")
LOFT = VideoRef(id="9f8e7d6c-0000-4000-8000-000000000002", title="City Loft")
TWIN = VideoRef(id="9f8e7d6c-1111-4000-8000-000000000003", title="Twin Peaks Cabin")
VIDEOS = [VILLA, LOFT]


def row(line: int = 2, campaign: str = "", ad_set: str = "", ad: str = "", **kw: Any) -> ExportRow:
    kw.setdefault("platform", AdPlatform.META)
    kw.setdefault("day", date(2026, 2, 1))
    return ExportRow(line=line, campaign=campaign, ad_set=ad_set, ad=ad, **kw)


def one(r: ExportRow, videos: list[VideoRef] = VIDEOS, **kw: Any) -> RowMatch:
    [match] = match_rows([r], videos, **kw)
    return match


class TestMatch:
    def test_short_id_is_the_first_8_hex_digits(self) -> None:
        assert VILLA.short_id == "1a2b3c4d"

    @pytest.mark.parametrize(
        "name",
        [
            "Spring rv-1a2b3c4d",
            "1A2B3C4D villa",
            "x_1a2b3c4d_y",
            "[1a2b3c4d-0000-4000-8000-000000000001]",
        ],
    )
    def test_reference_in_the_campaign_name(self, name: str) -> None:
        match = one(row(campaign=name))
        assert (match.video_id, match.matched_by) == (VILLA.id, MatchedBy.REFERENCE)

    def test_a_hex_run_inside_a_word_is_not_a_reference(self) -> None:
        assert one(row(campaign="promo1a2b3c4d")).video_id is None
        assert one(row(campaign="1a2b3c4d9")).video_id is None

    def test_ad_name_reference_wins_over_campaign(self) -> None:
        match = one(row(campaign="Villa 1a2b3c4d", ad="Loft 9f8e7d6c"))
        assert match.video_id == LOFT.id

    def test_exact_title_case_insensitive_trimmed(self) -> None:
        match = one(row(campaign="  seaside villa TOUR "))
        assert (match.video_id, match.matched_by) == (VILLA.id, MatchedBy.TITLE)

    def test_near_title_is_not_guessed(self) -> None:
        match = one(row(campaign="Seaside Villa Tour 2"))
        assert match.video_id is None and "no video reference" in match.reason

    def test_several_videos_in_one_name_stay_unmapped(self) -> None:
        match = one(row(ad="1a2b3c4d; 9f8e7d6c;"))
        assert match.video_id is None and "2 videos" in match.reason

    def test_short_id_shared_by_two_videos_stays_unmapped(self) -> None:
        match = one(row(ad="9f8e7d6c"), [VILLA, LOFT, TWIN])
        assert match.video_id is None
        full = one(row(ad=TWIN.id), [VILLA, LOFT, TWIN])
        assert full.video_id == TWIN.id

    def test_title_shared_by_two_videos_stays_unmapped(self) -> None:
        copy = VideoRef(id="33333333-0000-4000-8000-000000000009", title="city loft")
        assert one(row(campaign="City Loft"), [LOFT, copy]).video_id is None

    def test_unknown_short_id_falls_back_to_title(self) -> None:
        match = one(row(campaign="City Loft", ad="deadbeef"))
        assert (match.video_id, match.matched_by) == (LOFT.id, MatchedBy.TITLE)

    def test_explicit_choice_comes_first(self) -> None:
        match = one(row(campaign="Villa 1a2b3c4d", ad="Spring Ad"), choices={"spring ad": LOFT.id})
        assert (match.video_id, match.matched_by) == (LOFT.id, MatchedBy.CHOICE)

    def test_choice_of_a_video_not_in_the_list_is_rejected(self) -> None:
        with pytest.raises(ValidationError) as info:
            match_rows([], VIDEOS, {"x": "not-a-video"})
        assert info.value.field == "choices"


class TestMerge:
    def test_rows_of_one_ad_and_day_sum_up(self) -> None:
        rows = [
            row(
                2,
                ad="A 1a2b3c4d",
                spend=Decimal("1.10"),
                impressions=10,
                clicks=1,
                leads=Decimal(1),
            ),
            row(3, ad="A 1a2b3c4d", spend=Decimal("2.20"), impressions=None, clicks=2),
            row(4, ad="A 1a2b3c4d", spend=Decimal("5"), day=date(2026, 2, 2)),
            row(5, ad="A 1a2b3c4d", spend=Decimal("7"), platform=AdPlatform.GOOGLE),
            row(7, ad="B 1a2b3c4d", spend=Decimal("1")),
            row(6, ad="nobody", spend=Decimal("100")),
        ]
        merged, errors = merge_matches(match_rows(rows, VIDEOS))
        assert errors == []
        meta, google = AdPlatform.META, AdPlatform.GOOGLE
        got = [
            (m.key, m.video_id, m.spend, m.impressions, m.clicks, m.leads, m.rows, m.first_line)
            for m in merged
        ]
        a, b = AdSource(ad_name="A 1a2b3c4d").key, AdSource(ad_name="B 1a2b3c4d").key
        assert got == [
            (NaturalKey(meta, a, date(2026, 2, 1)), VILLA.id, D("3.30"), 10, 3, D(1), 2, 2),
            (NaturalKey(meta, a, date(2026, 2, 2)), VILLA.id, D("5"), 0, 0, D(0), 1, 4),
            (NaturalKey(google, a, date(2026, 2, 1)), VILLA.id, D("7"), 0, 0, D(0), 1, 5),
            (NaturalKey(meta, b, date(2026, 2, 1)), VILLA.id, D("1"), 0, 0, D(0), 1, 7),
        ]

    def test_a_second_currency_for_one_key_is_an_error(self) -> None:
        rows = [
            row(2, ad="1a2b3c4d", spend=Decimal(1), currency="USD"),
            row(3, ad="1a2b3c4d", spend=Decimal(2), currency="EUR"),
        ]
        merged, [error] = merge_matches(match_rows(rows, VIDEOS))
        assert merged[0].spend == 1 and (error.line, error.column) == (3, "currency")


class TestAdInput:
    def test_rounds_spend_to_cents_and_conversions_to_whole_leads(self) -> None:
        r = row(ad="1a2b3c4d", spend=Decimal("10.005"), clicks=3, leads=Decimal("2.5"))
        ad = to_ad_input(one(r))
        assert (ad.video_id, ad.platform, ad.date_recorded) == (VILLA.id, AdPlatform.META, r.day)
        assert (ad.spend_amount, ad.impressions, ad.clicks, ad.leads) == (Decimal("10.00"), 0, 3, 2)

    def test_from_merged_figures(self) -> None:
        rows = [
            row(ad="1a2b3c4d", leads=Decimal("0.75")),
            row(ad="1a2b3c4d", leads=Decimal("0.75")),
        ]
        [merged], _ = merge_matches(match_rows(rows, VIDEOS))
        assert to_ad_input(merged).leads == 2

    def test_unmapped_row_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            to_ad_input(one(row(ad="nobody")))
        assert info.value.field == "video_id"

    def test_out_of_range_spend_names_the_field(self) -> None:
        with pytest.raises(ValidationError) as info:
            to_ad_input(one(row(ad="1a2b3c4d", spend=Decimal("1e40"))))
        assert info.value.field == "spend_amount"
