"""`revideo web`: serve the web app with waitress (a production WSGI server)."""

from __future__ import annotations

import click

from revideo.entrypoints.commands._common import listen, services


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one).",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads."
)
def command(host: str, port: int, threads: int) -> None:
    """Serve the web app (settings from the environment)."""
    from revideo.entrypoints.web import create_app

    svc = services()
    try:
        server = listen(create_app(svc), host, port, threads)
    except click.ClickException:
        svc.close()
        raise
    click.echo(f"revideo web on http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        svc.close()
