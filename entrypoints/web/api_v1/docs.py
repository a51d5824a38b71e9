"""The API's OpenAPI document and a docs page (Swagger UI from the installed
flask-swagger-ui package: no CDN, and no inline script, so the app's CSP holds)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, send_from_directory

from .spec import document

bp = Blueprint("api_docs", __name__, url_prefix="/api")
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js")


@functools.lru_cache(maxsize=1)
def _dist() -> Path:
    import flask_swagger_ui

    return Path(flask_swagger_ui.__file__).parent / "dist"


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 document of the API, generated from the code."""
    return jsonify(document())


@bp.get("/docs")
def docs() -> Any:
    """A readable page over the document."""
    return render_template("api/docs.html")


@bp.get("/docs/assets/<name>")
def asset(name: str) -> Any:
    """Swagger UI's files, straight from the installed package."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(_dist(), name, max_age=86400)
