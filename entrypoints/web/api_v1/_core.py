"""
What every API view shares: token authentication, problem answers, body parsing.

A request proves itself with `Authorization: Bearer <token>` only: the session
cookie is never read here, which is why these routes may skip the CSRF check
(a browser cannot be tricked into sending a bearer token). The token's user
acts under row-level security exactly as in the web app; a read token may
only read.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, TypeVar

import pydantic
from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from revideo.domain.errors import AuthError, RevideoError, TooLarge, Unavailable, ValidationError
from revideo.domain.profile import Actor

from .._support import svc
from ..errors import STATUS

M = TypeVar("M", bound=pydantic.BaseModel)
MAX_JSON = 1024 * 1024
PROBLEM = "application/problem+json"


class Problem(Exception):
    """An HTTP problem (RFC 9457) for the API's clients."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


def problem(status: int, detail: str, field: str | None = None) -> Response:
    from http import HTTPStatus

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="revideo"'
    return response


def bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def rate_key() -> str:
    """Flask-Limiter's key: the token (by hash), so each token has its own budget."""
    token = bearer()
    if not token:
        return f"api-anon:{request.remote_addr}"
    return "api-token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def authenticate() -> None:
    """before_request: the token's user becomes the request's actor (g.api_actor)."""
    token = bearer()
    use = svc().tokens.authenticate(token) if token else None
    if use is None:
        raise Problem(401, "send a valid API token: Authorization: Bearer rvd_...", "Authorization")
    if not use.token.allows(request.method):
        raise Problem(403, "this token may only read (its scope is read)", "Authorization")
    g.api_actor = use.actor
    g.api_token = use.token


def api_actor() -> Actor:
    actor: Actor = g.api_actor
    return actor


def body(model: type[M]) -> M:
    """The JSON body, parsed and checked against `model` (400 naming the field)."""
    if not request.is_json:
        raise Problem(415 if request.data else 400, "send a JSON body (application/json)", "body")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_JSON:
        raise Problem(413, f"the body is larger than {MAX_JSON // 1024} KB", "body")
    try:
        return model.model_validate_json(raw)
    except pydantic.ValidationError as exc:
        raise _invalid(exc, "body") from None


def query(model: type[M]) -> M:
    """The query arguments, checked against `model`."""
    try:
        return model.model_validate(request.args.to_dict())
    except pydantic.ValidationError as exc:
        raise _invalid(exc, "query") from None


def _invalid(exc: pydantic.ValidationError, where: str) -> Problem:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or where
    return Problem(400, first["msg"], field)


def idempotency_key() -> str | None:
    """The Idempotency-Key header as a canonical UUID (400 if it is not one)."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise Problem(400, "must be a UUID", "Idempotency-Key") from None


def out(model: type[pydantic.BaseModel], value: Any, status: int = 200) -> Response:
    """`value` (a domain value or a dict) as `model` JSON."""
    data = model.model_validate(value).model_dump(mode="json")
    response = jsonify(data)
    response.status_code = status
    return response


def _revideo(exc: RevideoError) -> Response:
    if isinstance(exc, AuthError):
        return problem(401, exc.message, "Authorization")
    if isinstance(exc, Unavailable):
        return problem(503, "the database cannot be reached right now; try again in a minute")
    if isinstance(exc, TooLarge):
        return problem(413, str(exc), "body")
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return problem(status, str(exc), getattr(exc, "field", None))
    current_app.logger.exception("unexpected error in the API")
    return problem(500, "something went wrong")


def _http(exc: HTTPException) -> Response:
    code = exc.code or 500
    return problem(code, exc.description or exc.name, "body" if code == 413 else None)


def init_blueprint(bp: Blueprint) -> None:
    """Token auth and problem answers for one of the API's blueprints."""
    bp.before_request(authenticate)
    bp.register_error_handler(Problem, lambda e: problem(e.status, e.detail, e.field))
    bp.register_error_handler(RevideoError, _revideo)
    bp.register_error_handler(HTTPException, _http)


__all__ = ["ValidationError"]
