"""`revideo script PROPERTY`: write a video script and show its length."""

from __future__ import annotations

import click

from ._common import (
    acting,
    emit_json,
    friendly,
    json_option,
    plain,
    services,
    user_option,
)


@click.command("script")
@click.argument("property_id")
@click.option("--purpose", type=click.Choice(["sale", "rent"]), default="sale", show_default=True)
@click.option("--tone", type=click.Choice(["warm", "luxury", "concise"]), default="warm")
@click.option("--language", default="en", show_default=True)
@click.option("--llm/--template", default=None, help="Use the configured LLM, or the templates.")
@user_option
@json_option
@friendly
def command(
    property_id: str,
    purpose: str,
    tone: str,
    language: str,
    llm: bool | None,
    user_email: str | None,
    as_json: bool,
) -> None:
    """Write a video script for a property."""
    svc = services()
    if llm and svc.settings.llm_base_url is None:
        raise click.UsageError("no LLM configured: set REVIDEO_LLM_BASE_URL and REVIDEO_LLM_MODEL")
    from revideo.domain.scripts import TemplateScriptWriter
    from revideo.domain.video import VideoPurpose

    from .properties import _full_id

    actor = acting(user_email)
    prop = svc.properties.get(actor, _full_id(actor, property_id))
    writer = TemplateScriptWriter() if llm is False else svc.writer
    limit = svc.engine.max_script_chars
    draft = writer.write(prop, VideoPurpose(purpose), tone=tone, language=language, max_chars=limit)
    if as_json:
        emit_json({**plain(draft), "characters": len(draft.text), "limit": limit})
        return
    click.echo(draft.text)
    click.echo("")
    click.echo(
        f"{draft.source} · about {draft.estimated_seconds:.0f} s spoken · "
        f"{len(draft.text)} / {limit} characters"
    )
    if draft.notice:
        click.echo(f"note: {draft.notice}", err=True)
