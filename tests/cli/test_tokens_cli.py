"""`revideo tokens` over the in-memory backend: made once, listed, revoked, and resolvable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from revideo.entrypoints.cli import cli
from revideo.entrypoints.commands import _common


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    for name, value in {
        "REVIDEO_BACKEND": "memory",
        "REVIDEO_ENGINE": "fake",
        "REVIDEO_DATA_DIR": str(tmp_path),
        "REVIDEO_SECRET_KEY": "cli-test",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REVIDEO_USER", raising=False)
    state = _common.Cli()

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False, obj=state)

    invoke.state = state  # type: ignore[attr-defined]
    yield invoke
    state.close()


def test_create_list_revoke(run) -> None:  # type: ignore[no-untyped-def]
    assert run("users", "add", "crm@example.com", input="s3cret-pass\n" * 2).exit_code == 0
    made = run("tokens", "create", "--scope", "write", "--expires", "30", "--json")
    assert made.exit_code == 0, made.output
    token = json.loads(made.output)
    tokens = run.state.services.tokens
    use = tokens.authenticate(token["token"])
    assert use is not None and use.actor.email == "crm@example.com"

    listed = json.loads(run("tokens", "list", "--json").output)
    assert [t["id"] for t in listed] == [token["id"]]
    assert listed[0]["token_hash"] == "" and listed[0]["last_used_at"] is not None
    assert token["token"] not in run("tokens", "list").output

    assert run("tokens", "revoke", token["id"]).exit_code == 0
    assert tokens.authenticate(token["token"]) is None
    assert "revoked" in run("tokens", "list").output


def test_bad_scope_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "add", "crm@example.com", input="s3cret-pass\n" * 2)
    refused = run("tokens", "create", "--scope", "admin")
    assert refused.exit_code == 2 and "scope" in refused.output
