import pytest

from tests.support import Clock

pytest_plugins = ["tests.fixtures.postgres"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first. With one process per core (pytest-xdist) the run then ends on quick
    tests that share out evenly, not on a few long ones that leave a core idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
