"""A process killed (SIGKILL) while its import streams through COPY leaves no rows behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.fixtures.postgres import PgServer
from tests.integration.ad_import.conftest import Agent

pytestmark = pytest.mark.integration

CHILD = """
import sys
from revideo.adapters.postgres import PostgresDatabase
from revideo.domain.profile import Actor
from tests.support import Clock, memory_services
dsn, user_id, path = sys.argv[1:]
svc = memory_services(Clock(), backend=PostgresDatabase.connect(dsn, min_size=1, max_size=1))
with open(path, "rb") as f:
    svc.ad_import.commit(Actor.user(user_id), f)
print("finished")
"""
COPYING = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE state = 'active' AND query LIKE 'COPY ad_import_staging%%'"
)


def export(agent: Agent, path: Path, days: int) -> None:
    with path.open("w") as out:
        out.write("Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n")
        for i in range(days):
            day = f"{1900 + i // 336}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
            for video in (agent.villa, agent.loft):
                out.write(f"C,Ad {video[:8]},{day},{i % 90}.25,{i},{i % 50},{i % 3}\n")


def test_killed_during_copy_leaves_nothing(
    agent: Agent, pg_server: PgServer, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    export(agent, path, 30_000)  # 60,000 keys: COPY runs for a second or more
    root = Path(__file__).resolve().parents[3]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, pg_server.app, agent.actor.user_id or "", str(path)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    with psycopg.connect(pg_server.admin, autocommit=True) as admin:
        deadline = time.monotonic() + 60
        while not _scalar(admin, COPYING):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)  # mid-COPY, as the OOM killer or a power cut would
        child.wait()
        while _scalar(admin, COPYING):  # the server notices the dead client and aborts
            time.sleep(0.02)
        assert _scalar(admin, "SELECT count(*) FROM public.ad_performance") == 0
    with path.open("rb") as again:
        done = agent.svc.ad_import.commit(agent.actor, again)
    assert done.added == 60_000 and done.updated == 0


def _scalar(conn: Any, query: str) -> int:
    return int(conn.execute(query).fetchone()[0])
