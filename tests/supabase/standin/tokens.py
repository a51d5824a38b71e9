"""HS256 JWTs signed with the stand-in's test secret (pyjwt), as a Supabase project issues them."""

from __future__ import annotations

import time
from typing import Any

import jwt

SECRET = "revideo-standin-jwt-secret-at-least-32-characters"
LIFETIME = 3600


def sign(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256")


def api_key(role: str) -> str:
    """A project API key: the anon or service_role JWT."""
    return sign({"iss": "supabase-standin", "role": role, "iat": int(time.time())})


def user_token(user_id: str, email: str, lifetime: int = LIFETIME) -> tuple[str, int]:
    """An access token for a user and its expiry (epoch seconds)."""
    now = int(time.time())
    exp = now + lifetime
    claims = {
        "sub": user_id,
        "email": email,
        "role": "authenticated",
        "aud": "authenticated",
        "iat": now,
        "exp": exp,
    }
    return sign(claims), exp


class BadToken(Exception):
    """The bearer token is not one of ours, or has expired."""


def claims_of(header: str | None) -> dict[str, Any]:
    """The verified claims of an `Authorization: Bearer` header; anon when there is none."""
    token = (header or "").removeprefix("Bearer ").strip()
    if not token:
        return {"role": "anon"}
    try:
        return dict(jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_aud": False}))
    except jwt.PyJWTError as exc:
        raise BadToken(str(exc)) from None
