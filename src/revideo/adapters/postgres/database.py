"""
The PostgreSQL backend: a connection pool and units of work run the PostgREST way.

Every unit of work is one transaction in which the caller's role and JWT
claims are set transaction-locally (`set_config(..., true)`), so row-level
security decides what the actor sees and changes, and nothing leaks to the
next user of the pooled connection:

    user       -> authenticated, claims {sub, email, role}
    anonymous  -> anon
    system     -> service_role (BYPASSRLS), for webhooks, sync and archive
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from revideo.adapters.postgres import convert
from revideo.adapters.postgres.errors import SETTING, database_errors
from revideo.domain.errors import ConfigError, Duplicate
from revideo.domain.profile import Actor, Profile, Role

POOL_WAIT = 5.0  # seconds a request waits for a pooled connection (issue 15: fail fast)

if TYPE_CHECKING:
    from revideo.adapters.local_auth.store import CredentialStore
    from revideo.ports.identity import Identity
    from revideo.ports.mailer import Mailer


def role_and_claims(actor: Actor) -> tuple[str, dict[str, Any]]:
    """The database role and JWT claims PostgREST would use for `actor`."""
    if actor.system:
        return "service_role", {"role": "service_role"}
    if actor.user_id is None:
        return "anon", {"role": "anon"}
    claims: dict[str, Any] = {"sub": actor.user_id, "role": "authenticated", "aud": "authenticated"}
    if actor.email:
        claims["email"] = actor.email
    return "authenticated", claims


def begin_as(conn: Any, actor: Actor) -> None:
    """Set role and claims for the rest of the current transaction."""
    role, claims = role_and_claims(actor)
    conn.execute(
        "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
        [role, json.dumps(claims)],
    )


_SET_ROLE = "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"


class Transaction:
    """The unit of work's connection: one transaction, opened lazily.

    BEGIN and the role and claims go out in one pipeline with the first
    statement that carries parameters, so a request pays no round trip of its
    own for them; other first uses (a cursor, a parameterless script) send
    them just before. Everything else is the psycopg connection's.

    Reads (`read`, `reading`) issued while no write has begun the transaction
    run in the pipeline's implicit transaction instead, with the role and
    claims set for it alone: at READ COMMITTED every statement takes its own
    snapshot anyway, so nothing a caller can observe changes, and a unit of
    work that only reads needs no BEGIN and no COMMIT round trip.
    """

    def __init__(self, conn: Any, actor: Actor) -> None:
        self._conn = conn
        role, claims = role_and_claims(actor)
        self._settings = [role, json.dumps(claims)]
        self.begun = False
        self._reading = False

    def _queue_begin(self) -> None:
        self._conn.execute("BEGIN")
        self._conn.execute(_SET_ROLE, self._settings)
        self.begun = True

    def _begin_now(self) -> None:
        if not self.begun:
            with self._conn.pipeline():
                self._queue_begin()

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        if self.begun:
            return self._conn.execute(query, params, **options)
        if self._reading:  # BEGIN here would fold the reads' implicit transaction into it
            raise RuntimeError("a statement that writes inside a read-only pipeline")
        if params is None:  # may hold several statements: not allowed in a pipeline
            self._begin_now()
            return self._conn.execute(query, params, **options)
        with self._conn.pipeline():
            self._queue_begin()
            cursor = self._conn.execute(query, params, **options)
        return cursor

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """Read-only statements sent together: in the transaction if one has
        begun, else in the pipeline's own implicit transaction."""
        if self.begun or self._reading:
            with self._conn.pipeline() as pipe:
                yield pipe
            return
        with self._conn.pipeline() as pipe:
            self._conn.execute(_SET_ROLE, self._settings)
            self._reading = True
            try:
                yield pipe
            finally:
                self._reading = False

    def read(self, query: Any, params: Any) -> Any:
        """One read-only statement (see `reading`); returns its cursor."""
        if self.begun or self._reading:
            return self._conn.execute(query, params)
        with self.reading():
            return self._conn.execute(query, params)

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        self._begin_now()
        return self._conn.cursor(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def _configure(conn: Any) -> None:
    from psycopg.types.json import set_json_loads
    from psycopg.types.string import TextLoader

    set_json_loads(convert.json_loads, conn)
    conn.adapters.register_loader("uuid", TextLoader)  # ids are text in the domain


class PostgresDatabase:
    """A pool of connections to one database; `unit_of_work` is a UnitOfWorkFactory."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @classmethod
    def connect(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> PostgresDatabase:
        """Open a pool on `url` and check it answers; ConfigError if it does not."""
        import psycopg
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool, PoolTimeout

        try:  # fail fast, with the server's own words, rather than after the pool's timeout
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            raise ConfigError(SETTING, f"cannot connect to the database: {exc}") from None
        pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            # autocommit: each unit of work sends its own BEGIN with the role switch
            kwargs={"row_factory": dict_row, "connect_timeout": 10, "autocommit": True},
            configure=_configure,
            open=False,
            name="revideo",
            # a request waits this long for a connection, then answers 503 (Unavailable);
            # the pool keeps reconnecting in the background, so the app recovers by itself
            timeout=POOL_WAIT,
        )
        try:
            pool.open(wait=True, timeout=15)
        except PoolTimeout as exc:
            pool.close()
            raise ConfigError(SETTING, f"cannot connect to the database: {exc}") from None
        return cls(pool)

    def unit_of_work(self, actor: Actor) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self, actor)

    def add_user(
        self,
        email: str,
        *,
        role: Role = Role.USER,
        full_name: str = "",
        user_id: str | None = None,
        password_hash: str | None = None,
    ) -> Profile:
        """Create an auth user as the system; the database trigger makes the profile."""
        new_id = user_id or str(uuid.uuid4())
        meta = json.dumps({"full_name": full_name})
        with database_errors("user", email), self.pool.connection() as conn, conn.transaction():
            begin_as(conn, Actor.service())
            taken = conn.execute(
                "SELECT 1 FROM auth.users WHERE lower(email) = lower(%s)", [email]
            ).fetchone()
            if taken:
                raise Duplicate("user", email)
            conn.execute(
                "INSERT INTO auth.users (id, aud, role, email, encrypted_password,"
                " email_confirmed_at, raw_user_meta_data)"
                " VALUES (%s, 'authenticated', 'authenticated', %s, %s, now(), %s::jsonb)",
                [new_id, email, password_hash, meta],
            )
            row = conn.execute(
                "UPDATE public.profiles SET role = %s WHERE id = %s RETURNING *",
                [role.value, new_id],
            ).fetchone()
        return convert.profile(row)

    def credentials(self) -> CredentialStore:
        """`auth.users`, kept by revideo's own auth."""
        from revideo.adapters.local_auth.postgres import PostgresCredentials

        return PostgresCredentials(self)

    def identity(self, mailer: Mailer, *, secret: str | None = None) -> Identity:
        from revideo.adapters.local_auth import identity_for

        return identity_for(self, mailer, secret=secret)

    def media_store(self) -> None:
        """None: photos and videos go to the files store."""
        return None

    def close(self) -> None:
        self.pool.close()


class PostgresUnitOfWork:
    """One transaction for one actor (a UnitOfWork)."""

    def __init__(self, db: PostgresDatabase, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self._conn: Any = None

    def __enter__(self) -> PostgresUnitOfWork:
        from revideo.adapters.postgres import ads, analytics, properties, tokens, videos, webhooks

        with database_errors():
            conn = Transaction(self.db.pool.getconn(), self.actor)
        self._conn = conn
        self.profiles = properties.PostgresProfiles(conn, self.actor)
        self.properties = properties.PostgresProperties(conn, self.actor)
        self.media = properties.PostgresMedia(conn, self.actor)
        self.videos = videos.PostgresVideos(conn, self.actor)
        self.render_jobs = videos.PostgresRenderJobs(conn, self.actor)
        self.webhook_deliveries = videos.PostgresWebhookDeliveries(conn, self.actor)
        self.ads = ads.PostgresAds(conn, self.actor)
        self.analytics = analytics.PostgresAnalytics(conn, self.actor)
        self.api_tokens = tokens.PostgresApiTokens(conn, self.actor)
        self.webhooks = webhooks.PostgresWebhooks(conn, self.actor)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        try:
            if conn.begun:
                with database_errors():
                    conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            self.db.pool.putconn(conn._conn)
