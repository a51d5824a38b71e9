"""
The Flask web app: `create_app(services)` builds it around a Services object.

Blueprints: auth, dashboard, properties (+ the wizard), videos (+ the generate
wizard), analytics, ads, admin, account (+ API tokens), hooks (outgoing webhooks),
api (webhook, cron, status), api_v1 (the token-authenticated JSON API, its OpenAPI
document and docs page) and media. Bootstrap, plotly.js and Swagger UI are served from
their installed packages (no CDN).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from revideo.bootstrap import Services

log = logging.getLogger(__name__)
MAX_UPLOAD = 64 * 1024 * 1024


def create_app(services: Services | None = None, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; without `services`, bootstrap them from the environment."""
    from flask import Flask
    from flask_bootstrap import Bootstrap5
    from flask_wtf.csrf import CSRFProtect

    from revideo.bootstrap import bootstrap

    from . import guard

    svc = services if services is not None else bootstrap()
    app = Flask(__name__)
    app.config.update(_defaults(svc))
    app.config.update(config or {})
    app.extensions["revideo"] = svc
    hops = svc.settings.trusted_proxies
    if hops and app.config["PROXY_FIX"]:  # the client's address and scheme, as proxies saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    Bootstrap5(app)
    CSRFProtect(app)
    settings = svc.settings
    guard.init_app(
        app,
        secure=app.config["SESSION_COOKIE_SECURE"],
        media_origins=(guard.origin(settings.supabase_url), guard.origin(settings.heygen_base_url)),
    )
    _register(app)
    return app


def _defaults(svc: Services) -> dict[str, Any]:
    from .guard import trusted_hosts

    settings = svc.settings
    secret = settings.secret_key
    if not secret:
        log.warning("REVIDEO_SECRET_KEY is not set: sessions end when the server restarts")
        secret = secrets.token_urlsafe(32)
    secure = settings.public_url.startswith("https://")
    return {
        "SECRET_KEY": secret,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "MAX_CONTENT_LENGTH": MAX_UPLOAD,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=1),
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_LOGIN": "10 per minute",
        "RATELIMIT_REGISTER": "5 per minute",
        "RATELIMIT_RESET": "5 per minute",
        "RATELIMIT_RESET_ADDRESS": "3 per 15 minutes",
        "RATELIMIT_API": settings.api_rate_limit,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage,
        "TRUSTED_HOSTS": trusted_hosts(settings.public_url),
        # ProxyFix reads REVIDEO_TRUSTED_PROXIES' headers; off under waitress, which reads them
        # itself (it drops them before the app could: see commands/_common.py)
        "PROXY_FIX": True,
    }


def _register(app: Flask) -> None:
    from . import (
        account,
        admin,
        ads,
        analytics,
        api,
        api_v1,
        assets,
        auth,
        dashboard,
        errors,
        hooks,
        media,
        properties,
        studio,
        videos,
        wizard,
    )

    blueprints = (auth, dashboard, wizard, properties, studio, videos, analytics, ads, admin, media)
    app.register_blueprint(account.bp)
    app.register_blueprint(hooks.bp)
    for module in blueprints:
        app.register_blueprint(module.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(assets.bp)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    auth.init_app(app)
    api.init_app(app)
    api_v1.init_app(app)
    errors.init_app(app)
    from revideo.domain.ad_matching import short_ref

    app.jinja_env.filters["cents"] = cents
    app.jinja_env.filters["ad_ref"] = short_ref
    app.jinja_env.filters["plain"] = plain
    app.jinja_env.filters["engine_url"] = media.engine_url
    app.jinja_env.globals["new_submission_key"] = new_submission_key
    from revideo.domain import numbers
    from revideo.entrypoints.labels import label_of

    app.jinja_env.globals["label_of"] = label_of
    for name in ("money", "count", "percent", "credits", "counted"):
        app.jinja_env.filters[name] = getattr(numbers, name)


def _favicon() -> Any:
    """Browsers ask for /favicon.ico whatever the page says: the app's icon."""
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), 301)


def new_submission_key() -> str:
    """A fresh one-time key for a creating form (the database takes each key once)."""
    import uuid

    return str(uuid.uuid4())


def plain(value: Any) -> str:
    """A number without trailing zeros: 3.0 baths → 3, 2.50 → 2.5 (never 3E+2)."""
    from decimal import Decimal

    return format(Decimal(value).normalize(), "f")


def cents(value: Any) -> str:
    """Money to the cent, rounded half-up like the analytics formulas: 30.125 → 30.13."""
    from decimal import ROUND_HALF_UP, Decimal

    return "{:,.2f}".format(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
