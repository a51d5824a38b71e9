"""
Personal access tokens behind the unit of work (errors as in repositories.py).

A user sees and revokes only their own tokens (even an admin); finding a token
by its hash is the system's (service_role), as resolving a session is.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Protocol

from revideo.domain.api_tokens import ApiToken


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken, submission_key: str | None = None) -> ApiToken:
        """Insert the actor's own token; Duplicate if its hash is taken, or if this owner
        used `submission_key` (a UUID) before."""
        ...

    def list(self) -> builtins.list[ApiToken]:
        """The actor's tokens, newest first (revoked ones too)."""
        ...

    def revoke(self, token_id: str, at: datetime) -> ApiToken:
        """Revoke one of the actor's tokens (a revoked one stays as it was); NotFound else."""
        ...

    def use(self, token_hash: str, at: datetime) -> ApiToken | None:
        """System only: the live token with this hash, its last use set to `at`; else None."""
        ...
