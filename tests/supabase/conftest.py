"""The Supabase adapter's tests: the stand-in fixtures, and the contract suite's `backend`."""

from __future__ import annotations

import pytest

from revideo.adapters.supabase import SupabaseBackend
from tests.supabase.fixtures import standin, supabase_backend  # noqa: F401  (fixtures)


@pytest.fixture
def backend(supabase_backend: SupabaseBackend) -> SupabaseBackend:  # noqa: F811
    """The contract suite's backend (tests/contract), here always Supabase."""
    return supabase_backend
