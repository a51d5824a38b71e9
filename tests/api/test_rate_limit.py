"""Each token has its own request budget (REVIDEO_API_RATE_LIMIT), answered as a problem."""

from __future__ import annotations

from revideo.domain.profile import Actor
from revideo.entrypoints.web import create_app
from tests.support import Clock, memory_services


def test_one_token_spent_leaves_the_other_untouched() -> None:
    services = memory_services(Clock())
    app = create_app(services, {"RATELIMIT_API": "2 per hour", "TESTING": True})
    alice = services.backend.add_user("alice@example.test")
    bob = services.backend.add_user("bob@example.test")
    tokens = services.tokens
    first = tokens.create(Actor.user(alice.id), "a", "read").secret
    second = tokens.create(Actor.user(bob.id), "b", "read").secret
    client = app.test_client()

    def get(token: str) -> int:
        return client.get("/api/v1/token", headers={"Authorization": f"Bearer {token}"}).status_code

    assert [get(first), get(first)] == [200, 200]
    limited = client.get("/api/v1/token", headers={"Authorization": f"Bearer {first}"})
    assert limited.status_code == 429
    assert limited.content_type.startswith("application/problem+json")
    assert get(second) == 200
