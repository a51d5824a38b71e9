"""Map revideo's errors to HTTP answers: an HTML page, or JSON under /api/."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from revideo.domain.errors import (
    AuthError,
    Duplicate,
    EngineError,
    EngineRejected,
    EngineUnavailable,
    Forbidden,
    InvalidTransition,
    NotFound,
    StorageError,
    Unavailable,
    ValidationError,
)

STATUS: tuple[tuple[type[Exception], int], ...] = (
    (ValidationError, 400),
    (NotFound, 404),
    (Forbidden, 403),
    (Duplicate, 409),
    (InvalidTransition, 409),
    (EngineRejected, 422),
    (EngineUnavailable, 503),
    (EngineError, 502),
    (StorageError, 503),
)


def answer(message: str, status: int, field: str | None = None) -> Any:
    """The error as JSON for API calls, else as a page."""
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        body: dict[str, Any] = {"error": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    try:  # the page shows who is signed in: that reads the database
        return render_template("error.html", message=message, status=status, field=field), status
    except Unavailable as exc:
        from .guard import unavailable

        return unavailable(exc)


def _revideo(exc: Exception) -> Any:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return answer(_words(exc), status, getattr(exc, "field", None))
    return answer("something went wrong", 500)


def _words(exc: Exception) -> str:
    """The message with each field in the user's words ('To: ...', not 'date_to: ...')."""
    from revideo.domain.errors import FormErrors

    from ..labels import label_of

    if isinstance(exc, FormErrors):
        return "; ".join(f"{label_of(f)}: {m}" for f, m in exc.errors.items())
    if isinstance(exc, ValidationError):
        return f"{label_of(exc.field)}: {exc.message}"
    return str(exc)


def _auth(exc: AuthError) -> Any:
    if exc.code == "not_signed_in" and not request.path.startswith("/api/"):
        return redirect(url_for("auth.login", next=request.path))
    return answer(exc.message, 401)


def _http(exc: HTTPException) -> Any:
    return answer(exc.description or exc.name, exc.code or 500)


def _csrf(exc: CSRFError) -> Any:
    return answer(
        f"csrf_token: {exc.description} Reload the page and try again.", 400, "csrf_token"
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(AuthError, _auth)
    for kind, _ in STATUS:
        app.register_error_handler(kind, _revideo)
    app.register_error_handler(HTTPException, _http)
