"""`revideo heygen`: run the local HeyGen simulator, list avatars/voices, quota, webhooks."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

import attrs
import click


def engine_from_env(env: Mapping[str, str] | None = None) -> Any:
    """A HeyGenEngine from the HEYGEN_* settings (the one place these commands read them)."""
    from revideo.bootstrap import heygen_engine
    from revideo.settings import load

    settings = load(env) if env is not None else load()
    return heygen_engine(attrs.evolve(settings, engine="heygen"))


@click.group()
@click.pass_context
def command(ctx: click.Context) -> None:
    """HeyGen tools: run the local simulator, list avatars and voices, register webhooks."""


def _engine(ctx: click.Context) -> Any:
    from revideo.domain.errors import RevideoError

    if ctx.obj is not None and hasattr(ctx.obj, "avatars"):
        return ctx.obj  # tests inject one
    try:
        return engine_from_env()
    except RevideoError as exc:
        raise click.ClickException(str(exc)) from exc


def _run(call: Any) -> Any:
    from revideo.domain.errors import RevideoError

    try:
        return call()
    except RevideoError as exc:
        raise click.ClickException(str(exc)) from exc


@command.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free).")
@click.option("--speed", default=1.0, show_default=True, type=float, help="Clock speed factor.")
@click.option("--render-seconds", default=30.0, show_default=True, help="Simulated render time.")
@click.option("--concurrency", default=3, show_default=True, help="Renders at once (plan).")
@click.option("--credits", default=100, show_default=True, help="Starting API credits.")
def simulate(
    host: str, port: int, speed: float, render_seconds: float, concurrency: int, credits: int
) -> None:
    """Run a local HeyGen simulator until Ctrl-C; prints the base URL and key to use."""
    import threading

    from revideo.bootstrap import heygen_simulator

    key = os.environ.get("HEYGEN_API_KEY") or f"sim-{secrets.token_hex(8)}"
    sim = heygen_simulator(
        key,
        host=host,
        port=port,
        speed=speed,
        render_seconds=render_seconds,
        concurrency=concurrency,
        credits=credits,
        allow_http_loopback=True,  # local use: webhooks to an http://127.0.0.1 app
    )
    with sim:
        click.echo(f"HeyGen simulator on {sim.base_url} (v3 and v2 paths)")
        click.echo(f"  HEYGEN_BASE_URL={sim.base_url}")
        click.echo(f"  HEYGEN_API_KEY={key}")
        click.echo(f'  admin: POST {sim.base_url}/_sim/advance {{"seconds": 60}}, /_sim/faults')
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("stopped")


@command.command()
@click.pass_context
def avatars(ctx: click.Context) -> None:
    """List the avatars and talking photos the key can use."""
    for a in _run(_engine(ctx).avatars):
        click.echo(f"{a.id}\t{a.name}\t{a.kind}\t{a.gender}\t{a.preview_image_url}")


@command.command()
@click.pass_context
def voices(ctx: click.Context) -> None:
    """List the voices the key can use."""
    for v in _run(_engine(ctx).voices):
        click.echo(f"{v.id}\t{v.name}\t{v.language}\t{v.gender}\t{v.preview_audio_url}")


@command.command()
@click.pass_context
def quota(ctx: click.Context) -> None:
    """Show the remaining API credits (v3: GET /v3/users/me) and the price of a render."""
    engine = _engine(ctx)
    left = _run(engine.remaining_quota)
    click.echo("unknown" if left is None else f"{left:.2f} credits")
    rate = engine.credit_rate
    price = "no stated price" if rate is None else f"{rate.per_minute:f} credits a minute"
    click.echo(f"engine {engine.avatar_engine} ({engine.api_version}): {price}")


@command.command("register-webhook")
@click.argument("url")
@click.option("--event", "events", multiple=True, help="Event type (repeatable); default: video.")
@click.pass_context
def register_webhook(ctx: click.Context, url: str, events: tuple[str, ...]) -> None:
    """Register URL for render events; prints the secret for HEYGEN_WEBHOOK_SECRET."""
    engine = _engine(ctx)
    endpoint = _run(lambda: engine.register_webhook(url, list(events) or None))
    click.echo(f"endpoint {endpoint.endpoint_id} -> {endpoint.url}")
    click.echo(f"HEYGEN_WEBHOOK_SECRET={endpoint.secret or '(not returned)'}")
