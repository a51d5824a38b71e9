"""
What every request passes before and after a view (design.md §3, issue 15):

- only the hosts of REVIDEO_PUBLIC_URL and loopback are served (TRUSTED_HOSTS);
- a NUL in any query or form field is a 400 naming the field (PostgreSQL refuses NUL);
- security headers from Flask-Talisman: a strict Content-Security-Policy (scripts
  from this site only, never inline), frame-ancestors 'none', nosniff,
  Referrer-Policy, and HSTS on requests that came over HTTPS;
- a database that cannot be reached is a 503 page that reads nothing from it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import SecurityError

from revideo.domain.errors import Unavailable, ValidationError
from revideo.domain.parsing import first_nul

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost")


def trusted_hosts(public_url: str) -> list[str]:
    """The host names the app answers to: the public URL's, and loopback for local use."""
    host = urlsplit(public_url).hostname or ""
    return [h for h in dict.fromkeys((host, *LOOPBACK)) if h]


def origin(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, for the CSP's source lists."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(*media_origins: str | None) -> dict[str, Any]:
    """Scripts only from this site; images and videos also from the media stores."""
    media = ["'self'", "data:", "blob:", "https:", *[o for o in media_origins if o]]
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": ["'self'", "'unsafe-inline'"],  # Bootstrap's and plotly's element styles
        "img-src": media,
        "media-src": media,
        "connect-src": "'self'",
        "font-src": ["'self'", "data:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def init_app(app: Flask, secure: bool, media_origins: tuple[str | None, ...]) -> None:
    from flask_talisman import Talisman

    Talisman(
        app,
        force_https=False,  # a proxy or the operator decides; HSTS goes out over HTTPS only
        strict_transport_security=True,
        session_cookie_secure=secure,
        content_security_policy=content_security_policy(*media_origins),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    app.before_request(_refuse_nul)
    app.register_error_handler(Unavailable, unavailable)
    app.register_error_handler(SecurityError, _unknown_host)


def _unknown_host(exc: SecurityError) -> Any:
    """A Host outside TRUSTED_HOSTS: plain text, since no URL can be built for it."""
    text = "Host: this server does not answer to that host name (see REVIDEO_PUBLIC_URL)\n"
    return text, 400, {"Content-Type": "text/plain; charset=utf-8"}


def _refuse_nul() -> None:
    for values in (request.args, request.form):
        field = first_nul(values.items(multi=True))
        if field is not None:
            raise ValidationError(field, "must not contain NUL characters")


def unavailable(exc: Unavailable) -> Any:
    """503 with a page that loads neither the user nor anything else from the database."""
    log.warning("answering 503: %s", exc)
    message = "revideo cannot reach its database right now. Try again in a minute."
    headers = {"Retry-After": "30"}
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": message}), 503, headers
    # Flask-Login puts current_user into every template, loading it from the database:
    # this page is for nobody in particular
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    return render_template("unavailable.html", message=message), 503, headers
