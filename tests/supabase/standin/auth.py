"""
Supabase Auth (GoTrue) subset over `auth.users`: sign-up with a mailed token
hash, password and refresh-token grants, verify, user, logout, recover and
the admin endpoints revideo calls. Passwords are salted PBKDF2. Mails
are kept in `outbox` for tests to read. Error bodies use GoTrue's legacy
shape: {"code": status, "error_code": ..., "msg": ...}.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import uuid
from typing import Any

import attrs

from tests.supabase.standin.server import Reply, Request, send_json
from tests.supabase.standin.tokens import BadToken, claims_of, user_token

_COLUMNS = "id, email, email_confirmed_at, raw_user_meta_data, created_at"


@attrs.frozen
class Mail:
    to: str
    kind: str  # signup | recovery | magiclink
    token_hash: str
    redirect_to: str | None


SUBJECTS = {"signup": "Confirm your signup", "recovery": "Reset your password"}


def template(redirect_to: str, token_hash: str) -> str:
    """The mail body docs/deploy-supabase.md sets: `{{ .RedirectTo }}?token={{ .TokenHash }}`."""
    joiner = "&" if "?" in redirect_to else "?"
    return f"Follow this link:\n\n{redirect_to}{joiner}token={token_hash}\n"


def hash_password(password: str, salt: str | None = None) -> str:
    """A salted PBKDF2 hash (GoTrue uses bcrypt; any one-way hash will do here)."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
    return f"{salt}${digest}"


def password_ok(stored: str | None, password: str) -> bool:
    return bool(stored) and hash_password(password, str(stored).split("$")[0]) == stored


def fail(status: int, code: str, msg: str) -> Reply:
    return send_json(status, {"code": status, "error_code": code, "msg": msg})


def user_json(row: dict[str, Any], *, identities: bool = True) -> dict[str, Any]:
    confirmed = row["email_confirmed_at"]
    uid = str(row["id"])
    return {
        "id": uid,
        "aud": "authenticated",
        "role": "authenticated",
        "email": row["email"],
        "email_confirmed_at": confirmed.isoformat() if confirmed else None,
        "app_metadata": {"provider": "email"},
        "user_metadata": row["raw_user_meta_data"] or {},
        "created_at": row["created_at"].isoformat(),
        "identities": [
            {
                "id": uid,
                "identity_id": uid,
                "user_id": uid,
                "provider": "email",
                "identity_data": {},
                "created_at": row["created_at"].isoformat(),
            }
        ]
        if identities
        else [],
    }


