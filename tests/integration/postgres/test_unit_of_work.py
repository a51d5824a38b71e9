"""
The PostgreSQL unit of work: reads that no write precedes run in the
pipeline's implicit transaction (no BEGIN, no COMMIT round trip); writes
begin one transaction that reads then share and a failure rolls back.
"""

from __future__ import annotations

from typing import Any

import pytest
from psycopg.pq import TransactionStatus

from revideo.domain.errors import NotFound
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, VideoFilter
from tests.contract.conftest import World, a_video

pytestmark = pytest.mark.integration


def status(uow: Any) -> TransactionStatus:
    return uow._conn.info.transaction_status  # type: ignore[no-any-return]


def test_reads_alone_open_no_transaction_and_rls_still_decides(world: World) -> None:
    alice, bob = world.owned(world.alice), world.owned(world.bob)
    with world.uow(world.alice) as uow:
        page = uow.videos.list(VideoFilter(), PageRequest())
        assert status(uow) == TransactionStatus.IDLE
        assert [v.id for v in page.items] == [alice.video.id] and page.total == 1
        assert uow.videos.get(alice.video.id).title == alice.video.title
        with pytest.raises(NotFound):
            uow.videos.get(bob.video.id)  # bob's row is invisible, not merely filtered
        assert uow.analytics.summary(AdFilter()).ads.leads == alice.ad.leads
        assert status(uow) == TransactionStatus.IDLE
    with world.uow(world.admin) as uow:
        assert uow.videos.list(VideoFilter(), PageRequest()).total == 2


def test_no_role_or_claims_stay_on_the_pooled_connection(world: World) -> None:
    world.owned(world.alice)
    with world.uow(Actor.service()) as uow:
        assert uow.videos.list(VideoFilter(), PageRequest()).total == 1
        used = uow._conn._conn
    # back in the pool, idle: ask it directly what the next user would inherit
    row = used.execute(
        "SELECT current_user, session_user, current_setting('request.jwt.claims', true) AS claims"
    ).fetchone()
    assert row["current_user"] == row["session_user"]  # the login role (authenticator)
    assert not row["claims"]


def test_a_write_begins_one_transaction_that_later_reads_share(world: World) -> None:
    mine = world.owned(world.alice)
    with world.uow(world.alice) as uow:
        assert uow.videos.list(VideoFilter(), PageRequest()).total == 1
        added = uow.videos.add(a_video(world.alice.id, mine.prop.id, title="Second tour"))
        assert status(uow) == TransactionStatus.INTRANS
        assert uow.videos.list(VideoFilter(), PageRequest()).total == 2
        assert uow.videos.get(added.id).title == "Second tour"


def test_a_failure_after_reads_and_writes_rolls_the_writes_back(world: World) -> None:
    mine = world.owned(world.alice)
    with pytest.raises(RuntimeError), world.uow(world.alice) as uow:
        uow.videos.list(VideoFilter(), PageRequest())
        uow.videos.add(a_video(world.alice.id, mine.prop.id, title="Never kept"))
        raise RuntimeError("the request failed half-way")
    with world.uow(world.alice) as uow:
        titles = [v.title for v in uow.videos.list(VideoFilter(), PageRequest()).items]
    assert titles == [mine.video.title]


def test_a_write_inside_a_read_pipeline_is_refused_before_it_is_sent(world: World) -> None:
    mine = world.owned(world.alice)
    refused = pytest.raises(RuntimeError, match="read-only pipeline")
    with world.uow(world.alice) as uow, uow._conn.reading(), refused:
        uow._conn.execute("DELETE FROM public.videos WHERE id = %s", [mine.video.id])
    with world.uow(world.alice) as uow:
        assert uow.videos.get(mine.video.id).id == mine.video.id
