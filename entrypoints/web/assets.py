"""plotly.js from the installed plotly package, at a versioned, cacheable URL."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response

bp = Blueprint("assets", __name__, url_prefix="/assets")


@functools.lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    import plotly.offline

    js: str = plotly.offline.get_plotlyjs()
    return js.encode()


@functools.lru_cache(maxsize=1)
def plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


@bp.get("/plotly.min.js")
def plotly_js() -> Any:
    """plotly.js; the `v` query names the version, so it may be cached for good."""
    response = Response(_plotly_js(), mimetype="application/javascript")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
