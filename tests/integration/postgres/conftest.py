"""Fixtures of the PostgreSQL tests: three users on a clean, migrated database."""

from __future__ import annotations

from typing import Any

import pytest

from revideo.domain.profile import Role
from tests.contract.conftest import World


@pytest.fixture
def world(pg_database: Any) -> World:
    """alice and bob (users) and an admin, on the `pg_database` fixture."""
    return World(
        db=pg_database,
        alice=pg_database.add_user("alice@example.test"),
        bob=pg_database.add_user("bob@example.test"),
        admin=pg_database.add_user("admin@example.test", role=Role.ADMIN),
    )
