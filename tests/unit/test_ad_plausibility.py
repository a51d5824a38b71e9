"""Typed-in ad figures must be plausible; imported ones are only flagged (issue 19 item 3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revideo.domain.ad_plausibility import check_manual, implausible
from revideo.domain.ads import AdInput
from revideo.domain.errors import ValidationError
from revideo.services.videos import VideoInput
from tests.support import Clock, memory_services, sample_property, user

TODAY = date(2026, 11, 25)


def figures(**changes: object) -> AdInput:
    base: dict[str, object] = {
        "video_id": "v", "platform": "meta", "date_recorded": TODAY, "spend_amount": "10",
        "impressions": 100, "clicks": 5, "leads": 1,
    }  # fmt: skip
    return AdInput(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"clicks": 500}, "clicks", "must not be more than the impressions (500 > 100)"),
        ({"impressions": 0, "clicks": 0, "leads": 1}, "leads", "(1 > 0)"),
        ({"leads": 106}, "leads", "clicks and impressions together (106 > 105)"),
        ({"date_recorded": TODAY + timedelta(days=1)}, "date_recorded", "is in the future"),
        ({"date_recorded": date(1999, 12, 31)}, "date_recorded", "before 2000"),
        ({"spend_amount": "1000000.01"}, "spend_amount", "not plausible"),
        ({"impressions": 2_000_000_000, "clicks": 0}, "impressions", "not plausible"),
        ({"impressions": 10**7, "clicks": 10**7, "leads": 2 * 10**6}, "leads", "not plausible"),
    ],
)
def test_implausible_typed_figures_are_refused_with_the_reason(
    changes: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        check_manual(figures(**changes), TODAY)
    assert exc.value.field == field and reason in exc.value.message


@given(impressions=st.integers(0, 10**6), clicks=st.integers(0, 10**6), leads=st.integers(0, 10**6))
def test_typed_figures_pass_exactly_when_an_import_would_not_flag_them(
    impressions: int, clicks: int, leads: int
) -> None:
    data = figures(impressions=impressions, clicks=clicks, leads=leads)
    flag = implausible(impressions, clicks, leads)
    refused = None
    try:
        check_manual(data, TODAY)
    except ValidationError as e:
        refused = e
    assert (refused is None) == (flag == "")
    assert (clicks > impressions or leads > clicks + impressions) == bool(flag)


def test_the_service_refuses_500_clicks_on_100_impressions() -> None:
    clock = Clock()
    svc = memory_services(clock)
    agent = user(svc.backend, "agent@example.com")
    prop = svc.properties.create(agent, sample_property())
    video = svc.videos.create_draft(agent, VideoInput(prop.id, "Tour"))
    day = clock().date()
    with pytest.raises(ValidationError, match="impressions"):
        svc.ads.add(agent, AdInput(video.id, "meta", day, "1", impressions=100, clicks=500))
    kept = svc.ads.add(agent, AdInput(video.id, "meta", day, "1", impressions=100, clicks=5))
    with pytest.raises(ValidationError, match="future"):
        svc.ads.update(
            agent, kept.id, AdInput(video.id, "meta", day + timedelta(days=1), "1", 100, 5)
        )
    assert svc.analytics.summary(agent).ads.ctr is not None
    assert svc.ads.list(agent).total == 1
