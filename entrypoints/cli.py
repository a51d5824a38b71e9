"""
The `revideo` command. Each command group lives in its own module under
revideo.entrypoints.commands and is imported only when it runs, so that
`revideo --help` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> (module under revideo.entrypoints.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("up", "Start everything: database, worker and web app (with demo data)."),
    "web": ("web", "Serve the web app."),
    "db": ("db", "Manage the database: start, stop, migrate, status."),
    "properties": ("properties", "List, add and show properties."),
    "script": ("script", "Write a video script for a property."),
    "videos": ("videos", "Generate, list, retry and sync videos."),
    "worker": ("worker", "Run the sync and archive loops until stopped."),
    "ads": ("ads", "Record and import ad performance."),
    "analytics": ("analytics", "Show spend, leads, cost per lead and success rate."),
    "engine": ("engine", "Show the video engine in use, its avatars and voices."),
    "heygen": ("heygen", "HeyGen tools: run the local simulator, register webhooks."),
    "users": ("users", "Manage users and roles."),
    "tokens": ("tokens", "Create, list and revoke API tokens."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"revideo.entrypoints.commands.{COMMANDS[cmd_name][0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="revideo")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """revideo: AI-presented videos of your property listings.

    Settings come from the environment (and a .env file): REVIDEO_DATABASE_URL
    (unset: an embedded PostgreSQL under REVIDEO_DATA_DIR), HEYGEN_API_KEY
    (unset: the offline local engine), SUPABASE_URL and keys.
    """
    if ctx.obj is None:  # a caller that passes its own Cli closes it itself
        from .commands._common import Cli

        ctx.obj = Cli()
        ctx.call_on_close(ctx.obj.close)


def main(argv: Any = None) -> None:
    cli.main(args=argv, prog_name="revideo")


if __name__ == "__main__":
    main()
