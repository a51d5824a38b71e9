"""
The port every video engine implements: HeyGen (v3 or v2), the HeyGen
simulator through the same adapter, the offline local engine, and the fake.

Errors (all in revideo.domain.errors):
- EngineRejected: the request is wrong or not payable (`reason` says which);
- EngineUnavailable: busy or down, retry later (`retry_after` seconds if known);
- EngineUnauthorized: bad key or no API access;
- EngineOutcomeUnknown: `create` may have been accepted: re-send it only where
  `idempotent_create` says that is safe, else wait for the engine's report;
- WebhookRejected: a webhook failed its signature check or is malformed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from revideo.domain.credits import CreditRate
from revideo.domain.video import AspectRatio, EngineReport


@attrs.frozen
class Photo:
    """A property photo: its public URL, and where our MediaStore keeps it."""

    url: str
    bucket: str = "property-images"
    path: str = ""


@attrs.frozen
class ClosingCard:
    """Facts for the engine's closing card (the local engine draws them)."""

    price: str = ""
    facts: str = ""
    address: str = ""


@attrs.frozen
class RenderRequest:
    """Everything an engine needs to render one video.

    `handle` names the render attempt; engines echo it back (HeyGen's
    callback_id) and, where they can, key the create on it (HeyGen v3's
    Idempotency-Key), so a create whose answer was lost can be sent again
    without paying twice.
    """

    handle: str
    title: str
    script: str
    avatar_id: str
    voice_id: str
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    resolution: str = "720p"
    voice_speed: float = 1.0
    photos: tuple[Photo, ...] = ()
    background_color: str = "#f5f5f5"
    captions: bool = True
    test: bool = False
    callback_url: str | None = None
    closing: ClosingCard = attrs.field(factory=ClosingCard)


@attrs.frozen
class Avatar:
    id: str
    name: str
    gender: str = ""
    preview_image_url: str = ""
    preview_video_url: str = ""
    kind: str = "avatar"  # avatar | talking_photo
    default_voice_id: str = ""  # the voice the engine pairs with it, where it names one


@attrs.frozen
class Voice:
    id: str
    name: str
    language: str = ""
    gender: str = ""
    preview_audio_url: str = ""


class VideoEngine(Protocol):
    """Renders avatar videos and reports on them."""

    name: str
    max_script_chars: int
    # True when `create` with a handle it saw before returns that render again
    # instead of starting a second one (so a lost answer may be re-sent).
    idempotent_create: bool
    # What a render costs by its length; None where the engine does not charge.
    credit_rate: CreditRate | None

    def create(self, request: RenderRequest) -> str:
        """Start a render; return the engine's video id."""
        ...

    def status(self, engine_video_id: str) -> EngineReport:
        """The render's current state (EngineRejected('not_found') if unknown)."""
        ...

    def fetch(self, url: str) -> Iterator[bytes]:
        """Stream the bytes of a file the engine produced (video or thumbnail)."""
        ...

    def avatars(self) -> list[Avatar]: ...
    def voices(self) -> list[Voice]: ...

    def remaining_quota(self) -> Decimal | None:
        """Credits left, or None where the engine does not count them."""
        ...

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> EngineReport | None:
        """Verify and parse a webhook delivery; None for events of no interest."""
        ...

    def close(self) -> None:
        """Release connections and stop background work."""
        ...
