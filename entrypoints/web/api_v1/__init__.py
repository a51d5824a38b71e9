"""
The JSON API for CRMs and listing tools: /api/v1 (see spec.py for its document),
the reference's POST /api/heygen/generate, /api/openapi.json and the docs page.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from . import _core

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
generate_bp = Blueprint("api_generate", __name__, url_prefix="/api/heygen")
for _blueprint in (bp, generate_bp):
    _core.init_blueprint(_blueprint)


def init_app(app: Flask) -> None:
    """Register the API; token-authenticated, so without CSRF tokens, and rate-limited
    per token (REVIDEO_API_RATE_LIMIT)."""
    from . import ads, docs, hooks, properties, videos  # noqa: F401  (they declare the routes)

    for blueprint in (bp, generate_bp):
        app.register_blueprint(blueprint)
        app.extensions["csrf"].exempt(blueprint)
        limiter = app.extensions["revideo_limiter"]
        limiter.limit(app.config["RATELIMIT_API"], key_func=_core.rate_key)(blueprint)
    app.register_blueprint(docs.bp)
