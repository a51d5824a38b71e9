"""`revideo users`: add users, list them, change roles, delete them."""

from __future__ import annotations

import click

from ._common import emit_json, friendly, json_option, services, table


@click.group("users")
def command() -> None:
    """Manage users and roles."""


def _new_email(ctx: click.Context, param: click.Parameter, email: str) -> str:
    """Refuse a malformed or taken address before the password is asked for."""
    from revideo.domain.errors import NotFound

    email = email.strip()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise click.BadParameter("is not an email address", ctx, param)
    try:
        services().users.by_email(email)
    except NotFound:
        return email
    raise click.BadParameter("a user with this address exists already", ctx, param)


@command.command("add")
@click.argument("email", callback=_new_email)
@click.option("--name", default="", help="Full name.")
@click.option("--admin", is_flag=True, help="Make the user an admin.")
@click.password_option(help="The password (asked for when not given).")
@friendly
def add(email: str, name: str, admin: bool, password: str) -> None:
    """Create a confirmed user who can sign in at once."""
    from revideo.domain.profile import Role

    identity = services().identity
    if identity is None:
        raise click.ClickException("this backend manages users itself")
    user_id = identity.create_user(email, password, name, Role.ADMIN if admin else Role.USER)
    click.echo(f"added {email} ({user_id})")


@command.command("list")
@click.option("--page", default=1, show_default=True)
@json_option
@friendly
def list_(page: int, as_json: bool) -> None:
    """List all users."""
    from revideo.domain.page import PageRequest
    from revideo.domain.profile import Actor

    found = services().users.list(Actor.service(), PageRequest(page, 50))
    if as_json:
        emit_json({"total": found.total, "items": list(found.items)})
        return
    table(
        [(p.email, p.full_name, p.role, p.id) for p in found.items], ["email", "name", "role", "id"]
    )


@command.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "user"]))
@friendly
def role(email: str, role: str) -> None:
    """Change a user's role."""
    from revideo.domain.profile import Actor

    profile = services().users.by_email(email)
    services().users.set_role(Actor.service(), profile.id, role)
    click.echo(f"{email} is now {role}")


@command.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@friendly
def delete(email: str, yes: bool) -> None:
    """Delete a user with everything they own, stored photos and videos included."""
    from revideo.domain.profile import Actor

    profile = services().users.by_email(email)
    if not yes:
        click.confirm(f"Delete {email} with all their properties, videos and files?", abort=True)
    services().users.delete_account(Actor.service(), profile.id)
    click.echo(f"deleted {email}")
