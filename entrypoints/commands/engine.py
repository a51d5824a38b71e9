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
@click.option(
    "--language",
    default="English",
    show_default=True,
    help="Only voices in this language (English, en, fr…); 'all': every one.",
)
@click.option("--search", default="",
              help="Only voices whose name, accent or gender has these words.")  # fmt: skip
@json_option
@friendly
def voices(language: str, search: str, as_json: bool) -> None:
    """The voices to choose from, grouped by language (English first)."""
    from revideo.services.presenters import find_voices

    every = services().engine.voices()
    wanted = "" if language.lower() == "all" else language
    page = find_voices(every, wanted, search, size=max(1, len(every)))
    found = [v for _, group in page.groups for v in group]
    if as_json:
        emit_json(found)
        return
    table(
        [(v.id, v.name, v.language, v.gender) for v in found], ["id", "name", "language", "gender"]
    )
