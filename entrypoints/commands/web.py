"""`revideo web`: serve the web app with waitress (a production WSGI server)."""

from __future__ import annotations

import click

from ._common import (
    cli_state,
    host_option,
    listen,
    port_option,
    services,
    stopped_by_signals,
)


@click.command()
@host_option
@port_option
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
def command(host: str, port: int, threads: int) -> None:
    """Serve the web app (settings from the environment)."""
    svc = services()
    server = listen(svc, host, port, threads)
    click.echo(f"revideo web on http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    try:
        with stopped_by_signals():
            server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        cli_state().close()
