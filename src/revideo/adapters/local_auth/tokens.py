"""
Stateless, expiring, single-use tokens for confirmation and reset links.

A token is `<user id>.<expiry>.<signature>`. The signature is an HMAC keyed
by the server secret *and the user's current password hash*, over the
purpose, the user id, the expiry and the account state the token may act on
(unconfirmed for a confirmation). Using a token changes that state (the
account becomes confirmed, the hash changes), so the same token can never
work twice, and changing a password voids every reset link sent before.
Nothing needs storing, and links survive restarts and span processes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from revideo.adapters.local_auth.store import Credential
from revideo.domain.errors import AuthError
from revideo.domain.parsing import is_ascii_digits, same_secret

CONFIRM = "confirm"
RESET = "reset"


def _state(purpose: str, cred: Credential) -> str:
    if purpose == CONFIRM:
        return "unconfirmed" if cred.confirmed_at is None else "confirmed"
    return cred.email


def _signature(secret: bytes, purpose: str, cred: Credential, expiry: int) -> str:
    key = secret + b"\x00" + cred.password_hash.encode()
    msg = "|".join((purpose, cred.user_id, str(expiry), _state(purpose, cred))).encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make(secret: bytes, purpose: str, cred: Credential, expires: datetime) -> str:
    """A token for `cred` that is good for `purpose` until `expires`."""
    expiry = int(expires.timestamp())
    return f"{cred.user_id}.{expiry}.{_signature(secret, purpose, cred, expiry)}"


def user_of(token: str) -> str:
    """The user id a token claims to be for; AuthError('invalid_token') if malformed."""
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or not parts[0] or len(parts[0]) > 64:
        raise AuthError("invalid_token", "this link is not valid")
    if not is_ascii_digits(parts[1]) or len(parts[1]) > 12:
        raise AuthError("invalid_token", "this link is not valid")
    return parts[0]


def check(secret: bytes, purpose: str, cred: Credential, token: str, now: datetime) -> None:
    """AuthError('invalid_token') unless the token is genuine, fresh and still usable."""
    user_id, expiry, signature = token.strip().split(".")
    expected = _signature(secret, purpose, cred, int(expiry))
    if user_id != cred.user_id or not same_secret(signature, expected):
        raise AuthError("invalid_token", "this link is not valid or was used already")
    if int(expiry) < now.timestamp():
        raise AuthError("invalid_token", "this link has expired; ask for a new one")
