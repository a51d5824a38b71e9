"""`revideo ads imports`: the imported reports, one of them, and undoing one."""

from __future__ import annotations

import click

from ._common import (
    acting,
    emit_json,
    friendly,
    json_option,
    services,
    table,
    user_option,
)


@click.group("imports", invoke_without_command=True)
@click.option("--page", default=1, show_default=True)
@user_option
@json_option
@click.pass_context
@friendly
def imports(ctx: click.Context, page: int, user_email: str | None, as_json: bool) -> None:
    """List imported reports, newest first (`imports show ID`, `imports undo ID`)."""
    if ctx.invoked_subcommand is not None:
        return
    from revideo.domain.page import PageRequest

    found = services().ad_import.imports(acting(user_email), PageRequest(page, 50))
    if as_json:
        emit_json({"total": found.total, "items": list(found.items)})
        return
    rows = [
        (i.id[:8], i.imported_at.strftime("%Y-%m-%d %H:%M") if i.imported_at else "",
         i.platform, i.file_name, i.as_of, i.added, i.updated, i.unchanged + i.older, i.flagged,
         "undone" if i.undone else "")
        for i in found.items
    ]  # fmt: skip
    headers = ["id", "imported", "platform", "file", "last day", "added", "updated", "kept",
               "flagged", ""]  # fmt: skip
    table(rows, headers)
    click.echo(f"page {page} of {found.pages}, {found.total} in all")


@imports.command("show")
@click.argument("import_id")
@user_option
@json_option
@friendly
def imports_show(import_id: str, user_email: str | None, as_json: bool) -> None:
    """One import: its file, counts, changes and flagged rows."""
    found = services().ad_import.get(acting(user_email), full_import_id(import_id, user_email))
    if as_json:
        emit_json(found)
        return
    click.echo(f"{found.id}  {found.platform.value}  {found.file_name}  sha256 {found.file_hash}")
    click.echo(f"  imported {found.imported_at} by {found.imported_by}, last day {found.as_of}")
    click.echo(
        f"  {found.rows_read} lines read: added {found.added}, updated {found.updated},"
        f" unchanged {found.unchanged}, older {found.older}, flagged {found.flagged},"
        f" errors {found.error_count}, unmapped {found.unmapped_count}"
    )
    if found.undone:
        click.echo(f"  undone {found.undone_at}")
    for row in found.changes:
        before = row.before or row.figures
        click.echo(
            f"  updated {row.source.label} {row.day}: spend {before.spend} -> {row.figures.spend},"
            f" leads {before.leads} -> {row.figures.leads}"
        )
    for row in found.flags:
        click.echo(f"  flagged line {row.line} {row.source.label} {row.day}: {row.flag}")


@imports.command("undo")
@click.argument("import_id")
@user_option
@friendly
def imports_undo(import_id: str, user_email: str | None) -> None:
    """Undo a whole import: what it replaced comes back, what it added goes."""
    done = services().ad_import.undo(acting(user_email), full_import_id(import_id, user_email))
    click.echo(
        f"undid {done.import_id}: {done.restored} rows got their earlier figures back,"
        f" {done.removed} rows removed"
    )


def full_import_id(given: str, user_email: str | None) -> str:
    """A full import id from a full one or the 8-character prefix `imports` lists."""
    given = given.strip().lower()
    if len(given) >= 32:
        return given
    from revideo.domain.page import every

    svc, me = services().ad_import, acting(user_email)
    found = [i.id for i in every(lambda page: svc.imports(me, page)) if i.id.startswith(given)]
    if len(found) != 1:
        what = "no import" if not found else f"{len(found)} imports"
        raise click.BadParameter(f"{what} starting with {given!r}", param_hint="'IMPORT_ID'")
    return found[0]
