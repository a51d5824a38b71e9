"""Photo galleries stay ordered 0..n-1 through any add, remove and reorder."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given

from revideo.domain import media
from revideo.domain.media import PropertyMedia


def photo(i: int) -> PropertyMedia:
    return PropertyMedia(
        id=f"m{i}",
        property_id="p",
        user_id="u",
        storage_path=f"u/p/m{i}.jpg",
        public_url=f"/m{i}.jpg",
        mime_type="image/jpeg",
    )


ops = st.lists(st.tuples(st.sampled_from(["add", "remove", "reorder"]), st.randoms()), max_size=40)


@given(ops)
def test_gallery_has_no_gaps(steps: list) -> None:  # type: ignore[type-arg]
    gallery: tuple[PropertyMedia, ...] = ()
    made = 0
    for op, rnd in steps:
        before = [m.id for m in sorted(gallery, key=lambda m: m.order)]
        if op == "add" and len(gallery) < media.MAX_PHOTOS:
            gallery = media.append(gallery, photo(made))
            made += 1
            assert [m.id for m in gallery] == [*before, f"m{made - 1}"]
        elif op == "remove" and gallery:
            gone = rnd.choice(before)
            gallery = media.remove(gallery, gone)
            assert [m.id for m in gallery] == [i for i in before if i != gone]
        elif op == "reorder":
            wanted = before[:]
            rnd.shuffle(wanted)
            gallery = media.reorder(gallery, wanted)
            assert [m.id for m in sorted(gallery, key=lambda m: m.order)] == wanted
        assert sorted(m.order for m in gallery) == list(range(len(gallery)))
