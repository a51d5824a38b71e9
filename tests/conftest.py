import pytest

from tests.support import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()
