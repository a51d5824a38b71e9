"""
What HeyGen charges per rendering engine and API version, each price with its source.

v3 renders with Avatar IV when no `engine` is sent ([H] heygen-cli gen/video.go,
heygen-v3.md §7), so the engine is made explicit (HEYGEN_AVATAR_ENGINE, sent on
every create) and the price follows it. REVIDEO_CREDITS_PER_MINUTE overrides this
table (RenderPolicy.rate).
"""

from __future__ import annotations

from decimal import Decimal

from revideo.domain.credits import CreditRate
from revideo.domain.errors import ConfigError

ENGINES = ("avatar_iv", "avatar_iii", "avatar_v")  # v3 `engine.type` values [H]
DEFAULT_ENGINE = "avatar_iv"  # what HeyGen uses when none is sent [H]

_ENTERPRISE = (
    "developers.heygen.com/docs/enterprise-pricing (heygen-v3.md §7 [P], heygen-api.md [S31])"
)
PRICES: dict[tuple[str, str], CreditRate | None] = {
    # 0.1 credits a second = 6 a minute, billed per second.
    ("v3", "avatar_iv"): CreditRate(Decimal("6"), 1, _ENTERPRISE),
    # 0.0033 credits a second, i.e. about 0.2 a minute, billed per second.
    ("v3", "avatar_iii"): CreditRate(Decimal("0.2"), 1, _ENTERPRISE),
    # No source we could read prices Avatar V: set REVIDEO_CREDITS_PER_MINUTE.
    ("v3", "avatar_v"): None,
    # Legacy API plans: 1 credit a minute of video avatar, billed in 30-second
    # increments (heygen-api.md §6 [S14]; the figure changed across revisions).
    ("v2", "avatar_iii"): CreditRate(
        Decimal("1"), 30, "docs.heygen.com/reference/limits (heygen-api.md §6 [S14])"
    ),
}


def check_engine(version: str, engine: str | None) -> str:
    """The engine renders are made with on `version` (v2 knows only Avatar III)."""
    if version == "v2":
        if engine not in (None, "", "avatar_iii"):
            raise ConfigError("HEYGEN_AVATAR_ENGINE", "the v2 API renders with avatar_iii only")
        return "avatar_iii"
    chosen = engine or DEFAULT_ENGINE
    if chosen not in ENGINES:
        raise ConfigError("HEYGEN_AVATAR_ENGINE", f"must be one of {', '.join(ENGINES)}")
    return chosen


def rate(version: str, engine: str) -> CreditRate | None:
    """The price of a render, or None where no source states it."""
    return PRICES.get((version, engine))
