"""Sign-up, confirmation, sign-in and out, password reset; Flask-Login sessions."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from revideo.domain.errors import AuthError, ConfigError, NotFound
from revideo.domain.profile import Actor, Role
from revideo.ports.identity import Identity

from ._support import form_text, svc

bp = Blueprint("auth", __name__, url_prefix="/auth")

# which form field an AuthError is about, and the HTTP status it answers with
FIELDS = {
    "invalid_email": ("email", 400),
    "user_exists": ("email", 409),
    "weak_password": ("password", 400),
    "invalid_credentials": ("password", 401),
    "email_not_confirmed": ("email", 403),
    "invalid_token": ("token", 400),
    "rate_limited": ("email", 429),
    "unavailable": ("email", 503),
}


class WebUser(UserMixin):  # type: ignore[misc]
    """The signed-in user of a request."""

    def __init__(self, user_id: str, email: str, role: Role, full_name: str = "") -> None:
        self.id = user_id
        self.email = email
        self.role = role
        self.full_name = full_name

    @property
    def actor(self) -> Actor:
        return Actor.user(self.id, role=self.role, email=self.email)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def load_user(user_id: str) -> WebUser | None:
    """Re-read the profile each request, so role changes apply at once."""
    try:
        profile = svc().users.me(Actor.user(user_id))
    except (NotFound, AuthError):
        return None
    return WebUser(profile.id, profile.email, profile.role, profile.full_name)


def init_app(app: Flask) -> None:
    """Flask-Login and the rate limits on sign-in and sign-up."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)
    from limits.errors import ConfigurationError

    try:  # storage: RATELIMIT_STORAGE_URI (REVIDEO_RATELIMIT_STORAGE), per process by default
        limiter = Limiter(get_remote_address, app=app)
    except ConfigurationError as exc:
        raise ConfigError("REVIDEO_RATELIMIT_STORAGE", str(exc)) from None
    for view, setting in (
        ("auth.login", "RATELIMIT_LOGIN"),
        ("auth.register", "RATELIMIT_REGISTER"),
    ):
        limit = limiter.limit(_config(setting), methods=["POST"], error_message=_too_many)
        app.view_functions[view] = limit(app.view_functions[view])  # type: ignore[assignment]
    app.extensions["revideo_limiter"] = limiter


def _config(name: str) -> Any:
    from flask import current_app

    return lambda: current_app.config[name]


def _too_many() -> str:
    return "too many attempts: wait a minute and try again"


def identity() -> Identity:
    found: Identity | None = svc().identity
    if found is None:
        abort(503, description="sign-in is not available on this backend")
    return found


def _failed(template: str, exc: AuthError, **context: Any) -> tuple[str, int]:
    field, status = FIELDS.get(exc.code, ("email", 400))
    return render_template(template, errors={field: exc.message}, **context), status


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign in with email and password."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("dashboard.index"))
        return render_template("auth/login.html", errors={}, form={})
    form = {"email": form_text("email", 320)}
    try:
        signed = identity().sign_in(form["email"], request.form.get("password", "")[:1024])
    except AuthError as exc:
        return _failed("auth/login.html", exc, form=form)
    session.clear()
    login_user(
        WebUser(signed.user_id, signed.email, signed.role),
        remember=bool(request.form.get("remember")),
    )
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    """Create an account; a confirmation link is mailed."""
    if request.method == "GET":
        return render_template("auth/register.html", errors={}, form={})
    form = {"email": form_text("email", 320), "full_name": form_text("full_name", 200)}
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("password_confirm", "")[:1024]:
        errors = {"password_confirm": "the two passwords differ"}
        return render_template("auth/register.html", errors=errors, form=form), 400
    try:
        callback = url_for("auth.callback", _external=True)
        identity().sign_up(form["email"], password, form["full_name"], callback)
    except AuthError as exc:
        return _failed("auth/register.html", exc, form=form)
    return redirect(url_for("auth.check_email", email=form["email"]))


@bp.get("/check-email")
def check_email() -> Any:
    """Tell a new user to look for the confirmation mail."""
    return render_template("auth/check_email.html", email=request.args.get("email", "")[:320])


@bp.get("/callback")
def callback() -> Any:
    """Confirm an email address from the mailed link, then ask to sign in."""
    try:
        identity().confirm(request.args.get("token", "")[:1024])
    except AuthError as exc:
        return _failed("auth/callback.html", exc)
    flash("Your email address is confirmed. You can sign in now.", "success")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
@login_required  # type: ignore[untyped-decorator]
def logout() -> Any:
    """Sign out."""
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> Any:
    """Ask for a password-reset link (the answer never says whether the address exists)."""
    if request.method == "GET":
        return render_template("auth/reset_request.html", errors={}, form={})
    email = form_text("email", 320)
    if not email:
        errors = {"email": "enter the email address of your account"}
        return render_template("auth/reset_request.html", errors=errors, form={}), 400
    identity().request_password_reset(email, url_for("auth.reset_form", _external=True))
    return render_template("auth/check_email.html", email=email, reset=True)


@bp.route("/reset/new", methods=["GET", "POST"])
def reset_form() -> Any:
    """Choose a new password with the token from the reset mail."""
    token = (request.values.get("token") or "")[:1024]
    if request.method == "GET":
        return render_template("auth/reset_form.html", token=token, errors={})
    password = request.form.get("password", "")[:1024]
    if password != request.form.get("password_confirm", "")[:1024]:
        errors = {"password_confirm": "the two passwords differ"}
        return render_template("auth/reset_form.html", token=token, errors=errors), 400
    try:
        identity().reset_password(token, password)
    except AuthError as exc:
        return _failed("auth/reset_form.html", exc, token=token)
    flash("Your password is changed. Sign in with the new one.", "success")
    return redirect(url_for("auth.login"))
