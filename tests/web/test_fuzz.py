"""Arbitrary form data and files on every POST route: never a 500, never a half-written record."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from tests.web.conftest import new_property, new_video

NAMES = [
    "title",
    "category",
    "description",
    "address.city",
    "specs.price",
    "specs.beds",
    "specs.baths",
    "specs.amenities",
    "action",
    "photo",
    "back",
    "order",
    "move",
    "video_id",
    "platform",
    "date_recorded",
    "spend_amount",
    "impressions",
    "clicks",
    "leads",
    "property_id",
    "avatar_id",
    "voice_id",
    "script_content",
    "purpose",
    "aspect_ratio",
    "role",
    "email",
    "password",
    "password_confirm",
    "token",
    "rewrite",
]
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "-1", "0", "1e9", "residential", "meta", "2026-11-20", "upload", "up", "next", "admin"]
    ),
)
forms = st.dictionaries(st.sampled_from(NAMES), values, max_size=8)
blobs = st.lists(st.binary(max_size=64), max_size=2)


def routes(o: dict[str, str]) -> list[str]:
    return [
        "/properties/new/basics",
        "/properties/new/address",
        "/properties/new/specs",
        "/properties/new/photos",
        "/properties/new/review",
        f"/properties/{o['pid']}/edit",
        f"/properties/{o['pid']}/photos",
        f"/properties/{o['pid']}/photos/order",
        "/videos/new/property",
        "/videos/new/presenter",
        "/videos/new/script",
        "/videos/new/options",
        f"/videos/{o['vid']}/retry",
        "/ads/new",
        f"/admin/users/{o['uid']}/role",
        "/auth/login",
        "/auth/register",
        "/auth/reset",
        "/auth/reset/new",
        "/api/heygen/webhook",
        "/api/cron/sync-status",
    ]


def counts(services: Any) -> tuple[int, int, int]:
    from revideo.domain.page import PageRequest

    with services.backend.unit_of_work(Actor.service()) as uow:
        one = PageRequest(1, 1)
        return (
            uow.properties.list(PropertyFilter(), one).total,
            uow.videos.list(VideoFilter(), one).total,
            uow.ads.list(AdFilter(), one).total,
        )


def test_no_post_route_breaks(alice: Any, users: Any, services: Any) -> None:
    pid = new_property(alice)
    o = {"pid": pid, "vid": new_video(alice, pid), "uid": users.make("carol@example.com")}
    urls = routes(o)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(urls), forms, blobs)
    def post(url: str, form: dict[str, str], files: list[bytes]) -> None:
        before = counts(services)
        data: dict[str, Any] = dict(form)
        if files:
            data["photos"] = [(io.BytesIO(b), f"f{i}.png") for i, b in enumerate(files)]
        answer = alice.post(url, data=data, content_type="multipart/form-data")
        assert answer.status_code < 500, (url, form, answer.text[:300])
        if answer.status_code >= 400:
            assert counts(services) == before, (url, form)

    post()
