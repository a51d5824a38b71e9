"""`revideo web`: serve the web app with waitress (a production WSGI server)."""

from __future__ import annotations

import click


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
    from waitress.server import create_server

    from revideo.bootstrap import bootstrap
    from revideo.domain.errors import ConfigError
    from revideo.entrypoints.web import create_app

    try:
        services = bootstrap()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    server = create_server(create_app(services), host=host, port=port, threads=threads)
    click.echo(f"revideo web on http://{host}:{server.effective_port}/  (Ctrl+C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        services.close()
