"""`revideo analytics`: the dashboard's figures in a terminal."""

from __future__ import annotations

from datetime import datetime

import click

from ._common import (
    PLATFORMS,
    acting,
    emit_json,
    friendly,
    json_option,
    services,
    table,
    user_option,
)


@click.command("analytics")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@click.option("--platform", type=click.Choice(PLATFORMS))
@click.option("--daily", is_flag=True, help="One row per day.")
@user_option
@json_option
@friendly
def command(
    date_from: datetime | None,
    date_to: datetime | None,
    platform: str | None,
    daily: bool,
    user_email: str | None,
    as_json: bool,
) -> None:
    """Show spend, leads, cost per lead and success rate."""
    from revideo.domain.ads import AdPlatform
    from revideo.ports.repositories import AdFilter

    filt = AdFilter(
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        platform=AdPlatform(platform) if platform else None,
    )
    from revideo.domain.numbers import count, money

    actor = acting(user_email)
    svc = services().analytics
    if daily:
        points = svc.daily(actor, filt)
        if as_json:
            emit_json([{"day": p.day, **_figures(p.totals)} for p in points])
            return
        rows = [
            (p.day, money(p.totals.spend, cents=True), count(p.totals.leads),
             money(p.totals.cpl, cents=True))
            for p in points
        ]  # fmt: skip
        table(rows, ["day", "spend", "leads", "cpl"])
        return
    summary = svc.summary(actor, filt)
    figures = {
        **_figures(summary.ads),
        "videos": {s.value: n for s, n in summary.videos_by_status.items()},
        "success_rate": summary.success_rate,
        "render_success": summary.render_success,
        "usage_cost": summary.usage_cost,
    }
    if as_json:
        emit_json(figures)
        return
    for name, value in _shown(summary).items():  # the pages' formatting (domain.numbers)
        click.echo(f"{name:>15}  {value}")


def _shown(summary) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The summary as people read it: $25.00, 5,000, 1.0 %, 0.71 credits."""
    from revideo.domain.numbers import count, counted, credits, money, percent

    t = summary.ads
    videos = ", ".join(
        f"{counted(n, s.value, s.value)}" for s, n in summary.videos_by_status.items()
    )
    return {
        "spend": money(t.spend, cents=True),
        "impressions": count(t.impressions),
        "clicks": count(t.clicks),
        "leads": count(t.leads),
        "cost per lead": money(t.cpl, cents=True),
        "CTR": percent(t.ctr),
        "cost per click": money(t.cpc, cents=True),
        "CPM": money(t.cpm, cents=True),
        "lead rate": percent(t.lead_rate),
        "videos": videos or "none",
        "success rate": percent(summary.success_rate),
        "render success": percent(summary.render_success),
        "usage cost": credits(summary.usage_cost),
    }


def _figures(t) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "spend": t.spend,
        "impressions": t.impressions,
        "clicks": t.clicks,
        "leads": t.leads,
        "cpl": t.cpl,
        "ctr": t.ctr,
        "cpc": t.cpc,
        "cpm": t.cpm,
        "lead_rate": t.lead_rate,
    }
