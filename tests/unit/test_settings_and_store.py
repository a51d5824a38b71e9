"""Settings fail at start with one line naming the setting; the files store is safe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from revideo.adapters.files import FilesMediaStore
from revideo.domain.errors import ConfigError, Forbidden, NotFound, ValidationError
from revideo.domain.profile import Actor
from revideo.settings import load


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"REVIDEO_ENGINE": "magic"}, "REVIDEO_ENGINE"),
        ({"REVIDEO_ENGINE": "heygen"}, "HEYGEN_API_KEY"),
        ({"HEYGEN_API_KEY": "k", "HEYGEN_API_VERSION": "v9"}, "HEYGEN_API_VERSION"),
        ({"REVIDEO_DATABASE_URL": "mysql://x"}, "REVIDEO_DATABASE_URL"),
        ({"SUPABASE_URL": "https://x.supabase.co"}, "SUPABASE_ANON_KEY"),
        ({"NEXT_PUBLIC_SUPABASE_ANON_KEY": "anon"}, "SUPABASE_URL"),
        ({"REVIDEO_CREDITS_PER_MINUTE": "-1"}, "REVIDEO_CREDITS_PER_MINUTE"),
        ({"REVIDEO_CREDITS_PER_MINUTE": "lots"}, "REVIDEO_CREDITS_PER_MINUTE"),
        ({"REVIDEO_PUBLIC_URL": "example.com"}, "REVIDEO_PUBLIC_URL"),
        ({"REVIDEO_POLL_CONCURRENCY": "0"}, "REVIDEO_POLL_CONCURRENCY"),
        ({"REVIDEO_MAX_AUTO_ATTEMPTS": "two"}, "REVIDEO_MAX_AUTO_ATTEMPTS"),
        ({"REVIDEO_TRUSTED_PROXIES": "-1"}, "REVIDEO_TRUSTED_PROXIES"),
        ({"REVIDEO_STORAGE_TIMEOUT": "0"}, "REVIDEO_STORAGE_TIMEOUT"),
        ({"REVIDEO_STORAGE_TIMEOUT": "1.5"}, "REVIDEO_STORAGE_TIMEOUT"),
        ({"REVIDEO_RATELIMIT_STORAGE": "redis"}, "REVIDEO_RATELIMIT_STORAGE"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load({"REVIDEO_DATA_DIR": "/tmp/x", **env})
    assert exc.value.setting == setting
    assert setting in str(exc.value) and "\n" not in str(exc.value)


def test_defaults_pick_the_embedded_database_and_the_local_engine() -> None:
    s = load({"REVIDEO_DATA_DIR": "/tmp/x"})
    assert (s.backend, s.engine, s.database_url) == ("postgres", "local", None)
    assert load({"REVIDEO_DATA_DIR": "/tmp/x", "HEYGEN_API_KEY": "k"}).engine == "heygen"
    supa = load(
        {"NEXT_PUBLIC_SUPABASE_URL": "https://p.supabase.co", "NEXT_PUBLIC_SUPABASE_ANON_KEY": "a"}
    )
    assert (supa.backend, supa.supabase_url) == ("supabase", "https://p.supabase.co")


def test_files_store_writes_atomically_inside_the_owners_folder(tmp_path: Path) -> None:
    store = FilesMediaStore(tmp_path, base_url="http://h/media")
    alice = Actor.user("alice")
    stored = store.put(alice, "property-images", "alice/p/1.png", [b"ab", b"cd"], "image/png")
    assert (stored.size, stored.public_url) == (4, "http://h/media/property-images/alice/p/1.png")
    assert b"".join(store.open("property-images", "alice/p/1.png")) == b"abcd"
    assert not [p for p in tmp_path.rglob(".part-*")]
    with pytest.raises(Forbidden):
        store.put(alice, "property-images", "bob/1.png", b"x", "image/png")
    with pytest.raises(ValidationError):
        store.put(alice, "property-images", "alice/../../etc/passwd", b"x", "text/plain")
    with pytest.raises(ValidationError):
        store.open("secrets", "alice/1.png")
    store.put(Actor.service(), "generated-videos", "alice/v.mp4", b"mp4", "video/mp4")
    store.delete(alice, "property-images", "alice/p/1.png")
    store.delete(alice, "property-images", "alice/p/1.png")
    with pytest.raises(NotFound):
        store.open("property-images", "alice/p/1.png")


def test_cli_help_lists_the_command_groups() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "revideo.entrypoints.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for group in ("up", "web", "db", "properties", "videos", "worker", "ads", "analytics"):
        assert f"  {group} " in run.stdout
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, revideo.entrypoints.cli as c\n"
            "c.cli.main(['--help'], prog_name='revideo', standalone_mode=False)\n"
            "heavy = ('psycopg', 'httpx', 'flask', 'PIL', 'plotly')\n"
            "print(sorted(m for m in heavy if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert heavy.stdout.strip().endswith("[]"), "revideo --help must not import heavy libraries"
