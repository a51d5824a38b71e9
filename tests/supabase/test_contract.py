"""
The repository contract suite (tests/contract), run unchanged against the
Supabase adapter served by the loopback stand-in: the test classes are
imported here, and this folder's `backend` fixture is the Supabase backend.
The multi-row scenarios (tests/contract/test_multirow_writes.py) run on
Supabase in test_multirow_rpc.py, with the same checks and one more: what
reached PostgREST.
"""

from tests.contract.conftest import world  # noqa: F401  (the suite's fixture)
from tests.contract.test_access import *  # noqa: F403
from tests.contract.test_ad_imports import *  # noqa: F403
from tests.contract.test_analytics_cuts import *  # noqa: F403
from tests.contract.test_api_tokens import *  # noqa: F403
from tests.contract.test_atomicity import *  # noqa: F403
from tests.contract.test_profiles_properties import *  # noqa: F403
from tests.contract.test_render_costs import *  # noqa: F403
from tests.contract.test_videos_ads import *  # noqa: F403
from tests.contract.test_webhooks import *  # noqa: F403
