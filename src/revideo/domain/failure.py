"""
Why a render attempt failed, as a type: the retry policy reads the kind, never the text.

The kind is set from the exception or report that ended the attempt (engine
adapters map their own error codes to it); the message beside it is for people.
"""

from __future__ import annotations

import enum


class FailureKind(enum.Enum):
    # The engine never took the render: sending it again cannot pay twice.
    BUSY = "busy"
    # The engine took the render and then failed it for a passing reason.
    RENDER_FAILED = "render_failed"
    # Still unfinished long after it started: it may still be rendering (and billed).
    STUCK = "stuck"
    # The engine no longer knows the render it gave us.
    GONE = "gone"
    # The create call's answer was lost and re-sending it could render twice
    # (no idempotency key): it waits for the engine's webhook or a user's decision.
    OUTCOME_UNKNOWN = "outcome_unknown"
    # The API key is wrong or has no API access.
    UNAUTHORIZED = "unauthorized"
    # The engine refused the request (EngineRejected.reason) or failed the render for it.
    UNKNOWN_AVATAR = "unknown_avatar"
    UNKNOWN_VOICE = "unknown_voice"
    UNSUPPORTED_AVATAR = "unsupported_avatar"
    SCRIPT_TOO_LONG = "script_too_long"
    NO_CREDIT = "no_credit"
    TRIAL_LIMIT = "trial_limit"
    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"

    @property
    def retry_worthy(self) -> bool:
        """Whether a new attempt, started by the system, could succeed without paying twice."""
        return self in _RETRY_WORTHY

    @classmethod
    def of_reason(cls, reason: str) -> FailureKind:
        """The kind for an EngineRejected reason (an unknown reason: INVALID_REQUEST)."""
        try:
            kind = cls(reason)
        except ValueError:
            return cls.INVALID_REQUEST
        return kind if kind in _REASONS else cls.INVALID_REQUEST


_RETRY_WORTHY = frozenset({FailureKind.BUSY, FailureKind.RENDER_FAILED})
_REASONS = frozenset(
    {
        FailureKind.UNKNOWN_AVATAR,
        FailureKind.UNKNOWN_VOICE,
        FailureKind.UNSUPPORTED_AVATAR,
        FailureKind.SCRIPT_TOO_LONG,
        FailureKind.NO_CREDIT,
        FailureKind.TRIAL_LIMIT,
        FailureKind.INVALID_REQUEST,
        FailureKind.NOT_FOUND,
    }
)


def kind_of(exc: Exception) -> FailureKind:
    """The failure kind an engine error stands for (by its type, and a rejection's reason)."""
    from revideo.domain.errors import (
        EngineOutcomeUnknown,
        EngineRejected,
        EngineUnauthorized,
        EngineUnavailable,
    )

    if isinstance(exc, EngineUnavailable):
        return FailureKind.BUSY
    if isinstance(exc, EngineUnauthorized):
        return FailureKind.UNAUTHORIZED
    if isinstance(exc, EngineOutcomeUnknown):
        return FailureKind.OUTCOME_UNKNOWN
    if isinstance(exc, EngineRejected):
        return FailureKind.of_reason(exc.reason)
    return FailureKind.INVALID_REQUEST
