"""The simulator is as strict as HeyGen where its docs say how (heygen-v3.md §7), and the
engine copes: no callback_id in lists, Idempotency-Key replays, HTTPS webhook endpoints,
the avatar's own voice, /v3/users/me, private voices, whsec_ secrets, redirecting links."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from click.testing import CliRunner

from revideo.adapters.heygen import HeyGenEngine
from revideo.adapters.heygen.simulator import HeyGenSimulator
from revideo.domain.video import VideoStatus
from revideo.entrypoints.commands.heygen import command
from tests.integration.heygen.conftest import KEY
from tests.integration.heygen.test_heygen_simulator import RENDER, listing

pytestmark = pytest.mark.integration


def api(sim: HeyGenSimulator, method: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.request(method, sim.base_url + path, headers={"X-Api-Key": KEY}, **kwargs)  # type: ignore[arg-type]


def test_list_items_carry_no_callback_id(sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
    engine.create(listing("job-listed"))
    for path in ("/v3/videos", "/v1/video.list"):
        answer = api(sim, "GET", path)
        assert answer.status_code == 200 and "job-listed" not in answer.text


class TestIdempotencyKey:
    BODY: ClassVar[dict[str, str]] = {
        "type": "avatar",
        "avatar_id": "Daisy-inskirt-20220818",
        "script": "Hello there.",
    }

    def create(self, sim: HeyGenSimulator, key: str) -> httpx.Response:
        headers = {"X-Api-Key": KEY, "Idempotency-Key": key}
        return httpx.post(f"{sim.base_url}/v3/videos", json=self.BODY, headers=headers)

    def test_the_same_key_replays_the_first_answer_for_24_hours(self, sim: HeyGenSimulator) -> None:
        first = self.create(sim, "revideo:a")
        again = self.create(sim, "revideo:a")
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json() and len(sim.state.jobs) == 1
        assert self.create(sim, "revideo:b").json() != first.json()
        sim.advance(24 * 3600 + 1)
        assert self.create(sim, "revideo:a").json() != first.json(), "replayed for 24 h only"
        assert len(sim.state.jobs) == 3

    def test_409_while_the_first_call_runs(self, sim: HeyGenSimulator) -> None:
        sim.inject("slow", method="POST", seconds=2.0)
        answers: list[httpx.Response] = []
        first = threading.Thread(target=lambda: answers.append(self.create(sim, "revideo:slow")))
        first.start()
        while not sim.state.replays:  # the first call has claimed the key
            threading.Event().wait(0.01)
        second = self.create(sim, "revideo:slow")
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "request_in_progress"
        first.join()
        assert answers[0].status_code == 200 and len(sim.state.jobs) == 1

    def test_a_malformed_key_is_refused(self, sim: HeyGenSimulator) -> None:
        answer = self.create(sim, "spaces are not allowed")
        assert answer.status_code == 400 and sim.state.jobs == {}

    def test_a_refused_call_leaves_the_key_free(self, sim: HeyGenSimulator) -> None:
        sim.inject("server_error", method="POST")
        assert self.create(sim, "revideo:c").status_code == 500
        assert self.create(sim, "revideo:c").status_code == 200 and len(sim.state.jobs) == 1


def test_v3_webhook_endpoints_must_be_https(media_dir: Path) -> None:
    with HeyGenSimulator(KEY, speed=0, media_dir=media_dir) as strict:
        answer = api(strict, "POST", "/v3/webhooks/endpoints", json={"url": "http://127.0.0.1/x"})
        assert answer.status_code == 400 and "HTTPS" in answer.json()["error"]["message"]
        assert strict.state.endpoints == {}


def test_every_webhook_secret_is_whsec(
    sim: HeyGenSimulator, engine: HeyGenEngine, receiver: object
) -> None:
    endpoint = engine.register_webhook(receiver.url)  # type: ignore[attr-defined]
    assert endpoint.secret and endpoint.secret.startswith("whsec_")


@pytest.fixture
def v3(sim: HeyGenSimulator) -> Iterator[HeyGenEngine]:
    with HeyGenEngine(KEY, base_url=sim.base_url, sleep=lambda s: None) as engine:
        yield engine


def test_the_avatar_speaks_with_its_own_voice_when_none_is_given(
    sim: HeyGenSimulator, v3: HeyGenEngine
) -> None:
    video_id = v3.create(listing("job-voice", voice_id=""))
    sim.advance(RENDER + 1)
    assert v3.status(video_id).status is VideoStatus.COMPLETED


def test_private_voices_are_listed_on_v3(engine: HeyGenEngine, version: str) -> None:
    names = {v.name for v in engine.voices()}
    assert "Sara" in names
    assert ("My cloned voice" in names) is (version == "v3")


def test_users_me_holds_the_credits(sim: HeyGenSimulator) -> None:
    me = api(sim, "GET", "/v3/users/me").json()["data"]
    assert me["billing_type"] == "wallet" and me["wallet"]["currency"] == "credits"
    assert me["wallet"]["remaining_balance"] == 100


class PathLog(HeyGenSimulator):
    """The simulator, remembering the path of every API request it answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths: list[str] = []

    def handle(self, request: Any) -> Any:
        if not request.path.startswith("/_sim/"):
            self.paths.append(request.path)
        return super().handle(request)

    def take_paths(self) -> list[str]:
        taken, self.paths = self.paths, []
        return taken


def test_quota_command_reads_users_me_in_v3_mode(media_dir: Path) -> None:
    with PathLog(KEY, speed=0, media_dir=media_dir, credits=42) as sim:
        for version, path in (("v3", "/v3/users/me"), ("v2", "/v2/user/remaining_quota")):
            env = {"HEYGEN_API_KEY": KEY, "HEYGEN_BASE_URL": sim.base_url}
            result = CliRunner().invoke(
                command, ["quota"], env=env | {"HEYGEN_API_VERSION": version}
            )
            assert result.exit_code == 0 and "42.00 credits" in result.output, result.output
            assert sim.take_paths() == [path]
        assert "avatar_iii (v2): 1 credits a minute" in result.output


def test_redirecting_file_links_are_followed(media_dir: Path) -> None:
    with HeyGenSimulator(KEY, speed=0, media_dir=media_dir, redirect_files=True) as sim:
        engine = HeyGenEngine(KEY, base_url=sim.base_url, sleep=lambda s: None)
        video_id = engine.create(listing("job-hop"))
        sim.advance(RENDER + 1)
        report = engine.status(video_id)
        assert "/files/redirect?" in (report.video_url or "")
        raw = httpx.get(report.video_url or "")
        assert raw.status_code == 302, "the link itself is a redirect"
        assert b"".join(engine.fetch(report.video_url or ""))[4:8] == b"ftyp"
        assert b"".join(engine.fetch(report.thumbnail_url or ""))[:3] == b"\xff\xd8\xff"
        engine.close()


def test_a_60_second_avatar_iv_render_costs_6_credits(
    sim: HeyGenSimulator, v3: HeyGenEngine
) -> None:
    before = v3.remaining_quota()
    video_id = v3.create(listing("job-minute", script=" ".join(["word"] * 150)))  # 60 s
    sim.advance(RENDER + 1)
    assert v3.status(video_id).duration == 60
    assert v3.credit_rate is not None and v3.credit_rate.cost(60) == Decimal(6)
    assert before is not None and before - (v3.remaining_quota() or 0) == Decimal(6)
