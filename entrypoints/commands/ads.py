"""`revideo ads`: record, list and delete ad performance rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from revideo.domain.parsing import is_ascii_digits

from ._common import (
    PLATFORMS,
    acting,
    emit_json,
    friendly,
    json_option,
    plain,
    services,
    table,
    user_option,
)
from .ad_imports import full_import_id, imports


@click.group("ads")
def command() -> None:
    """Record and import ad performance."""


command.add_command(imports)


@command.command("list")
@click.option("--video", "video_id", help="Only this video.")
@click.option("--platform", type=click.Choice(PLATFORMS))
@click.option("--import", "import_id", help="Only the rows this import holds (id or prefix).")
@click.option("--page", default=1, show_default=True)
@user_option
@json_option
@friendly
def list_(
    video_id: str | None,
    platform: str | None,
    import_id: str | None,
    page: int,
    user_email: str | None,
    as_json: bool,
) -> None:
    """List ad rows, newest day first."""
    from revideo.domain.ads import AdPlatform
    from revideo.domain.page import PageRequest
    from revideo.ports.repositories import AdFilter

    filt = AdFilter(
        video_id=video_id,
        platform=AdPlatform(platform) if platform else None,
        import_id=full_import_id(import_id, user_email) if import_id else None,
    )
    found = services().ads.list(acting(user_email), filt, PageRequest(page, 50))
    if as_json:
        emit_json({"total": found.total, "items": list(found.items)})
        return
    rows = [
        (a.id[:8], a.date_recorded, a.platform, a.video_id[:8], a.source_label or "(typed)",
         a.spend_amount, a.impressions, a.clicks, a.leads)
        for a in found.items
    ]  # fmt: skip
    table(rows, ["id", "day", "platform", "video", "ad", "spend", "impr.", "clicks", "leads"])
    click.echo(f"page {page} of {found.pages}, {found.total} in all")


@command.command("add")
@click.argument("video_id")
@click.option("--platform", required=True, type=click.Choice(PLATFORMS))
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--spend", default="0", show_default=True)
@click.option("--impressions", default=0, show_default=True)
@click.option("--clicks", default=0, show_default=True)
@click.option("--leads", default=0, show_default=True)
@user_option
@json_option
@friendly
def add(
    video_id: str,
    platform: str,
    day: datetime,
    spend: str,
    impressions: int,
    clicks: int,
    leads: int,
    user_email: str | None,
    as_json: bool,
) -> None:
    """Record one video's figures on one platform and day."""
    from revideo.domain.ads import AdInput

    from .videos import full_video_id

    actor = acting(user_email)
    video_id = full_video_id(actor, video_id)
    data = AdInput(video_id, platform, day.date(), spend, impressions, clicks, leads)
    record = services().ads.add(actor, data)
    emit_json(record) if as_json else click.echo(f"added {record.id}")


@command.command("delete")
@click.argument("record_id")
@user_option
@friendly
def delete(record_id: str, user_email: str | None) -> None:
    """Delete one ad row."""
    services().ads.delete(acting(user_email), record_id)
    click.echo(f"deleted {record_id}")


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--platform", type=click.Choice(["meta", "google", "youtube"]),
              help="Detected from the headers when not given.")  # fmt: skip
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be added or updated; change nothing (exit 2 when the import would"
    " be refused).",
)
@click.option(
    "--choose",
    "choices",
    multiple=True,
    metavar="NAME=VIDEO_ID",
    help="Map an ad or campaign name to a video (repeatable).",
)
@click.option(
    "--line",
    "lines",
    multiple=True,
    metavar="LINE=VIDEO_ID",
    help="Map the row on one line of the file to a video (repeatable).",
)
@click.option("--skip-errors", is_flag=True,
              help="Import the good lines even if some lines have errors.")  # fmt: skip
