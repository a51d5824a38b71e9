"""The CLI over the in-memory backend and the fake engine, as a user types it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from revideo.entrypoints.cli import cli
from revideo.entrypoints.commands import _common
from tests.support import PNG


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
    runner = CliRunner()
    state = _common.Cli()  # one in-memory world for every command of the test

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False, obj=state)

    yield invoke
    state.close()


def test_a_day_at_the_office(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    added = run("users", "add", "agent@example.com", "--name", "Agent", input="s3cret-pass\n" * 2)
    assert added.exit_code == 0, added.output
    photo = tmp_path / "front.png"
    photo.write_bytes(PNG)
    made = run(
        "properties", "add", "--title", "Sunny loft", "--category", "residential",
        "--city", "Austin", "--price", "450000", "--beds", "2", "--baths", "1.5",
        "--amenity", "Pool", "--photo", str(photo), "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    prop_id = json.loads(made.output)["id"]
    listed = run("properties", "list")
    assert "Sunny loft" in listed.output and "1 in all" in listed.output
    shown = run("properties", "show", prop_id[:8])
    assert "photos: 1" in shown.output and "Austin" in shown.output
    script = run("script", prop_id[:8], "--tone", "concise", "--json")
    draft = json.loads(script.output)
    assert draft["source"] == "template" and 0 < draft["characters"] <= draft["limit"]
    video = json.loads(run("videos", "generate", prop_id[:8], "--json").output)
    assert video["status"] == "pending" and video["attempt_count"] == 1
    sync = json.loads(run("videos", "sync", "--json").output)
    assert sync["sync"]["checked"] == 1
    listed_videos = run("videos", "list").output
    assert "pending" in listed_videos and video["id"][:8] in listed_videos
    assert video["title"] in run("videos", "show", video["id"][:8]).output  # the id it lists
    ad = run(
        "ads", "add", video["id"][:8], "--platform", "meta", "--date", "2026-11-20",
        "--spend", "30", "--impressions", "100", "--clicks", "10", "--leads", "3",
    )  # fmt: skip
    assert ad.exit_code == 0, ad.output
    figures = json.loads(run("analytics", "--json").output)
    assert figures["cpl"] == "10.0000" and figures["videos"] == {"pending": 1}
    shown = run("analytics").output  # for people: the pages' formatting (issue 18)
    assert "$10.00" in shown and "30.0 %" in shown and "1 pending" in shown, shown
    assert "{" not in shown and "0.3000" not in shown
    assert "fake-anna" in run("engine", "avatars").output
    stored = [p for p in tmp_path.rglob("property-images/*/*/*") if p.is_file()]
    assert len(stored) == 1
    gone = run("users", "delete", "agent@example.com", "--yes")
    assert gone.exit_code == 0, gone.output
    assert "agent@example.com" not in run("users", "list").output
    assert not stored[0].exists()  # the photo's file went with the account


def test_bad_input_names_the_field_and_writes_nothing(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "add", "agent@example.com", input="s3cret-pass\n" * 2)
    again = run("users", "add", "agent@example.com")  # refused before any password prompt
    assert again.exit_code == 2 and "exists already" in again.output
    assert "Password" not in again.output
    bad = run("properties", "add", "--title", "Loft", "--category", "resale", "--baths", "2.25")
    assert bad.exit_code == 2 and "--baths" in bad.output and "specs.baths" not in bad.output
    both = run("properties", "add", "--title", "", "--category", "resale", "--price", "lots")
    assert both.exit_code == 2  # every wrong option at once, by its name (issue 18)
    assert "--title" in both.output and "--price" in both.output
    assert "0 in all" in run("properties", "list").output
    missing = run("properties", "show", "deadbeef")
    assert missing.exit_code == 1 and "not found" in missing.output.lower()


def test_several_users_need_a_choice(run) -> None:  # type: ignore[no-untyped-def]
    run("users", "add", "a@example.com", input="s3cret-pass\n" * 2)
    run("users", "add", "b@example.com", "--admin", input="s3cret-pass\n" * 2)
    ambiguous = run("properties", "list")
    assert ambiguous.exit_code == 2 and "--user" in ambiguous.output
    assert run("properties", "list", "--user", "b@example.com").exit_code == 0
    roles = json.loads(run("users", "list", "--json").output)
    assert {u["email"]: u["role"] for u in roles["items"]} == {
        "a@example.com": "user",
        "b@example.com": "admin",
    }
    assert run("users", "role", "a@example.com", "admin").exit_code == 0
