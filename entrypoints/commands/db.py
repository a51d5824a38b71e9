"""`revideo db`: start, stop, migrate and inspect the database."""

from __future__ import annotations

import os
from pathlib import Path

import click

from revideo.domain.errors import RevideoError


def _url() -> str:
    return os.environ.get("REVIDEO_DATABASE_URL", "").strip()


def _data_dir() -> Path:
    from revideo.adapters.postgres.embedded import default_data_dir

    return default_data_dir()


def _fail(exc: RevideoError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group()
def command() -> None:
    """Manage the database: start, stop, migrate, status.

    With REVIDEO_DATABASE_URL unset, revideo uses its own embedded PostgreSQL
    under REVIDEO_DATA_DIR (default: your user data folder).
    """


@command.command()
def migrate() -> None:
    """Apply pending migrations (starting the embedded server if it is the one in use)."""
    from revideo.adapters.postgres import embedded
    from revideo.adapters.postgres import migrate as runner

    try:
        if _url():
            applied = runner.migrate(_url())
        else:
            before = runner.status(embedded.admin_dsn(_data_dir())).applied if _running() else ()
            embedded.ensure_server(_data_dir())
            after = runner.status(embedded.admin_dsn(_data_dir())).applied
            applied = [v for v in after if v not in before]
    except RevideoError as exc:
        raise _fail(exc) from None
    click.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@command.command()
def status() -> None:
    """Show the server (if embedded) and which migrations are applied or pending."""
    from revideo.adapters.postgres import embedded
    from revideo.adapters.postgres import migrate as runner

    try:
        if _url():
            dsn = _url()
            click.echo("database: REVIDEO_DATABASE_URL")
        else:
            state = embedded.server_status(_data_dir())
            shown = f"running, pid {state.pid}" if state.running else "stopped"
            click.echo(f"embedded server: {shown}")
            click.echo(f"data directory: {state.data_dir}")
            if not state.running:
                return
            dsn = embedded.admin_dsn(_data_dir())
        migrations = runner.status(dsn)
    except RevideoError as exc:
        raise _fail(exc) from None
    click.echo(f"applied: {len(migrations.applied)}  pending: {len(migrations.pending)}")
    for version in migrations.pending:
        click.echo(f"  pending {version}")


@command.command()
def start() -> None:
    """Start (or reuse) the embedded server and migrate it; print its URL."""
    from revideo.adapters.postgres import embedded

    if _url():
        raise click.ClickException("REVIDEO_DATABASE_URL is set: that server is not ours to start")
    try:
        dsn = embedded.ensure_server(_data_dir())
    except RevideoError as exc:
        raise _fail(exc) from None
    click.echo(f"running: {dsn}")


@command.command()
def stop() -> None:
    """Stop the embedded server."""
    from revideo.adapters.postgres import embedded

    try:
        stopped = embedded.stop_server(_data_dir())
    except RevideoError as exc:
        raise _fail(exc) from None
    click.echo("stopped" if stopped else "not running")


def _running() -> bool:
    from revideo.adapters.postgres import embedded

    return embedded.server_status(_data_dir()).running
