"""`revideo ads import` (dry run exit codes, JSON totals) and `revideo ads imports` (list,
show, undo), over the in-memory backend as a user types them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_cli import run  # noqa: F401  (the fixture)
from tests.support import PNG

HEAD = "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"


def setup_video(run: Any, tmp_path: Path) -> str:  # noqa: F811
    run("users", "add", "agent@example.com", "--name", "Agent", input="s3cret-pass\n" * 2)
    photo = tmp_path / "front.png"
    photo.write_bytes(PNG)
    made = run("properties", "add", "--title", "Sunny loft", "--category", "residential",
               "--photo", str(photo), "--json")  # fmt: skip
    prop_id = json.loads(made.output)["id"]
    video = json.loads(run("videos", "generate", prop_id[:8], "--json").output)
    assert video["title"] == "Sunny loft — video tour"
    return str(video["id"])


def test_dry_run_exit_code_json_totals_history_and_undo(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    vid = setup_video(run, tmp_path)
    ref = f"rv-{vid[:8]}"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEAD + f"S,Tour {ref},2026-11-01,10.00,100,5,1\nS,Tour {ref},2026-11-02,x,1,1,1\n"
    )
    refused = run("ads", "import", str(bad), "--dry-run")
    assert refused.exit_code == 2 and "line 3" in refused.output
    assert "would be added: 1" in refused.output
    skipped = run("ads", "import", str(bad), "--dry-run", "--skip-errors", "--json")
    assert skipped.exit_code == 0, skipped.output
    got = json.loads(skipped.output)
    assert got["totals"] == {"spend": "10.00", "impressions": 100, "clicks": 5, "leads": 1}
    assert (got["added"], got["error_count"], got["refused"]) == (1, 1, None)
    as_json = run("ads", "import", str(bad), "--dry-run", "--json")
    assert as_json.exit_code == 2 and json.loads(as_json.output.split("\nUsage")[0])["refused"]

    first = tmp_path / "first.csv"
    first.write_text(HEAD + f"S,Tour {ref},2026-11-01,10.00,100,5,1\n")
    assert run("ads", "import", str(first)).exit_code == 0
    later = tmp_path / "later.csv"
    later.write_text(
        HEAD + f"S,Tour {ref},2026-11-01,10.00,100,5,4\nS,Tour {ref},2026-11-02,2,3,9,0\n"
    )
    done = run("ads", "import", str(later))
    assert done.exit_code == 0, done.output
    assert "added: 1   updated: 1" in done.output
    assert "leads 1 -> 4" in done.output
    assert (
        "flagged line 3 Tour" in done.output
        and "more clicks than impressions (9 > 3)" in done.output
    )
    again = run("ads", "import", str(later))
    assert again.exit_code == 0 and "imported already" in again.output

    history = json.loads(run("ads", "imports", "--json").output)
    assert [(i["file_name"], i["added"], i["updated"]) for i in history["items"]] == [
        ("later.csv", 1, 1), ("first.csv", 1, 0)
    ]  # fmt: skip
    listed = run("ads", "imports")
    assert "later.csv" in listed.output and "2 in all" in listed.output
    newest = history["items"][0]["id"]
    held = run("ads", "list", "--import", newest[:8])
    assert "Tour rv-" in held.output and "2 in all" in held.output
    shown = run("ads", "imports", "show", newest[:8])
    assert "updated Tour" in shown.output and "leads 1 -> 4" in shown.output
    undone = run("ads", "imports", "undo", newest[:8])
    assert (
        undone.exit_code == 0
        and "1 rows got their earlier figures back, 1 rows removed" in undone.output
    )
    figures = json.loads(run("analytics", "--json").output)
    assert (figures["spend"], figures["leads"]) == ("10.00", 1)
    twice = run("ads", "imports", "undo", newest)
    assert twice.exit_code == 2 and "undone already" in twice.output
