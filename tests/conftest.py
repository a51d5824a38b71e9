import pytest

from tests.support import Clock

pytest_plugins = ["tests.fixtures.postgres"]


@pytest.fixture
def clock() -> Clock:
    return Clock()
