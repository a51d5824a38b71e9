"""
Two web hosts: two Flask apps, each with its own data directory, sharing only the
database and the media store (issue 20). A request begun on one host is finished
on the other: an ad report previewed on A is imported on B, and a property wizard
whose photos were uploaded on A is rearranged on B and created on A. Nothing is
staged on either host's disk.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from revideo.adapters.postgres import PostgresDatabase
from revideo.adapters.supabase import SupabaseBackend
from revideo.bootstrap import Services
from revideo.domain.profile import Actor
from tests.supabase.fixtures import settings_for
from tests.support import PNG, Clock
from tests.web.conftest import PASSWORD, key_on, make_app, make_services, new_property, new_video
from tests.web.test_ad_import_pages import report, token_of, upload


@attrs.frozen
class Host:
    app: Any
    services: Services
    folder: Path

    def client(self, email: str) -> Any:
        client = self.app.test_client()
        answer = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text
        return client


@pytest.fixture
def hosts(
    request: pytest.FixtureRequest, backend: Any, clock: Clock, tmp_path: Path
) -> Iterator[tuple[Host, Host]]:
    """Host A over the test's backend; host B over its own connection to the same database
    (Supabase: its own backend on the same project); one media folder for both (files)."""
    media = tmp_path / "shared-media"
    other: Any = backend
    if isinstance(backend, SupabaseBackend):
        other = SupabaseBackend.from_settings(
            settings_for(request.getfixturevalue("standin"), tmp_path / "b")
        )
    elif isinstance(backend, PostgresDatabase):
        other = PostgresDatabase.connect(request.getfixturevalue("pg_server").app, max_size=2)
    built = []
    for name, db in (("a", backend), ("b", other)):
        services = make_services(db, clock, media, data_dir=tmp_path / name)
        built.append(Host(make_app(services, tmp_path / name), services, tmp_path / name))
    try:
        yield built[0], built[1]
    finally:
        if other is not backend:
            other.close()


def files_on(host: Host) -> list[Path]:
    return [p for p in host.folder.rglob("*") if p.is_file()] if host.folder.exists() else []


def test_an_ad_report_previewed_on_one_host_is_imported_on_the_other(
    hosts: tuple[Host, Host], clock: Clock
) -> None:
    a, b = hosts
    a.services.identity.create_user("alice@example.com", PASSWORD, full_name="alice")  # type: ignore[attr-defined]
    on_a, on_b = a.client("alice@example.com"), b.client("alice@example.com")
    vid = new_video(on_a, new_property(on_a))
    token = token_of(upload(on_a, report(vid)).text)
    clock.advance(seconds=1)  # the next click, a second later, reaches the other host
    again = on_b.post(f"/ads/import/{token}", data={"action": "preview", "line-3": vid})
    assert again.status_code == 200 and re.search(r'id="count-to-add">2<', again.text)
    done = on_b.post(f"/ads/import/{token}", data={"action": "commit", "line-3": vid})
    assert done.status_code == 302, done.text
    me = Actor.user(on_a_user(a, "alice@example.com"))
    assert b.services.ads.list(me).total == 2
    assert on_a.post(f"/ads/import/{token}", data={"action": "commit"}).status_code == 404
    assert files_on(a) == [] and files_on(b) == []  # staged in the media store only


def test_wizard_photos_uploaded_on_one_host_are_created_on_the_other(
    hosts: tuple[Host, Host], clock: Clock
) -> None:
    a, b = hosts
    a.services.identity.create_user("bob@example.com", PASSWORD, full_name="bob")  # type: ignore[attr-defined]
    on_a, on_b = a.client("bob@example.com"), b.client("bob@example.com")
    on_a.post("/properties/new/basics", data={"title": "Two hosts", "category": "residential"})
    files = [(io.BytesIO(PNG), f"p{i}.png") for i in range(3)]
    answer = on_a.post(
        "/properties/new/photos",
        data={"action": "upload", "photos": files},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    clock.advance(seconds=1)
    page = on_b.get("/properties/new/photos").text
    ids = re.findall(r'name="photo" value="([^"]+)"', page)
    assert len(ids) == 3
    preview = on_b.get(f"/properties/new/photo/{ids[0]}")
    assert preview.status_code == 200 and preview.data == PNG
    moved = on_b.post("/properties/new/photos", data={"action": "down", "photo": ids[0]})
    assert moved.status_code == 302
    clock.advance(seconds=1)
    assert 'value="Two hosts"' in on_a.get("/properties/new/basics").text
    created = on_a.post(
        "/properties/new/review", data={"submission_key": key_on(on_a, "/properties/new/review")}
    )
    assert created.status_code == 302, created.text
    pid = created.location.rsplit("/", 1)[1]
    me = Actor.user(on_a_user(a, "bob@example.com"))
    names = [m.file_name for m in b.services.properties.photos(me, pid)]
    assert names == ["p1.png", "p0.png", "p2.png"]  # the order chosen on B
    assert on_b.get(f"/properties/new/photo/{ids[0]}").status_code == 404  # all tidied away
    assert [s for s in b.services.staging.mine(me) if s.suffix == "photo"] == []
    assert files_on(a) == [] and files_on(b) == []


def on_a_user(host: Host, email: str) -> str:
    from revideo.domain.page import PageRequest

    with host.services.backend.unit_of_work(Actor.service()) as uow:
        found = [p for p in uow.profiles.list(PageRequest(1, 100)).items if p.email == email]
    return str(found[0].id)
