"""Fixtures: a counting HeyGen simulator on a frozen clock, and a Rig over PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.pipeline.harness import KEY, CountingSimulator, Rig, build_rig


@pytest.fixture(scope="session")
def sim_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pipeline-sim-media")


@pytest.fixture
def sim(sim_media: Path) -> Iterator[CountingSimulator]:
    with CountingSimulator(
        KEY,
        speed=0,
        media_dir=sim_media,
        webhook_retry_delay=0.01,
        concurrency=1000,
        credits=100_000,
        allow_http_loopback=True,
    ) as simulator:
        yield simulator


@pytest.fixture
def rig(sim: CountingSimulator, pg_database: Any, tmp_path: Path) -> Iterator[Rig]:
    world = build_rig(sim, pg_database, tmp_path)
    try:
        yield world
    finally:
        world.engine.close()
