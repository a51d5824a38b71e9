"""`revideo worker`: the reconcile, sync, retry and archive loops (and the sweep of expired
staged uploads), until SIGTERM or Ctrl-C."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ._common import cli_state, friendly, json_option, plain, services


@click.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option(
    "--concurrency", type=click.IntRange(1, 256), help="Engine calls at once (default: policy)."
)
@json_option
@friendly
def command(interval: float, once: bool, concurrency: int | None, as_json: bool) -> None:
    """Run the sync and archive loops until stopped.

    Any number of workers may run at once (on one machine or many): they share
    the work through row leases in the database. SIGTERM or Ctrl-C lets the
    engine calls under way finish, then the worker exits.
    """
    svc = services()
    pipeline = _pipeline(svc, concurrency)
    stop = threading.Event()
    click.echo(
        f"worker {pipeline.owner} started · engine {svc.engine.name} · every {interval:g} s",
        err=True,
    )
    rounds = 0
    with _stopping_on_signals(stop):
        while not stop.is_set():
            started = time.monotonic()
            results = pipeline.run_round(stop)
            _sweep_staging(svc)
            rounds += 1
            _report(rounds, results, as_json)
            if once:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
    cli_state().close()
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(f"worker stopped after {rounds} round{'s' if rounds != 1 else ''}", err=True)


def _sweep_staging(svc: Any) -> None:
    """Expired staged uploads go (every few minutes); a storage outage waits for the next."""
    from revideo.domain.errors import RevideoError

    try:
        svc.staging.sweep_if_due()
    except RevideoError as exc:
        click.echo(f"staging sweep failed: {exc}", err=True)


def _pipeline(svc: Any, concurrency: int | None) -> Any:
    import attrs

    if concurrency is None:
        return svc.pipeline
    policy = attrs.evolve(svc.pipeline.policy, poll_concurrency=concurrency)
    return attrs.evolve(svc.pipeline, policy=policy)


@contextmanager
def _stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set `stop` on SIGTERM/SIGINT while inside; the old handlers come back after."""
    wanted = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _report(rounds: int, results: dict[str, Any], as_json: bool) -> None:
    """One JSON line per round for scripts; a live line on a terminal; else busy rounds."""
    if as_json:
        click.echo(json.dumps({"round": rounds, **plain(results)}))
        return
    parts = [f"{name} {r.changed}/{r.checked}" + _deferred(r) for name, r in results.items()]
    line = f"round {rounds}: " + ", ".join(parts)
    if sys.stderr.isatty():
        click.echo("\r" + line.ljust(78), nl=False, err=True)
    elif any(r.checked or r.deferred for r in results.values()):
        click.echo(line, err=True)


def _deferred(result: Any) -> str:
    return f" ({result.deferred} later)" if result.deferred else ""
