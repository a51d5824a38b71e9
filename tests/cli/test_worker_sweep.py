"""`revideo worker` sweeps expired staged uploads every round it is due (services/staging.py)."""

from __future__ import annotations

from click.testing import CliRunner

from revideo.domain.profile import Actor
from revideo.entrypoints.cli import cli
from revideo.entrypoints.commands import _common
from tests.support import Clock, memory_services


def test_a_worker_round_removes_what_waited_too_long_and_keeps_the_rest() -> None:
    clock = Clock()
    services = memory_services(clock)
    staging, ann, ben = services.staging, Actor.user("ann"), Actor.user("ben")
    old = staging.new_token()
    staging.put(ann, old, "report", b"old report")
    clock.advance(hours=services.settings.staging_hours - 1)
    fresh = staging.new_token()
    staging.put(ben, fresh, "photo", b"fresh photo")
    clock.advance(hours=1)  # ann's is now exactly as old as the setting allows: expired

    state = _common.Cli(services)
    try:
        result = CliRunner().invoke(cli, ["worker", "--once"], obj=state, catch_exceptions=False)
    finally:
        state.close()
    assert result.exit_code == 0, result.output
    store = services.store
    assert store.staged_in(Actor.service(), "ann") == []
    assert [o.path for o in store.staged_in(Actor.service(), "ben")] == [f"ben/{fresh}.photo"]
