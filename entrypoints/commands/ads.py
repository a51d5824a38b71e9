"""`revideo ads`: not built yet."""

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def command() -> None:
    """Not available yet."""
    raise click.ClickException("'revideo ads' is not available yet in this version")
