"""Webhook delivery end to end on the in-memory backend, over real HTTP on loopback:
signed with Standard Webhooks, retried with backoff, logged, re-sent, and an endpoint
that fails for days switched off (an injected clock moves the days)."""

from __future__ import annotations

import json
from datetime import timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from revideo.adapters.http_fetch.webhooks import HttpWebhookSender
from revideo.domain.errors import ValidationError
from revideo.domain.profile import Actor
from revideo.domain.webhooks import (
    BACKOFF,
    DISABLE_AFTER,
    Answer,
    MessageStatus,
    WebhookEndpoint,
    WebhookMessage,
    after_attempt,
)
from revideo.services.webhooks import queue_event
from tests.api.receiver import receiving
from tests.support import Clock, memory_services, sample_property, user


def setup(clock: Clock):  # type: ignore[no-untyped-def]
    services = memory_services(clock)
    hooks = attrs.evolve(services.webhooks, sender=HttpWebhookSender(allow_private=True))
    return services, hooks, user(services.backend, "crm@example.test")


def failed_video(services, actor, clock: Clock):  # type: ignore[no-untyped-def]
    """A render that the engine fails, seen by the pipeline (which queues video.failed)."""
    from revideo.domain.video import VideoStatus
    from revideo.services.videos import VideoInput

    services.engine.fail_next("the presenter could not be loaded")
    prop = services.properties.create(actor, sample_property())
    ask = VideoInput(property_id=prop.id, title="Tour", script_content="Welcome home.",
                     avatar_id="fake-anna", voice_id="fake-voice-en")  # fmt: skip
    video, _ = services.videos.create(actor, ask)
    clock.advance(hours=1)
    services.pipeline.sync()
    failed = services.videos.get(actor, video.id)
    assert failed.status is VideoStatus.FAILED
    return failed


