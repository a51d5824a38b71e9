"""`revideo engine`: the video engine in use, its avatars, voices and credits."""

from __future__ import annotations

import click

from ._common import emit_json, friendly, json_option, services, table


@click.group("engine")
def command() -> None:
    """Show the video engine in use, its avatars and voices."""


@command.command("info")
@friendly
def info() -> None:
    """Name, script limit and remaining credits."""
    engine = services().engine
    quota = engine.remaining_quota()
    click.echo(f"engine: {engine.name}")
    click.echo(f"script limit: {engine.max_script_chars} characters")
    click.echo(f"credits left: {'not counted' if quota is None else quota}")


@command.command("avatars")
@json_option
@friendly
def avatars(as_json: bool) -> None:
    """The presenters to choose from."""
    found = services().engine.avatars()
    if as_json:
        emit_json(found)
        return
    table([(a.id, a.name, a.gender, a.kind) for a in found], ["id", "name", "gender", "kind"])


@command.command("voices")
@json_option
@friendly
def voices(as_json: bool) -> None:
    """The voices to choose from."""
    found = services().engine.voices()
    if as_json:
        emit_json(found)
        return
    table(
        [(v.id, v.name, v.language, v.gender) for v in found], ["id", "name", "language", "gender"]
    )
