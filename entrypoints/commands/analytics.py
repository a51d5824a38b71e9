"""`revideo analytics`: not built yet."""

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def command() -> None:
    """Not available yet."""
    raise click.ClickException("'revideo analytics' is not available yet in this version")
