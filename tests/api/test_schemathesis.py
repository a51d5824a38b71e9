"""
Schemathesis over every operation of the published OpenAPI document, against the live
app (waitress, embedded PostgreSQL, RLS on), each user with their own token: no answer
is a 5xx, and every answer matches the document (status code, content type, schema).
The budget is small on purpose (a few examples per operation): the suite stays fast,
and the examples differ from run to run.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Agent, Api
from tests.api.test_api import HOME

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def agents(api: Api) -> list[Agent]:
    """Two users, each with a property (and one a video) for the examples to meet."""
    found = [api.agent("fuzz-a@example.test"), api.agent("fuzz-b@example.test")]
    for agent in found:
        prop = agent.http.post("/api/v1/properties", json=HOME).json()
        agent.http.post("/api/v1/videos", json={"property_id": prop["id"], "generate": False})
    return found


def operations(api: Api) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_keeps_to_the_document(api: Api, agents: list[Agent]) -> None:
    """Each operation in turn (schemathesis' own pytest loader does not run on pytest 9)."""
    ops = operations(api)
    assert len(ops) >= 17  # every declared route is in the document
    for n, op in enumerate(ops):
        fuzz(op, {"Authorization": f"Bearer {agents[n % len(agents)].token}"})


def fuzz(op: Any, auth: dict[str, str]) -> None:
    @given(case=op.as_strategy())
    @settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers=auth, checks=CHECKS, timeout=60)

    run()