@user_option
@json_option
@friendly
def import_(
    file: Path,
    platform: str | None,
    dry_run: bool,
    choices: tuple[str, ...],
    lines: tuple[str, ...],
    skip_errors: bool,
    user_email: str | None,
    as_json: bool,
) -> None:
    """Import a Meta or Google Ads report (CSV, TSV or XLSX as downloaded)."""
    picked = dict(_pairs(choices, "--choose"))
    by_line = {}
    for line, video_id in _pairs(lines, "--line"):
        if not is_ascii_digits(line.strip()):
            raise click.BadParameter("use LINE=VIDEO_ID, LINE a number", param_hint="'--line'")
        by_line[int(line)] = video_id
    from revideo.services.ad_import import ImportRejected, would_refuse

    svc = services().ad_import
    refused: ImportRejected | None = None
    with file.open("rb") as stream:
        try:
            if dry_run:
                report = svc.preview(
                    acting(user_email), stream, platform, picked, by_line, file_name=file.name
                )
            else:
                report = svc.commit(
                    acting(user_email), stream, platform, picked, by_line,
                    skip_errors=skip_errors, file_name=file.name,
                )  # fmt: skip
        except ImportRejected as e:
            report, refused = e.report, e
    if refused is None and dry_run and would_refuse(report, skip_errors):
        refused = ImportRejected(report)
    if as_json:
        emit_json({**plain(report), "refused": refused.message if refused else None})
    else:
        _print_report(report)
    if refused is not None:  # exit 2 like any refused input, dry run or not
        raise click.BadParameter(refused.message, param_hint="'file'")


def _print_report(report: Any) -> None:
    if report.duplicate_of is not None:
        earlier = report.duplicate_of
        when = earlier.imported_at.strftime("%Y-%m-%d %H:%M") if earlier.imported_at else ""
        click.echo(f"this file was imported already ({earlier.id[:8]}, {when}): nothing changed")
        return
    verb = "" if report.committed else "would be "
    click.echo(f"{report.platform.value} report, {report.rows_read} lines read")
    click.echo(
        f"  {verb}added: {report.added}   {verb}updated: {report.updated}"
        f"   unchanged: {report.unchanged}   older than stored (kept aside): {report.older}"
    )
    t = report.totals
    click.echo(
        f"  figures {verb}added or updated: spend {t.spend}, impressions {t.impressions},"
        f" clicks {t.clicks}, leads {t.leads}"
    )
    for row in report.changes:
        before, after = row.before, row.figures
        click.echo(
            f"  updated line {row.line} {row.source.label} {row.day}: spend {before.spend} ->"
            f" {after.spend}, impressions {before.impressions} -> {after.impressions},"
            f" clicks {before.clicks} -> {after.clicks}, leads {before.leads} -> {after.leads}"
        )
    for row in report.flags:
        click.echo(f"  flagged line {row.line} {row.source.label} {row.day}: {row.flag}")
    if report.flagged > len(report.flags):
        click.echo(f"  … and {report.flagged - len(report.flags)} more flagged rows")
    for error in report.errors:
        click.echo(f"  error: {error}")
    if report.error_count > len(report.errors):
        click.echo(f"  … and {report.error_count - len(report.errors)} more errors")
    for row in report.unmapped:
        click.echo(f"  unmapped line {row.line}: {row.campaign} / {row.ad}: {row.reason}")
        for video in row.candidates:
            click.echo(f"      could be {video.id} ({short_ref(video.id)}) {video.title}")
    if report.unmapped_count > len(report.unmapped):
        click.echo(f"  … and {report.unmapped_count - len(report.unmapped)} more unmapped rows")
    if report.committed and report.import_id:
        click.echo(
            f"  import {report.import_id} (undo: revideo ads imports undo {report.import_id})"
        )


def short_ref(video_id: str) -> str:
    from revideo.domain.ad_matching import short_ref as ref

    return ref(video_id)


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, video_id = value.rpartition("=")
        if not sep or not name.strip():
            raise click.BadParameter("use NAME=VIDEO_ID", param_hint=f"'{option}'")
        pairs.append((name, video_id.strip()))
    return pairs
