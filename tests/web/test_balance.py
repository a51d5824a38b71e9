"""The studio shows the engine's credits and the render's price before generating, and a
render the balance cannot pay for is refused with the numbers (issue 16)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tests.web.conftest import new_property, new_video

SCRIPT = " ".join(["word"] * 150)  # a minute of speech


def options_page(alice: Any) -> str:
    alice.get(f"/videos/new?property={new_property(alice)}")
    alice.post(
        "/videos/new/presenter", data={"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
    )
    alice.post("/videos/new/script", data={"script_content": SCRIPT, "purpose": "sale"})
    return str(alice.get("/videos/new/options").text)


def test_the_options_step_shows_credits_and_cost(alice: Any, services: Any) -> None:
    services.engine.credits = Decimal("42")
    page = options_page(alice)
    balance = re.search(r'id="balance"[^>]*>(.*?)</dd>', page, re.S)
    assert balance is not None
    words = " ".join(balance[1].split())
    assert "42 credits left" in words
    assert "about <strong>1 credit</strong> (60 s of speech)" in words  # 1 a minute
    assert "more than the account has" not in words


def test_an_unaffordable_render_is_refused_with_the_numbers(alice: Any, services: Any) -> None:
    services.engine.credits = Decimal("0.5")
    assert "more than the account has" in options_page(alice)
    vid = new_video(alice, new_property(alice), script=SCRIPT)
    page = alice.get(f"/videos/{vid}").text
    assert "needs about 1 credit" in page and "the account has 0.5 credits left" in page
    assert alice.get(f"/api/videos/{vid}/status").json["jobs"] == [], "no attempt was written"
    assert services.engine.create_calls == 0


def test_a_failed_attempt_shows_its_failure_kind(alice: Any, services: Any, clock: Any) -> None:
    services.engine.fail_next("Video generation failed")
    vid = new_video(alice, new_property(alice))
    clock.advance(minutes=5)
    services.pipeline.sync()
    [job] = alice.get(f"/api/videos/{vid}/status").json["jobs"]
    assert (job["status"], job["failure_kind"]) == ("failed", "render_failed")
