"""`revideo db`: start, stop, migrate and inspect the database."""

from __future__ import annotations

import click

from ._common import cli_state, friendly


@click.group()
def command() -> None:
    """Manage the database: start, stop, migrate, status.

    With REVIDEO_DATABASE_URL unset, revideo uses its own embedded PostgreSQL
    under REVIDEO_DATA_DIR (default: your user data folder).
    """


@command.command()
@friendly
def migrate() -> None:
    """Apply pending migrations (starting the embedded server if it is the one in use)."""
    from revideo.database_admin import migrate_database

    applied = migrate_database(cli_state().settings)
    click.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@command.command()
@friendly
def status() -> None:
    """Show the server (if embedded) and which migrations are applied or pending."""
    from revideo.database_admin import database_status

    server, migrations = database_status(cli_state().settings)
    if server is None:
        click.echo("database: REVIDEO_DATABASE_URL")
    else:
        click.echo(
            f"embedded server: {f'running, pid {server.pid}' if server.running else 'stopped'}"
        )
        click.echo(f"data directory: {server.data_dir}")
    if migrations is None:
        return
    click.echo(f"applied: {len(migrations.applied)}  pending: {len(migrations.pending)}")
    for version in migrations.pending:
        click.echo(f"  pending {version}")


@command.command()
@friendly
def start() -> None:
    """Start (or reuse) the embedded server and migrate it; print its URL."""
    from revideo.database_admin import start_database

    click.echo(f"running: {start_database(cli_state().settings)}")


@command.command()
@friendly
def stop() -> None:
    """Stop the embedded server."""
    from revideo.database_admin import stop_database

    click.echo("stopped" if stop_database(cli_state().settings) else "not running")
