"""
PostgREST subset: flat table reads and writes with filters, order and paging,
`Prefer: return=representation`, and `POST /rpc/<fn>` with named arguments.
Each request is one transaction as `authenticator` with the JWT's role and
claims set locally, so RLS decides; errors come back in PostgREST's shape
and with its status mapping.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql

from tests.supabase.standin.server import Reply, Request, send_json
from tests.supabase.standin.tokens import BadToken, claims_of

OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
       "like": "LIKE", "ilike": "ILIKE"}  # fmt: skip
_SCOPE = (
    "SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
    " set_config('request.method', %s, true), set_config('request.path', %s, true)"
)
RESERVED = {"select", "order", "limit", "offset", "on_conflict", "columns"}


def status_for(code: str, role: str) -> int:
    """PostgREST's SQLSTATE -> HTTP mapping (the part revideo meets)."""
    if code == "42501":
        return 401 if role == "anon" else 403
    if code in ("23505", "23503"):
        return 409
    if code in ("42P01", "42883"):
        return 404
    if code.startswith("08"):
        return 503
    return 400


def condition(col: str, expr: str) -> tuple[sql.Composable, list[Any]]:
    negate = expr.startswith("not.")
    op, _, value = expr.removeprefix("not.").partition(".")
    ident = sql.Identifier(col)
    if op == "is":
        word = {"null": "NULL", "true": "TRUE", "false": "FALSE"}[value]
        part: sql.Composable = sql.SQL("{} IS {}").format(ident, sql.SQL(word))
        args: list[Any] = []
    elif op == "in":
        values = [v.strip('"') for v in value.strip("()").split(",") if v]
        marks = sql.SQL(", ").join(sql.Placeholder() * len(values)) if values else sql.SQL("NULL")
        part, args = sql.SQL("{} IN ({})").format(ident, marks), values
    else:
        if op in ("like", "ilike"):
            value = value.replace("*", "%")
        part, args = sql.SQL("{} {} %s").format(ident, sql.SQL(OPS[op])), [value]
    return (sql.SQL("NOT ({})").format(part) if negate else part), args


def where(query: list[tuple[str, str]]) -> tuple[sql.Composable, list[Any]]:
    parts, args = [], []
    for col, expr in query:
        if col not in RESERVED:
            part, more = condition(col, expr)
            parts.append(part)
            args += more
    if not parts:
        return sql.SQL(""), []
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(parts), args


def order_by(spec: str | None) -> sql.Composable:
    if not spec:
        return sql.SQL("")
    terms = []
    for item in spec.split(","):
        col, *mods = item.split(".")
        words = " ".join({"asc": "ASC", "desc": "DESC", "nullsfirst": "NULLS FIRST",
                          "nullslast": "NULLS LAST"}[m] for m in mods)  # fmt: skip
        terms.append(sql.SQL("{} {}").format(sql.Identifier(col), sql.SQL(words)))
    return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(terms)


def _agg(inner: sql.Composable) -> sql.Composable:
    return sql.SQL("SELECT coalesce(json_agg(t), '[]')::text AS body FROM ({}) t").format(inner)


