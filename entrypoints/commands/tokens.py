"""`revideo tokens`: personal access tokens for the JSON API (/api/v1)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import click

from ._common import acting, emit_json, friendly, json_option, services, table, user_option


@click.group("tokens")
def command() -> None:
    """Create, list and revoke API tokens."""


@command.command("create")
@click.option("--name", default="CLI token", show_default=True, help="What the token is for.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--expires", "days", type=click.IntRange(1, 3650), help="Days until it expires.")
@user_option
@json_option
@friendly
def create(name: str, scope: str, days: int | None, user_email: str | None, as_json: bool) -> None:
    """Make a token and print it once: only its hash is kept."""
    svc = services()
    expires = None if days is None else svc.tokens.ctx.clock() + timedelta(days=days)
    made = svc.tokens.create(acting(user_email), name, scope, expires)
    if as_json:
        emit_json(
            {"id": made.token.id, "token": made.secret, "scope": scope, "expires_at": expires}
        )
        return
    click.echo(made.secret)
    click.echo(f"({made.token.scope.value} token {made.token.id}; it is not shown again)", err=True)


@command.command("list")
@user_option
@json_option
@friendly
def list_(user_email: str | None, as_json: bool) -> None:
    """List your tokens with their last use."""
    found = services().tokens.list(acting(user_email))
    if as_json:
        emit_json([attrs.evolve(t, token_hash="") for t in found])
        return
    rows = [
        (t.id, t.name, t.prefix + "…", t.scope, t.last_used_at or "never",
         t.expires_at or "never", "revoked" if t.revoked_at else "live")
        for t in found
    ]  # fmt: skip
    table(rows, ["id", "name", "token", "scope", "last used", "expires", "state"])


@command.command("revoke")
@click.argument("token_id")
@user_option
@friendly
def revoke(token_id: str, user_email: str | None) -> None:
    """Revoke a token at once."""
    services().tokens.revoke(acting(user_email), token_id)
    click.echo(f"revoked {token_id}")
