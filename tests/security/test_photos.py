"""
Issue 15 #5: photos are decoded in full under a pixel cap, refused by name when they are not
whole images or hold too many pixels, scaled down when merely large, and re-encoded on the
way in (so EXIF such as GPS is gone). Over HTTP against the real app (both backends).
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from tests.security import _data_fixtures as fx
from tests.security._data_fixtures import Agent, Live, fields, files_under, rows, staged
from tests.support import image, pixels

# fixtures
backend, services, standin, supabase_backend = (
    fx.backend,
    fx.services,
    fx.standin,
    fx.supabase_backend,
)
live, live_pg = fx.live, fx.live_pg

GPS = b"GPSLatitude 30.2672 N; GPSLongitude 97.7431 W"


def png_bomb(side: int) -> bytes:
    """A 1-bit black PNG of side×side pixels: a few KB that decode to side² pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", packed) + chunk(b"IEND", b"")
    )


def jpeg_with_gps(size: tuple[int, int]) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = GPS.decode()  # ImageDescription: a marker we can look for in the bytes
    exif[0x8825] = {2: (30.0, 16.0, 2.0), 4: (97.0, 44.0, 35.0)}  # GPSInfo
    return image("JPEG", size, exif=exif.tobytes())


BAD = [
    ("bomb.png", png_bomb(13_000), "megapixels"),
    ("magic.jpg", b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"0" * 2000, "not a whole"),
    ("half.jpg", image("JPEG", (64, 48))[:300], "not a whole"),
    ("text.png", b"\x89PNG\r\n\x1a\n this is not a picture", "not a whole"),
]


@pytest.mark.parametrize(("name", "blob", "words"), BAD, ids=[b[0] for b in BAD])
def test_the_wizard_refuses_what_is_not_a_whole_sane_image(
    live: Live, name: str, blob: bytes, words: str
) -> None:
    agent = live.agent("ann@example.com")
    agent.fill_wizard()
    answer = agent.upload("/properties/new/photos", [(name, blob)], {"action": "upload"})
    assert answer.status_code == 400 and fields(answer) == ["photos"]
    assert name in answer.text and words in answer.text
    assert staged(live.services, ".photo") == []  # nothing kept, not even staged


def test_adding_photos_refuses_a_bomb_and_keeps_none_of_the_batch(live_pg: Live) -> None:
    agent = live_pg.agent("bob@example.com")
    key = agent.fill_wizard()
    prop = agent.post("/properties/new/review", {"submission_key": key}).headers["location"]
    batch = [("ok.jpg", image()), ("bomb.png", png_bomb(30_000))]
    answer = agent.upload(f"{prop}/photos", batch)
    assert answer.status_code == 400 and "bomb.png" in answer.text
    assert rows(live_pg.services).photos == 0
    assert files_under(live_pg.root / "media") == []


def served(agent: Agent, page: str) -> bytes:
    import re

    src = re.search(r'<img src="([^"]+)"[^>]*class="[^"]*gallery-photo', agent.get(page).text)
    src = src or re.search(
        r'class="[^"]*gallery-photo[^"]*"[^>]*src="([^"]+)"', agent.get(page).text
    )
    assert src, "no gallery photo on the page"
    url = src[1]
    if url.startswith("/"):
        return agent.get(url).content
    import httpx

    return httpx.get(url).content


def test_large_photos_are_scaled_and_re_encoded_without_their_exif(live: Live) -> None:
    from revideo.domain.media import MAX_PHOTO_SIDE

    agent = live.agent("cat@example.com")
    big = jpeg_with_gps((5000, 2500))
    assert GPS in big
    key = agent.fill_wizard([("big.jpg", big)])
    page = agent.post("/properties/new/review", {"submission_key": key}).headers["location"]
    stored = served(agent, page)
    assert pixels(stored) == ("JPEG", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE // 2))
    assert GPS not in stored and b"Exif" not in stored

    from PIL import Image

    assert not Image.open(io.BytesIO(stored)).getexif()


def test_a_photo_is_stored_as_what_it_decodes_as(live_pg: Live, tmp_path: Path) -> None:
    agent = live_pg.agent("dan@example.com")
    key = agent.fill_wizard([("really-a-png.jpg", image("PNG", (20, 10)))])
    page = agent.post("/properties/new/review", {"submission_key": key}).headers["location"]
    assert pixels(served(agent, page)) == ("PNG", (20, 10))