class AuthStandIn:
    def __init__(self, pool: Any) -> None:
        self.pool = pool  # privileged: GoTrue owns auth.users
        self.outbox: list[Mail] = []
        self.refresh: dict[str, str] = {}  # refresh token -> user id
        self.hashes: dict[str, tuple[str, str]] = {}  # token hash -> (user id, kind)
        self.lock = threading.Lock()
        self.fail_next: Reply | None = None  # tests: answer the next request with this
        self.mailer: Any = None  # a Mailer port: also deliver each mail, as the templates say

    def __call__(self, req: Request) -> Reply:
        if self.fail_next is not None:
            reply, self.fail_next = self.fail_next, None
            return reply
        try:
            claims = claims_of(req.headers.get("Authorization"))
        except BadToken:
            return fail(401, "bad_jwt", "invalid JWT")
        route = (req.method, req.path)
        handler = {
            ("GET", "health"): lambda: send_json(200, {"name": "GoTrue", "version": "standin"}),
            ("POST", "signup"): lambda: self.signup(req),
            ("POST", "token"): lambda: self.token(req),
            ("POST", "verify"): lambda: self.verify(req.json()),
            ("GET", "user"): lambda: self.me(claims),
            ("PUT", "user"): lambda: self.update_me(claims, req.json()),
            ("POST", "logout"): lambda: self.logout(claims),
            ("POST", "recover"): lambda: self.recover(req),
        }.get(route)
        if handler is not None:
            return handler()
        if req.path.startswith("admin/"):
            if claims.get("role") != "service_role":
                return fail(403, "not_admin", "User not allowed")
            return self.admin(req)
        return fail(404, "not_found", f"no route {req.method} {req.path}")

    # ---- users ---------------------------------------------------------------
    def _user(self, where: str, value: Any) -> Any:
        with self.pool.connection() as conn:
            return conn.execute(
                f"SELECT {_COLUMNS}, encrypted_password FROM auth.users WHERE {where}", [value]
            ).fetchone()

    def _create(self, email: str, password: str, meta: Any, confirmed: bool,
                user_id: str | None = None) -> Any:  # fmt: skip
        with self.pool.connection() as conn:
            return conn.execute(
                "INSERT INTO auth.users (id, aud, role, email, encrypted_password,"
                " email_confirmed_at, raw_user_meta_data) VALUES (%s, 'authenticated',"
                " 'authenticated', %s, %s,"
                f" {'now()' if confirmed else 'NULL'}, %s::jsonb) RETURNING {_COLUMNS}",
                [
                    user_id or str(uuid.uuid4()),
                    email,
                    hash_password(password),
                    json.dumps(meta or {}),
                ],
            ).fetchone()

    def _mail(self, row: dict[str, Any], kind: str, redirect_to: str | None) -> str:
        token_hash = secrets.token_hex(20)
        with self.lock:
            self.hashes[token_hash] = (str(row["id"]), kind)
            self.outbox.append(Mail(row["email"], kind, token_hash, redirect_to))
        if self.mailer is not None and redirect_to:
            self.mailer.send(
                row["email"], SUBJECTS.get(kind, kind), template(redirect_to, token_hash)
            )
        return token_hash

    def _session(self, row: dict[str, Any]) -> Reply:
        access, exp = user_token(str(row["id"]), row["email"])
        refresh = secrets.token_urlsafe(24)
        with self.lock:
            self.refresh[refresh] = str(row["id"])
        return send_json(200, {
            "access_token": access, "token_type": "bearer", "expires_in": 3600,
            "expires_at": exp, "refresh_token": refresh, "user": user_json(row),
        })  # fmt: skip

    # ---- public endpoints ----------------------------------------------------
    def signup(self, req: Request) -> Reply:
        body = req.json() or {}
        email, password = str(body.get("email", "")).lower(), str(body.get("password", ""))
        if "@" not in email:
            return fail(400, "validation_failed", "Unable to validate email address")
        if len(password) < 6:
            return fail(422, "weak_password", "Password should be at least 6 characters.")
        existing = self._user("lower(email) = %s", email)
        if existing is not None:  # Supabase hides taken addresses: a user without identities
            return send_json(200, user_json(existing, identities=False))
        row = self._create(email, password, body.get("data"), confirmed=False)
        self._mail(row, "signup", req.arg("redirect_to"))
        return send_json(200, user_json(row))

    def token(self, req: Request) -> Reply:
        body = req.json() or {}
        if req.arg("grant_type") == "refresh_token":
            with self.lock:
                user_id = self.refresh.pop(str(body.get("refresh_token")), None)
            row = self._user("id = %s", user_id) if user_id else None
            if row is None:
                return fail(400, "refresh_token_not_found", "Invalid Refresh Token")
            return self._session(row)
        row = self._user("lower(email) = lower(%s)", body.get("email", ""))
        if row is None or not password_ok(row["encrypted_password"], str(body.get("password"))):
            return fail(400, "invalid_credentials", "Invalid login credentials")
        if row["email_confirmed_at"] is None:
            return fail(400, "email_not_confirmed", "Email not confirmed")
        return self._session(row)

    def verify(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            found = self.hashes.pop(str(body.get("token_hash")), None)
        kinds = {"email": ("signup", "magiclink"), "signup": ("signup",),
                 "magiclink": ("magiclink",), "recovery": ("recovery",)}  # fmt: skip
        if found is None or found[1] not in kinds.get(str(body.get("type")), ()):
            return fail(403, "otp_expired", "Email link is invalid or has expired")
        with self.pool.connection() as conn:
            conn.execute(
                "UPDATE auth.users SET email_confirmed_at = coalesce(email_confirmed_at, now())"
                " WHERE id = %s",
                [found[0]],
            )
        return self._session(self._user("id = %s", found[0]) or {})

    def me(self, claims: dict[str, Any]) -> Reply:
        row = self._user("id = %s", claims.get("sub")) if claims.get("sub") else None
        return send_json(200, user_json(row)) if row else fail(401, "bad_jwt", "no user")

    def update_me(self, claims: dict[str, Any], body: dict[str, Any]) -> Reply:
        if not claims.get("sub"):
            return fail(401, "no_authorization", "This endpoint requires a Bearer token")
        if len(str(body.get("password", ""))) < 6:
            return fail(422, "weak_password", "Password should be at least 6 characters.")
        with self.pool.connection() as conn:
            conn.execute(
                "UPDATE auth.users SET encrypted_password = %s WHERE id = %s",
                [hash_password(str(body["password"])), claims["sub"]],
            )
        return self.me(claims)

    def logout(self, claims: dict[str, Any]) -> Reply:
        with self.lock:
            for token in [t for t, u in self.refresh.items() if u == claims.get("sub")]:
                del self.refresh[token]
        return Reply(204)

    def recover(self, req: Request) -> Reply:
        email = str((req.json() or {}).get("email", ""))
        row = self._user("lower(email) = lower(%s)", email)
        if row is not None:
            self._mail(row, "recovery", req.arg("redirect_to"))
        return send_json(200, {})

    # ---- admin ---------------------------------------------------------------
    def admin(self, req: Request) -> Reply:
        parts = req.path.split("/")
        body = req.json() or {}
        if req.method == "POST" and parts[1:] == ["users"]:
            email = str(body.get("email", "")).lower()
            if self._user("lower(email) = %s", email) is not None:
                return fail(422, "email_exists", "A user with this email address has already"
                            " been registered")  # fmt: skip
            row = self._create(email, str(body.get("password", "")), body.get("user_metadata"),
                               bool(body.get("email_confirm")), body.get("id"))  # fmt: skip
            return send_json(200, user_json(row))
        if req.method == "GET" and parts[1:] == ["users"]:
            return send_json(200, {"users": [], "aud": "authenticated"})
        if req.method == "GET" and len(parts) == 3 and parts[1] == "users":
            row = self._user("id = %s", parts[2])
            return send_json(200, user_json(row)) if row else fail(404, "user_not_found", "")
        if req.method == "DELETE" and len(parts) == 3 and parts[1] == "users":
            # GoTrue api/admin.go adminUserDelete: 404 user_not_found, else 200 with `{}`; the
            # user's rows go by ON DELETE CASCADE (supabase-local.md: `delete_user(id)`)
            if self._user("id::text = %s", parts[2]) is None:
                return fail(404, "user_not_found", "User not found")
            with self.pool.connection() as conn:
                conn.execute("DELETE FROM auth.users WHERE id::text = %s", [parts[2]])
            return send_json(200, {})
        if req.method == "POST" and parts[1:] == ["generate_link"]:
            row = self._user("lower(email) = lower(%s)", body.get("email", ""))
            if row is None:
                return fail(404, "user_not_found", "User not found")
            token_hash = secrets.token_hex(20)
            with self.lock:  # generated for the caller, not mailed
                self.hashes[token_hash] = (str(row["id"]), str(body.get("type")))
            link = {"action_link": f"/verify?token={token_hash}", "email_otp": "000000",
                    "hashed_token": token_hash, "redirect_to": req.arg("redirect_to") or "",
                    "verification_type": body.get("type")}  # fmt: skip
            return send_json(200, {**user_json(row), **link})
        return fail(404, "not_found", f"no admin route {req.method} {req.path}")
