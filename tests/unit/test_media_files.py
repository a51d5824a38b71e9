"""What may be archived as a video or a thumbnail: judged by its first bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from revideo.domain.files import check_head, kind_of_head

MP4 = b"\x00\x00\x00\x20ftypisom"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00"


def test_each_kind_is_known_by_its_magic() -> None:
    assert [kind_of_head(h) for h in (MP4, JPEG, PNG)] == ["mp4", "jpg", "png"]
    assert check_head(MP4, "mp4") is None
    assert check_head(JPEG, "jpg") is None and check_head(PNG, "jpg") is None
    assert check_head(JPEG, "mp4") == "is a jpg, not a mp4"


@given(st.binary(max_size=64))
def test_anything_else_is_refused(head: bytes) -> None:
    magic = head[4:8] == b"ftyp" or head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
    assert (check_head(head, "mp4") is None) is (magic and head[4:8] == b"ftyp")


def test_a_web_page_is_not_a_video() -> None:
    problem = check_head(b"<!DOCTYPE html><html>", "mp4")
    assert problem is not None and "not a video or an image" in problem
