"""What the CLI commands share: building services, choosing the user, printing results."""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from revideo.domain.ads import AdPlatform
from revideo.domain.errors import RevideoError, ValidationError
from revideo.domain.profile import Actor

if TYPE_CHECKING:
    from revideo.bootstrap import Services
    from revideo.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class Cli:
    """What the commands of one `revideo` run share: settings and services, made on first use.

    Click keeps it as the context's `obj`; tests pass their own, with the services
    they built (`CliRunner().invoke(cli, args, obj=Cli(services))`), and close it.
    """

    def __init__(self, services: Services | None = None) -> None:
        self._services = services
        self._settings = services.settings if services is not None else None

    @property
    def settings(self) -> Settings:
        """The settings from the environment; a bad one ends the command with one line."""
        if self._settings is None:
            from revideo.settings import load

            try:
                self._settings = load()
            except RevideoError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings

    @property
    def services(self) -> Services:
        """The services for these settings; a setting they reject ends the command."""
        if self._services is None:
            from revideo.bootstrap import bootstrap

            try:
                self._services = bootstrap(self.settings)
            except RevideoError as exc:
                raise click.ClickException(str(exc)) from None
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


def cli_state() -> Cli:
    """This run's Cli (the current Click context's `obj`, made if there is none)."""
    return click.get_current_context().ensure_object(Cli)


def services() -> Services:
    """The services of this run (see Cli)."""
    return cli_state().services


host_option = click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
)
port_option = click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free one).",
)


def listen(svc: Any, host: str, port: int, threads: int) -> Any:
    """The web app in a waitress server bound to host:port (not yet serving).

    A bad setting or a taken port ends the command with one line (and closes `svc`).
    """
    from waitress.server import create_server

    from ..web import create_app

    try:
        app = create_app(svc, {"PROXY_FIX": False})  # waitress reads the proxies' headers itself
        options = proxy_options(svc.settings.trusted_proxies)
        return create_server(app, host=host, port=port, threads=threads, **options)
    except RevideoError as exc:
        cli_state().close()
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        cli_state().close()
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror}"
            " (is revideo already running?); choose another with --port (0: any free port)"
        ) from None


def proxy_options(hops: int) -> dict[str, Any]:
    """waitress's settings for REVIDEO_TRUSTED_PROXIES reverse proxies in front of it.

    waitress removes X-Forwarded-* headers it was not told to trust before the app
    sees them, so trusting them is its job: the client's address (sign-in limits)
    and scheme (HSTS, secure links) come from the last `hops` proxies.
    """
    if not hops:
        return {}
    return {
        "trusted_proxy": "*",  # whoever connects: the operator says proxies are in front
        "trusted_proxy_count": hops,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM raise KeyboardInterrupt in here, whatever this process
    inherited: a shell starts background jobs with SIGINT ignored, and service managers
    stop with SIGTERM. The old handlers come back after."""
    wanted = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def acting(email: str | None) -> Actor:
    """The user a command acts for: --user, else REVIDEO_USER, else the only/demo user."""
    svc = services()
    email = email or os.environ.get("REVIDEO_USER")
    if email:
        profile = svc.users.by_email(email)
    else:
        users = svc.users.list(Actor.service())
        if users.total != 1:
            raise click.UsageError("say which user to act for: --user EMAIL (or REVIDEO_USER)")
        profile = users.items[0]
    return Actor.user(profile.id, role=profile.role, email=profile.email)


user_option = click.option("--user", "user_email", metavar="EMAIL", help="Act as this user.")
PLATFORMS = [p.value for p in AdPlatform]  # --platform choices, as the domain names them
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def friendly(func: F) -> F:
    """Turn revideo's errors into one-line CLI errors (exit code 1, or 2 for bad input)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            from ..labels import option_of

            wrong = getattr(exc, "errors", None) or {exc.field: exc.message}
            hint = ", ".join(f"'{option_of(f)}'" for f in wrong)
            message = "; ".join(
                m if len(wrong) == 1 else f"{option_of(f)} {m}" for f, m in wrong.items()
            )
            raise click.BadParameter(message, param_hint=hint) from None
        except RevideoError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def plain(value: Any) -> Any:
    """A value as JSON-friendly data."""
    if attrs.has(type(value)):
        return {k: plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def emit_json(value: Any) -> None:
    click.echo(json.dumps(plain(value), indent=2, ensure_ascii=False))


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    """Print rows as an aligned text table, or a note when there are none."""
    text = [[_cell(c) for c in row] for row in rows]
    if not text:
        click.echo("(none)")
        return
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in text:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return str(plain(value))
