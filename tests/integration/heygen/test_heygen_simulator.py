"""HeyGenEngine against the HeyGen simulator over loopback, both API versions."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx
import pytest

from revideo.adapters.heygen import HeyGenEngine
from revideo.adapters.heygen.simulator import HeyGenSimulator
from revideo.domain.errors import (
    EngineOutcomeUnknown,
    EngineRejected,
    EngineUnauthorized,
    EngineUnavailable,
)
from revideo.domain.video import AspectRatio, VideoStatus
from revideo.ports.video_engine import Photo, RenderRequest

if TYPE_CHECKING:
    from conftest import Receiver

pytestmark = pytest.mark.integration

DAISY = "Daisy-inskirt-20220818"
SARA = "2d5b0e6cf36f460aa7fc47e3eee4ba54"
RENDER = 5 + 30  # simulator defaults: pending 5 s, render 30 s


def listing(handle: str = "job-1", **changes: object) -> RenderRequest:
    fields: dict[str, object] = {
        "handle": handle,
        "title": "12 Oak St",
        "script": "Welcome to 12 Oak Street. A sunny three-bedroom home.",
        "avatar_id": DAISY,
        "voice_id": SARA,
        "photos": (Photo("https://cdn.example/front.jpg"),),
    }
    fields.update(changes)
    return RenderRequest(**fields)  # type: ignore[arg-type]


class TestRenderLifecycle:
    def test_full_progression_then_fetch_the_mp4(
        self, sim: HeyGenSimulator, engine: HeyGenEngine
    ) -> None:
        video_id = engine.create(listing())
        assert engine.status(video_id).status is VideoStatus.PENDING
        sim.advance(6)
        assert engine.status(video_id).status is VideoStatus.PROCESSING
        sim.advance(RENDER)
        report = engine.status(video_id)
        assert report.status is VideoStatus.COMPLETED  # v3 details carry no callback_id
        assert report.duration and report.duration > 0
        assert report.video_url and report.thumbnail_url and report.caption_url
        video = b"".join(engine.fetch(report.video_url))
        assert video[4:8] == b"ftyp"
        assert b"".join(engine.fetch(report.thumbnail_url))[:2] == b"\xff\xd8"

    def test_expired_links_are_refused_and_a_fresh_status_renews_them(
        self, sim: HeyGenSimulator, engine: HeyGenEngine
    ) -> None:
        video_id = engine.create(listing())
        sim.advance(RENDER + 1)
        old = engine.status(video_id).video_url
        assert old is not None
        sim.advance(7 * 24 * 3600 + 1)
        with pytest.raises(EngineRejected) as err:
            b"".join(engine.fetch(old))
        assert err.value.reason == "not_found" and "expired" in err.value.message
        fresh = engine.status(video_id).video_url
        assert fresh and fresh != old and b"".join(engine.fetch(fresh))[4:8] == b"ftyp"

    def test_tampered_link_is_refused(self, sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
        video_id = engine.create(listing())
        sim.advance(RENDER + 1)
        url = engine.status(video_id).video_url or ""
        with pytest.raises(EngineRejected):
            b"".join(engine.fetch(url.replace("Expires=", "Expires=9")))

    def test_late_failure_after_acceptance(
        self, sim: HeyGenSimulator, engine: HeyGenEngine
    ) -> None:
        sim.inject("fail_render", message="Rendering failed at 97%")
        video_id = engine.create(listing())
        sim.advance(RENDER + 1)
        report = engine.status(video_id)
        assert report.status is VideoStatus.FAILED
        assert report.error and "97%" in report.error

    def test_stuck_render_stays_in_flight(self, sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
        sim.inject("stuck_render")
        video_id = engine.create(listing())
        sim.advance(10 * RENDER)
        assert engine.status(video_id).status.in_flight

    def test_unknown_ids(self, engine: HeyGenEngine) -> None:
        with pytest.raises(EngineRejected) as err:
            engine.status("0" * 32)
        assert err.value.reason == "not_found"

    def test_credits_go_down_per_render_but_not_for_v2_tests(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, version: str
    ) -> None:
        before = engine.remaining_quota()
        engine.create(listing())
        sim.advance(RENDER + 1)
        after = engine.remaining_quota()
        [job] = sim.state.jobs.values()  # v3: 6 credits a minute by the second; v2: 1 per 30 s
        cost = math.ceil(job.seconds) / 10 if version == "v3" else math.ceil(job.seconds / 30) / 2
        assert before is not None and after is not None
        assert after == pytest.approx(before - Decimal(str(cost)))
        if version == "v2":
            engine.create(listing("job-test", test=True))
            sim.advance(RENDER + 1)
            assert engine.remaining_quota() == after


class TestRejections:
    @pytest.mark.parametrize(
        ("changes", "reason"),
        [
            ({"avatar_id": "nobody"}, "unknown_avatar"),
            ({"voice_id": "silence"}, "unknown_voice"),
        ],
    )
    def test_catalogue_errors(
        self, engine: HeyGenEngine, changes: dict[str, str], reason: str
    ) -> None:
        with pytest.raises(EngineRejected) as err:
            engine.create(listing(**changes))
        assert err.value.reason == reason

    def test_v2_text_limit_is_handled_by_scene_splitting(self, sim: HeyGenSimulator) -> None:
        long = " ".join(["The garden is large and bright."] * 150)  # ~4700 chars
        with HeyGenEngine("sim-test-key", base_url=sim.base_url, api_version="v2") as engine:
            video_id = engine.create(listing(script=long))
        assert sim.state.jobs[video_id].seconds > 100

    def test_bad_key_is_unauthorised(self, sim: HeyGenSimulator, version: str) -> None:
        engine = HeyGenEngine("wrong", base_url=sim.base_url, api_version=version)
        with engine, pytest.raises(EngineUnauthorized):
            engine.voices()

    def test_no_credit(self, sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
        sim.state.credits = 0
        with pytest.raises(EngineRejected) as err:
            engine.create(listing())
        assert err.value.reason == "no_credit"

    def test_v2_daily_test_limit(self, sim: HeyGenSimulator) -> None:
        sim.state.tests_today = sim.state.test_daily_limit
        engine = HeyGenEngine("sim-test-key", base_url=sim.base_url, api_version="v2")
        with engine, pytest.raises(EngineRejected) as err:
            engine.create(listing(test=True))
        assert err.value.reason == "trial_limit"

    def test_v2_renders_are_not_visible_on_v3_paths(self, sim: HeyGenSimulator) -> None:
        with HeyGenEngine("sim-test-key", base_url=sim.base_url, api_version="v2") as v2:
            video_id = v2.create(listing())
        v3 = HeyGenEngine("sim-test-key", base_url=sim.base_url)
        with v3, pytest.raises(EngineRejected):
            v3.status(video_id)

    def test_square_and_portrait_sizes(self, sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
        square = engine.create(listing("sq", aspect_ratio=AspectRatio.SQUARE))
        tall = engine.create(listing("tall", aspect_ratio=AspectRatio.PORTRAIT))
        assert (sim.state.jobs[square].width, sim.state.jobs[square].height) == (720, 720)
        assert (sim.state.jobs[tall].width, sim.state.jobs[tall].height) == (720, 1280)


class TestFaults:
    def test_429_burst_is_waited_out_for_reads(
        self, sim: HeyGenSimulator, sim_engine_sleeps: tuple[HeyGenEngine, list[float]]
    ) -> None:
        engine, sleeps = sim_engine_sleeps
        sim.inject("rate_limit", 2, retry_after=3)
        assert engine.voices()
        assert sleeps == [3.0, 3.0]

    def test_429_longer_than_the_budget_surfaces_retry_after(
        self, sim: HeyGenSimulator, engine: HeyGenEngine
    ) -> None:
        sim.inject("rate_limit", 5, retry_after=60)
        with pytest.raises(EngineUnavailable) as err:
            engine.avatars()
        assert err.value.retry_after == 60.0

    def test_5xx_on_reads_is_retried(self, sim: HeyGenSimulator, engine: HeyGenEngine) -> None:
        sim.inject("server_error", 2, status=503)
        assert engine.remaining_quota() is not None

    def test_5xx_after_create_was_taken_renders_once(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, version: str
    ) -> None:
        sim.inject("error_after_accept", method="POST")
        if version == "v3":  # re-sent with its Idempotency-Key: the first answer replayed
            assert engine.create(listing("job-lost")) == next(iter(sim.state.jobs))
        else:
            with pytest.raises(EngineOutcomeUnknown) as err:
                engine.create(listing("job-lost"))
            assert err.value.handle == "job-lost"
        assert len(sim.state.jobs) == 1  # rendered once, not twice

    def test_timeout_after_sending_create_is_unknown(
        self, sim: HeyGenSimulator, version: str
    ) -> None:
        # The answer comes a minute late: far past the client's patience however busy
        # the machine is (the server's handler threads are daemons; nobody waits for it).
        sim.inject("slow", method="POST", seconds=60)
        patience = httpx.Timeout(10.0, read=0.2)  # connecting may be slow; the answer may not
        with (
            HeyGenEngine(
                "sim-test-key",
                base_url=sim.base_url,
                api_version=version,
                timeout=patience,
                sleep=lambda s: None,
            ) as engine,
            pytest.raises(EngineOutcomeUnknown),
        ):
            engine.create(listing("job-slow"))  # v3 re-sends it with its key: 409, still running
        assert [j.callback_id for j in sim.state.jobs.values()] == ["job-slow"]

    def test_v3_concurrency_limit_is_a_429_v2_queues(
        self, sim: HeyGenSimulator, version: str
    ) -> None:
        with HeyGenEngine(
            "sim-test-key", base_url=sim.base_url, api_version=version, max_retries=0
        ) as engine:
            first = [engine.create(listing(f"j{i}")) for i in range(2)]
            if version == "v3":
                with pytest.raises(EngineUnavailable) as err:
                    engine.create(listing("j2"))
                assert err.value.retry_after and err.value.retry_after >= 1
                return
            third = engine.create(listing("j2"))
            sim.advance(RENDER + 1)
            assert all(engine.status(v).status is VideoStatus.COMPLETED for v in first)
            assert engine.status(third).status.in_flight
            sim.advance(RENDER + 1)
            assert engine.status(third).status is VideoStatus.COMPLETED


class TestWebhooks:
    def test_signed_delivery_verifies_and_parses(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, receiver: Receiver
    ) -> None:
        endpoint = engine.register_webhook(receiver.url)
        assert endpoint.secret
        listener = HeyGenEngine(
            "sim-test-key", base_url=sim.base_url, webhook_secret=endpoint.secret
        )
        video_id = engine.create(listing("job-hook"))
        sim.advance(RENDER + 1)
        assert sim.wait_for_webhooks()
        [(headers, body)] = receiver.received
        report = listener.parse_webhook(body, headers)
        assert report is not None and report.status is VideoStatus.COMPLETED
        assert (report.engine_video_id, report.handle) == (video_id, "job-hook")
        assert b"".join(engine.fetch(report.video_url or ""))[4:8] == b"ftyp"
        wrong = HeyGenEngine("k", base_url=sim.base_url, webhook_secret="not-the-secret")
        with pytest.raises(Exception, match="signature"):
            wrong.parse_webhook(body, headers)
        listener.close()
        wrong.close()

    def test_callback_url_gets_an_unsigned_copy(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, receiver: Receiver
    ) -> None:
        engine.create(listing("job-cb", callback_url=receiver.url))
        sim.advance(RENDER + 1)
        assert sim.wait_for_webhooks()
        [(headers, _)] = receiver.received
        assert "Signature" not in headers

    def test_failed_deliveries_are_retried(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, receiver: Receiver
    ) -> None:
        engine.register_webhook(receiver.url)
        receiver.fail_first = 2
        engine.create(listing())
        sim.advance(RENDER + 1)
        assert sim.wait_for_webhooks()
        assert len(receiver.received) == 1
        assert [a.status for a in sim.deliveries] == [500, 500, 200]

    def test_dropped_duplicated_unsolicited(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, receiver: Receiver
    ) -> None:
        endpoint = engine.register_webhook(receiver.url)
        listener = HeyGenEngine("k", base_url=sim.base_url, webhook_secret=endpoint.secret)

        def render(handle: str) -> list[object]:
            receiver.received.clear()
            engine.create(listing(handle))
            sim.advance(RENDER + 1)
            assert sim.wait_for_webhooks()
            return [listener.parse_webhook(body, headers) for headers, body in receiver.received]

        sim.inject("drop_webhook")
        assert render("dropped") == []
        sim.inject("duplicate_webhook")
        twice = render("twice")
        assert len(twice) == 2 and twice[0] == twice[1]
        sim.inject("unsolicited_webhook")
        extra = render("extra")
        assert len(extra) == 2 and extra.count(None) == 1  # the gif event is ignored
        listener.close()

    def test_out_of_order_deliveries(
        self, sim: HeyGenSimulator, engine: HeyGenEngine, receiver: Receiver
    ) -> None:
        endpoint = engine.register_webhook(receiver.url)
        listener = HeyGenEngine("k", base_url=sim.base_url, webhook_secret=endpoint.secret)
        sim.inject("reorder_webhooks")
        first = engine.create(listing("first"))
        sim.advance(1)
        second = engine.create(listing("second"))
        sim.advance(RENDER)
        sim.advance(2)
        assert sim.wait_for_webhooks()
        got = [listener.parse_webhook(b, h) for h, b in receiver.received]
        assert [r.engine_video_id for r in got if r] == [second, first]
        listener.close()


@pytest.fixture
def sim_engine_sleeps(sim: HeyGenSimulator, version: str) -> tuple[HeyGenEngine, list[float]]:
    sleeps: list[float] = []
    engine = HeyGenEngine(
        "sim-test-key", base_url=sim.base_url, api_version=version, sleep=sleeps.append
    )
    return engine, sleeps


def test_admin_endpoint_arms_faults_and_moves_the_clock(sim: HeyGenSimulator) -> None:
    with httpx.Client(base_url=sim.base_url) as admin:
        assert (
            admin.post("/_sim/faults", json={"kind": "server_error", "count": 1}).status_code == 200
        )
        assert admin.post("/_sim/faults", json={"kind": "nonsense"}).status_code == 400
        before = sim.clock.now()
        admin.post("/_sim/advance", json={"seconds": 100})
        assert sim.clock.now() >= before + 100
        answer = admin.get("/v2/voices", headers={"X-Api-Key": "sim-test-key"})
        assert answer.status_code == 500
        assert admin.get("/_sim/state").json()["faults"] == []
