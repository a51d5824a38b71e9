"""Prices per engine from the table (with sources), the engine sent explicitly, and
REVIDEO_CREDITS_PER_MINUTE over both (issue 16)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from revideo.adapters.heygen import pricing
from revideo.bootstrap import bootstrap
from revideo.domain.errors import ConfigError
from revideo.settings import load


def services(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    base = {
        "REVIDEO_DATA_DIR": str(tmp_path),
        "REVIDEO_BACKEND": "memory",
        "REVIDEO_ENGINE": "heygen",
        "HEYGEN_API_KEY": "k",
        "REVIDEO_SECRET_KEY": "s",
    }
    return bootstrap(load(base | env, dotenv=False))


@pytest.mark.parametrize(
    ("env", "per_minute"),
    [
        ({}, Decimal(6)),  # Avatar IV, what HeyGen renders with when no engine is sent
        ({"HEYGEN_AVATAR_ENGINE": "avatar_iii"}, Decimal("0.2")),
        ({"HEYGEN_API_VERSION": "v2"}, Decimal(1)),
        ({"REVIDEO_CREDITS_PER_MINUTE": "2.5"}, Decimal("2.5")),
        ({"HEYGEN_AVATAR_ENGINE": "avatar_iii", "REVIDEO_CREDITS_PER_MINUTE": "3"}, Decimal(3)),
    ],
)
def test_the_price_in_force(tmp_path: Path, env: dict[str, str], per_minute: Decimal) -> None:
    svc = services(tmp_path, **env)
    rate = svc.pipeline.policy.rate(svc.engine)
    assert rate is not None and rate.per_minute == per_minute and rate.source


def test_a_60_second_avatar_iv_render_costs_6_credits(tmp_path: Path) -> None:
    svc = services(tmp_path)
    rate = svc.pipeline.policy.rate(svc.engine)
    assert rate is not None and rate.cost(60) == Decimal(6) and rate.cost(60.2) == Decimal("6.1")


def test_v2_bills_started_half_minutes(tmp_path: Path) -> None:
    svc = services(tmp_path, HEYGEN_API_VERSION="v2")
    rate = svc.pipeline.policy.rate(svc.engine)
    assert rate is not None and (rate.cost(1), rate.cost(31)) == (Decimal("0.5"), Decimal(1))


def test_an_engine_without_a_stated_price_has_none(tmp_path: Path) -> None:
    svc = services(tmp_path, HEYGEN_AVATAR_ENGINE="avatar_v")
    assert svc.pipeline.policy.rate(svc.engine) is None


@pytest.mark.parametrize(
    "env",
    [
        {"HEYGEN_AVATAR_ENGINE": "avatar_ix"},
        {"HEYGEN_API_VERSION": "v2", "HEYGEN_AVATAR_ENGINE": "avatar_iv"},
    ],
)
def test_a_wrong_engine_names_the_setting(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as err:
        services(tmp_path, **env)
    assert err.value.setting == "HEYGEN_AVATAR_ENGINE"


def test_every_price_names_its_source() -> None:
    assert all(rate is None or rate.source for rate in pricing.PRICES.values())