class TestDelivery:
    def test_a_delivery_is_signed_and_verifiable(self) -> None:
        clock = Clock()
        services, hooks, actor = setup(clock)
        with receiving(204) as rx:
            endpoint = hooks.add_endpoint(actor, rx.url, ["video.failed"])
            video = failed_video(services, actor, clock)
            assert hooks.deliver().changed == 1
            got = rx.next()
        event = Webhook(endpoint.secret).verify(got.body, got.headers)
        assert event["type"] == "video.failed" and event["data"]["id"] == video.id
        forged = {**got.headers, "webhook-signature": "v1,AAAA"}
        with pytest.raises(WebhookVerificationError):
            Webhook(endpoint.secret).verify(got.body, forged)
        [logged] = hooks.messages(actor, endpoint.id)
        assert logged.status is MessageStatus.DELIVERED and logged.last_status == 204
        assert got.headers["webhook-id"] == logged.id

    def test_failures_wait_their_backoff_then_a_resend_goes_out(self) -> None:
        clock = Clock()
        services, hooks, actor = setup(clock)
        with receiving(500, 500, 200) as rx:
            endpoint = hooks.add_endpoint(actor, rx.url, ["video.failed"])
            failed_video(services, actor, clock)
            assert hooks.deliver().failed == 1
            assert hooks.deliver().checked == 0  # not due before its backoff
            clock.advance(seconds=BACKOFF[0].total_seconds())
            assert hooks.deliver().failed == 1
            first, second = rx.next(), rx.next()
            assert first.headers["webhook-id"] == second.headers["webhook-id"]
            [logged] = hooks.messages(actor, endpoint.id)
            assert (logged.attempts, logged.last_status, logged.status) == (
                2, 500, MessageStatus.PENDING
            )  # fmt: skip
            hooks.resend(actor, logged.id)  # from the UI: now, not after the backoff
            assert hooks.deliver().changed == 1
        assert hooks.messages(actor, endpoint.id)[0].status is MessageStatus.DELIVERED

    def test_an_endpoint_failing_for_days_is_switched_off_and_its_owner_told(self) -> None:
        clock = Clock()
        services, hooks, actor = setup(clock)
        with receiving(503) as rx:
            endpoint = hooks.add_endpoint(actor, rx.url, ["video.failed"])
            failed_video(services, actor, clock)
            while hooks.endpoints(actor)[0].enabled:
                hooks.deliver()
                clock.advance(days=1)
                with services.backend.unit_of_work(Actor.service()) as uow:  # new events come
                    queue_event(uow, actor.user_id, "video.failed", {}, str(clock.now), clock.now)
        off = hooks.endpoints(actor)[0]
        assert not off.enabled and off.disabled_reason and off.failing_since is not None
        assert clock.now - off.failing_since >= DISABLE_AFTER
        mail = services.mailer.outbox[-1]  # type: ignore[attr-defined]
        assert mail.to == "crm@example.test" and endpoint.url in mail.body
        clock.advance(days=1)
        assert hooks.deliver().checked == 0  # nothing more goes to a disabled endpoint
        assert hooks.enable(actor, endpoint.id).enabled

    def test_bad_endpoints_are_refused_naming_the_field(self) -> None:
        _, hooks, actor = setup(Clock())
        for url, events, field in (
            ("ftp://x", ["video.failed"], "url"),
            ("http://example.com/h", ["video.exploded"], "events"),
            ("http://example.com/h", [], "events"),
        ):
            with pytest.raises(ValidationError) as refused:
                hooks.add_endpoint(actor, url, events)
            assert refused.value.field == field

    def test_a_private_endpoint_is_not_called_without_the_setting(self) -> None:
        with receiving(204) as rx:
            answer = HttpWebhookSender().send(rx.url, "whsec_" + "A" * 32, "m1", "{}")
            assert rx.got.empty()
        assert answer.status is None and "public" in answer.body

    def test_the_delivery_goes_to_the_address_that_was_checked(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """DNS rebinding: the name first answers an allowed address, then an internal one.
        The delivery must reach the allowed one (and say the endpoint's name in Host)."""
        import socket

        with receiving(204, host="127.0.0.2") as allowed:
            port = int(allowed.url.split(":")[2].split("/")[0])
            with receiving(204, host="127.0.0.1", port=port) as internal:
                answers = iter(["127.0.0.2"])  # then 127.0.0.1 for every later lookup

                def rebinding(host: str, *args: object, **kwargs: object) -> list[tuple]:
                    ip = host if host[0].isdigit() else next(answers, "127.0.0.1")
                    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

                monkeypatch.setattr(socket, "getaddrinfo", rebinding)
                sender = HttpWebhookSender(allowed=lambda ip: ip == "127.0.0.2")
                secret = "whsec_" + "A" * 32
                answer = sender.send(f"http://hooks.crm.test:{port}/h", secret, "m1", "{}")
                assert answer.status == 204, answer
                assert allowed.next().headers["host"] == f"hooks.crm.test:{port}"
                assert internal.got.empty()


ENDPOINT = WebhookEndpoint(id="e", user_id="u", url="http://x", events=("video.failed",),
                           secret="whsec_x")  # fmt: skip


@settings(max_examples=40)
@given(st.lists(st.sampled_from([200, 204, 400, 500, None]), min_size=1, max_size=12))
def test_backoff_and_disabling_follow_the_schedule(answers: list[int | None]) -> None:
    """Attempts never exceed the schedule; success resets the endpoint's failure clock."""
    now = Clock()()
    message = WebhookMessage(id="m", endpoint_id="e", user_id="u", event_type="video.failed",
                             payload={}, dedupe_key="k", next_attempt_at=now)  # fmt: skip
    endpoint = ENDPOINT
    for status in answers:
        if message.status is not MessageStatus.PENDING:
            break
        before = message.attempts
        message, endpoint = after_attempt(message, endpoint, Answer(status, ""), now)
        assert message.attempts == before + 1
        if status is not None and status < 300:
            assert message.status is MessageStatus.DELIVERED and endpoint.failing_since is None
        elif message.status is MessageStatus.PENDING:
            assert message.next_attempt_at == now + BACKOFF[before]
        else:
            assert message.attempts == len(BACKOFF) + 1
        now += timedelta(days=1)
    assert message.attempts <= len(BACKOFF) + 1
    assert json.dumps(message.payload) == "{}"
