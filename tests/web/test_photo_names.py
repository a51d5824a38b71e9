"""
Photos whose file names the real Supabase Storage would refuse or mangle
(supabase-storage-real.md §2: non-ASCII and `#` → InvalidKey, `;` cuts the
key) upload, display and delete cleanly: on PostgreSQL with the files store
and on Supabase (stand-in Storage, as strict as the real server). The memory
store: tests/unit/test_photo_names.py.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from PIL import Image

from revideo.domain.keys import is_safe_key
from revideo.domain.profile import Actor
from tests.support import PNG
from tests.web.conftest import MEDIA_SRC, fetch_media, new_property


def _jpeg() -> bytes:
    """A real (decodable) JPEG: uploads are decoded before they are kept."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 60)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()
NAMES = ("façade #1 (ü);x.jpg", "日本.png")


def test_photos_with_hostile_names_upload_display_and_delete(alice: Any, services: Any) -> None:
    pid = new_property(alice)
    files = [(io.BytesIO(JPEG), NAMES[0]), (io.BytesIO(PNG), NAMES[1])]
    answer = alice.post(
        f"/properties/{pid}/photos", data={"photos": files}, content_type="multipart/form-data"
    )
    assert answer.status_code == 302, answer.text
    page = alice.get(f"/properties/{pid}").text
    assert page.count("gallery-photo") == 2
    for name in NAMES:
        assert html.escape(name) in page, name  # the name as typed, shown with the photo
    sources = re.findall(MEDIA_SRC, page)
    assert len(sources) == 2
    for url, size in zip(sources, ((32, 24), (1, 1)), strict=True):  # kept re-encoded
        status, _, data = fetch_media(alice, url)
        assert status == 200 and Image.open(io.BytesIO(data)).size == size, url
    with services.backend.unit_of_work(Actor.service()) as uow:  # the rows as stored
        photos = uow.media.for_property(pid)
    assert [p.file_name for p in photos] == list(NAMES)
    assert all(is_safe_key(p.storage_path) for p in photos)  # ids and a slug, not the name
    assert "facade-1-u-x" in photos[0].storage_path and photos[1].storage_path.endswith(".png")
    removed = alice.post(f"/properties/{pid}/photos/{photos[0].id}/delete")  # one photo alone
    assert removed.status_code == 302
    assert fetch_media(alice, sources[0])[0] in (400, 404)  # its file went with its row
    page = alice.get(f"/properties/{pid}").text
    assert page.count("gallery-photo") == 1 and html.escape(NAMES[0]) not in page
    with services.backend.unit_of_work(Actor.service()) as uow:  # the rest closed up
        assert [(p.id, p.order) for p in uow.media.for_property(pid)] == [(photos[1].id, 0)]
    gone = alice.post(f"/properties/{pid}/delete")
    assert gone.status_code == 302
    for url in sources:
        assert fetch_media(alice, url)[0] in (400, 404), url  # the files went with it
