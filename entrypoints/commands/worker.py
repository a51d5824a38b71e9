"""`revideo worker`: the sync and archive loops, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import sys
import threading
import time

import click

from revideo.entrypoints.commands._common import friendly, services


@click.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@friendly
def command(interval: float, once: bool) -> None:
    """Run the sync and archive loops until stopped."""
    svc = services()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"worker started · engine {svc.engine.name} · every {interval:g} s", err=True)
    rounds = 0
    while not stop.is_set():
        started = time.monotonic()
        results = svc.pipeline.run_round()
        rounds += 1
        _progress(rounds, results)
        if once:
            break
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
    svc.close()
    click.echo(f"\nworker stopped after {rounds} rounds", err=True)


def _progress(rounds: int, results: dict) -> None:  # type: ignore[type-arg]
    parts = [f"{name} {r.changed}/{r.checked}" for name, r in results.items()]
    line = f"round {rounds}: " + ", ".join(parts)
    if sys.stderr.isatty():
        click.echo("\r" + line.ljust(70), nl=False, err=True)
    elif any(r.checked for r in results.values()):
        click.echo(line, err=True)