class PostgrestStandIn:
    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.calls: list[tuple[str, str]] = []  # (method, path) of every request, for tests

    def __call__(self, req: Request) -> Reply:
        self.calls.append((req.method, req.path))
        try:
            claims = claims_of(req.headers.get("Authorization"))
        except BadToken as exc:
            return send_json(401, {"code": "PGRST301", "message": str(exc)})
        role = str(claims.get("role", "anon"))
        import psycopg

        try:
            with self.pool.connection() as conn, conn.transaction():
                conn.execute(_SCOPE, [role, json.dumps(claims), req.method, "/" + req.path])
                return self._run(conn, req)
        except psycopg.Error as exc:
            d = exc.diag
            payload = {"code": exc.sqlstate, "message": d.message_primary,
                       "details": d.message_detail, "hint": d.message_hint}  # fmt: skip
            return send_json(status_for(exc.sqlstate or "", role), payload)

    def _run(self, conn: Any, req: Request) -> Reply:
        parts = req.path.split("/")
        if parts[0] == "rpc":
            return self._rpc(conn, parts[1], req.json() or {})
        table = sql.Identifier("public", parts[0])
        cond, args = where(req.query)
        want = "return=representation" in (req.headers.get("Prefer") or "")
        if req.method == "GET":
            return self._select(conn, req, table, cond, args)
        if req.method == "POST":
            return self._insert(conn, table, parts[0], req.json(), want)
        if req.method == "PATCH":
            body = req.json()
            cols = sql.SQL(", ").join(map(sql.Identifier, body))
            stmt = sql.SQL(
                "UPDATE {} SET ({}) = (SELECT {} FROM json_populate_record(NULL::{}, %s::json))"
            ).format(table, cols, cols, table)
            return self._write(conn, stmt + cond, [json.dumps(body), *args], want, 200)
        if req.method == "DELETE":
            return self._write(
                conn, sql.SQL("DELETE FROM {}").format(table) + cond, args, want, 200
            )
        return send_json(405, {"code": "PGRST117", "message": "unsupported method"})

    def _select(self, conn: Any, req: Request, table: Any, cond: Any, args: list[Any]) -> Reply:
        cols = req.arg("select", "*") or "*"
        picked = sql.SQL("*") if cols == "*" else sql.SQL(", ").join(
            map(sql.Identifier, cols.split(",")))  # fmt: skip
        limit, offset = int(req.arg("limit", "1000") or 1000), int(req.arg("offset", "0") or 0)
        page = sql.SQL(" LIMIT {} OFFSET {}").format(limit, offset)
        inner = sql.SQL("SELECT {} FROM {}").format(picked, table) + cond + order_by(
            req.arg("order")) + page  # fmt: skip
        text = conn.execute(_agg(inner), args).fetchone()["body"]
        return Reply(200, text.encode())

    def _insert(self, conn: Any, table: Any, name: str, body: Any, want: bool) -> Reply:
        items = body if isinstance(body, list) else [body]
        keys = list(dict.fromkeys(k for item in items for k in item))
        cols = sql.SQL(", ").join(map(sql.Identifier, keys))
        stmt = sql.SQL(
            "INSERT INTO {} ({}) SELECT {} FROM json_populate_recordset(NULL::{}, %s::json)"
        ).format(table, cols, cols, table)
        return self._write(conn, stmt, [json.dumps(items)], want, 201)

    def _write(self, conn: Any, stmt: Any, args: list[Any], want: bool, status: int) -> Reply:
        query = sql.SQL("WITH w AS ({} RETURNING *) ").format(stmt) + sql.SQL(
            "SELECT coalesce(json_agg(w), '[]')::text AS body FROM w")  # fmt: skip
        text = conn.execute(query, args).fetchone()["body"]
        return Reply(status, text.encode() if want else None)

    def _rpc(self, conn: Any, fn: str, args: dict[str, Any]) -> Reply:
        found = conn.execute(
            "SELECT p.proretset AS retset, p.prorettype::regtype::text AS rettype,"
            " coalesce(p.proargnames, '{}') AS names, p.proargtypes::regtype[]::text[] AS types"
            " FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = %s",
            [fn],
        ).fetchone()
        if found is None:
            return send_json(404, {"code": "PGRST202", "message": f"no function {fn}"})
        retset, rettype, names, types = (found[k] for k in ("retset", "rettype", "names", "types"))
        typed = dict(zip(names, types, strict=False))
        call = sql.SQL("public.{}({})").format(sql.Identifier(fn), sql.SQL(", ").join(
            sql.SQL("{} => %s::{}").format(sql.Identifier(k), sql.SQL(typed[k])) for k in args
        ))  # fmt: skip
        values = [v if v is None or isinstance(v, str) else json.dumps(v) for v in args.values()]
        if retset:
            text = conn.execute(_agg(sql.SQL("SELECT * FROM {}").format(call)), values).fetchone()[
                "body"
            ]
            return Reply(200, text.encode())
        row = conn.execute(
            sql.SQL("SELECT to_json({})::text AS body").format(call), values
        ).fetchone()
        if rettype == "void":
            return Reply(204)
        return Reply(200, (row["body"] or "null").encode())
