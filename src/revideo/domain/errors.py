"""
The one error hierarchy of revideo, rooted at RevideoError.

Every error carries the data a caller needs to react (which field, which
record, which status), and a message fit to show to a user.
"""

from __future__ import annotations


class RevideoError(Exception):
    """Base for every error revideo raises on purpose."""


class ValidationError(RevideoError, ValueError):
    """A value broke a rule; `field` names the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FormErrors(ValidationError):
    """Several fields are wrong at once: `errors` maps each field to its message (in order).

    It is a ValidationError naming the first, so code that expects one still works.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        if not errors:
            raise ValueError("FormErrors needs at least one error")
        field, message = next(iter(errors.items()))
        super().__init__(field, message)
        self.errors = dict(errors)
        self.args = ("; ".join(f"{f}: {m}" for f, m in errors.items()),)


class NotFound(RevideoError, LookupError):
    """There is no such record, or the caller may not see it."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class Forbidden(RevideoError):
    """The caller can see the record but may not do this to it."""

    def __init__(self, action: str, kind: str, key: str) -> None:
        super().__init__(f"not allowed to {action} {kind} {key}")
        self.action = action
        self.kind = kind
        self.key = key


class Duplicate(RevideoError):
    """A record with the same unique key exists already."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} exists already")
        self.kind = kind
        self.key = key


class InvalidTransition(RevideoError):
    """A video was asked for a status its current status forbids."""

    def __init__(self, video_id: str, current: str, wanted: str) -> None:
        super().__init__(f"video {video_id}: cannot {wanted} while {current}")
        self.video_id = video_id
        self.current = current
        self.wanted = wanted


class ConfigError(RevideoError):
    """A setting is missing or malformed; `setting` names it."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.message = message


class Unavailable(ConfigError):
    """A service revideo needs (the database) cannot be reached right now; retry later."""


class AuthError(RevideoError):
    """Signing up, in or out failed; `code` says why (see Identity)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class StorageError(RevideoError):
    """A media file could not be stored, read or removed."""


class TooLarge(StorageError):
    """The store refuses a file over its size limit (`limit` bytes, when known).

    `setting` names where the limit is raised; retrying the same file will not help.
    """

    def __init__(self, message: str, limit: int | None, setting: str) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.setting = setting


class EngineError(RevideoError):
    """Base for failures of a video engine."""


class EngineRejected(EngineError):
    """The engine refused the request; retrying the same request will not help.

    `reason` is one of: unknown_avatar, unknown_voice, unsupported_avatar,
    script_too_long, no_credit, trial_limit, invalid_request, not_found.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class EngineUnavailable(EngineError):
    """The engine is busy or down (429, 5xx, timeout): retry later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class EngineUnauthorized(EngineError):
    """The API key is wrong, or the account has no API access."""


class EngineOutcomeUnknown(EngineError):
    """A create request may or may not have been accepted (e.g. a timeout
    after sending). It must not be re-sent blindly: reconcile instead."""

    def __init__(self, handle: str, message: str) -> None:
        super().__init__(message)
        self.handle = handle
        self.message = message


class WebhookRejected(EngineError):
    """A webhook delivery failed verification or could not be parsed."""
