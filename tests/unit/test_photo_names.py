"""
Object keys from a safe alphabet on the memory and files stores (the Supabase
store: tests/supabase/test_storage_strict.py; through the web on the files and
Supabase stores: tests/web/test_photo_names.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from revideo.adapters.files import FilesMediaStore
from revideo.adapters.memory.store import InMemoryMediaStore
from revideo.domain.errors import NotFound, ValidationError
from revideo.domain.keys import MAX_NAME, MAX_SLUG, display_name, is_safe_key, slug
from revideo.domain.profile import Actor
from revideo.ports.media_store import PHOTOS_BUCKET
from tests.support import PNG, Clock, memory_services, sample_property, user


def _jpeg() -> bytes:
    """A real (decodable) JPEG: uploads are decoded before they are kept."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 60)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()
NAMES = ("façade #1 (ü);x.jpg", "日本.png")
# what the real Storage refuses or cuts (supabase-storage-real.md §2), and what storage3 rewrites
UNSAFE = ("u/ü.jpg", "u/a#b.jpg", "u/a;b.jpg", "u/a%20b.jpg", "/u/a.jpg", "u/../a.jpg", "u/./a",
          "u/a b.jpg", "u//a.jpg", "u/.hidden", "")  # fmt: skip


def test_photos_with_hostile_names_upload_display_and_delete_on_the_memory_store(
    clock: Clock,
) -> None:
    svc = memory_services(clock)
    me = user(svc.backend, "ann@example.com")
    prop = svc.properties.create(me, sample_property())
    for data, name in zip((JPEG, PNG), NAMES, strict=True):
        kind = "image/jpeg" if name.endswith(".jpg") else "image/png"
        svc.properties.add_photo(me, prop.id, data, kind, name)
    photos = svc.properties.photos(me, prop.id)
    assert [p.file_name for p in photos] == list(NAMES)
    for photo, data in zip(photos, (JPEG, PNG), strict=True):
        assert is_safe_key(photo.storage_path)
        assert photo.public_url == svc.store.public_url(PHOTOS_BUCKET, photo.storage_path)
        kept = b"".join(svc.store.open(PHOTOS_BUCKET, photo.storage_path))  # re-encoded
        assert Image.open(io.BytesIO(kept)).size == Image.open(io.BytesIO(data)).size
        assert svc.store.filenames[(PHOTOS_BUCKET, photo.storage_path)] == photo.file_name  # type: ignore[attr-defined]
    svc.properties.remove_photo(me, photos[0].id)  # one photo alone: row and file
    with pytest.raises(NotFound):
        svc.store.open(PHOTOS_BUCKET, photos[0].storage_path)
    assert [(p.id, p.order) for p in svc.properties.photos(me, prop.id)] == [(photos[1].id, 0)]
    svc.properties.delete(me, prop.id)
    for photo in photos:
        with pytest.raises(NotFound):
            svc.store.open(PHOTOS_BUCKET, photo.storage_path)


@pytest.mark.parametrize("kind", ["memory", "files"])
@pytest.mark.parametrize("path", UNSAFE)
def test_stores_refuse_unsafe_keys(kind: str, path: str, tmp_path: Path) -> None:
    store = InMemoryMediaStore() if kind == "memory" else FilesMediaStore(tmp_path)
    with pytest.raises(ValidationError) as refused:
        store.put(Actor.service(), PHOTOS_BUCKET, path, b"x", "image/jpeg")
    assert refused.value.field == "path"
    with pytest.raises(ValidationError):
        store.delete(Actor.service(), PHOTOS_BUCKET, path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("façade #1 (ü);x.jpg", "facade-1-u-x"), ("日本.png", "file"), ("a&b=c;d.jpg", "a-b-c-d"),
     ("..", "file"), ("IMG_0001.JPG", "img_0001"), ("report.final.v2.pdf", "report.final.v2")],
)  # fmt: skip
def test_slugs_keep_only_the_safe_alphabet(name: str, expected: str) -> None:
    assert slug(name) == expected and is_safe_key(f"u/{slug(name)}.jpg")


@given(st.text(max_size=300))
def test_any_name_gives_a_safe_slug_and_a_clean_display_name(name: str) -> None:
    made = slug(name)
    assert is_safe_key(made) and len(made) <= MAX_SLUG
    shown = display_name(name)
    assert len(shown) <= MAX_NAME and "/" not in shown and "\n" not in shown
