"""
The OpenAPI 3.1 document, generated from the code.

Each API view is declared with `operation(...)`, which registers the Flask route
and records its request and response models (pydantic). `document()` hands the
operations to apispec, which assembles the OpenAPI 3.1 document; the schemas are
pydantic's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1).

Why these two: apispec is small, dependency-free and maintained, and leaves
routing and validation to Flask and us; pydantic (already installed with the
supabase client) validates bodies at the edge and writes exact JSON Schema, while
the domain keeps its attrs classes (pydantic reads them with from_attributes).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import attrs
from flask import Blueprint
from pydantic import BaseModel

F = Callable[..., Any]
PROBLEM_CODES = (400, 401, 403, 404, 409, 413, 415, 422, 429, 502, 503)


@attrs.frozen
class Operation:
    method: str
    path: str  # OpenAPI form: /properties/{property_id}
    op_id: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    multipart: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, type[BaseModel] | None] = attrs.Factory(dict)
    idempotent_create: bool = False
    binary: str | None = None  # a non-JSON success body: its media type


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    tag: str,
    responses: dict[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    multipart: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    idempotent_create: bool = False,
    binary: str | None = None,
) -> Callable[[F], F]:
    """Route `rule` on `bp` and record it for the document (summary: the docstring)."""

    def register(view: F) -> F:
        prefix = bp.url_prefix or ""
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + rule)
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                path=path,
                op_id=view.__name__,
                summary=(view.__doc__ or view.__name__).strip().splitlines()[0],
                tag=tag,
                body=body,
                multipart=multipart,
                query=query,
                responses=responses,
                idempotent_create=idempotent_create,
                binary=binary,
            )
        )
        bp.add_url_rule(rule, view.__name__, view, methods=[method])
        return view

    return register


class Schemas:
    """Components collected from pydantic models, in one namespace."""

    def __init__(self) -> None:
        self.found: dict[str, Any] = {}

    def ref(self, model: type[BaseModel], mode: str) -> dict[str, Any]:
        schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}",
            mode=mode,  # type: ignore[arg-type]
        )
        for name, sub in schema.pop("$defs", {}).items():
            self.found[name] = sub
        self.found[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(op: Operation, schemas: Schemas) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(mode="validation")
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            params.append({"name": name, "in": "query", "required": name in required,
                           "schema": prop})  # fmt: skip
    if op.idempotent_create:
        params.append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "description": "A UUID: the same key again returns the object it made (200).",
            "schema": {"type": "string", "format": "uuid"},
        })  # fmt: skip
    return params


def _operation(op: Operation, schemas: Schemas) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses: dict[str, Any] = {}
    for code, model in op.responses.items():
        if model is None and op.binary and code == 200:
            content = {op.binary: {"schema": {"type": "string", "format": "binary"}}}
            responses[str(code)] = {"description": "the file", "content": content}
        elif model is None:
            responses[str(code)] = {"description": "done"}
        else:
            schema = schemas.ref(model, "serialization")
            content = {"application/json": {"schema": schema}}
            responses[str(code)] = {"description": model.__doc__ or "", "content": content}
    for code in PROBLEM_CODES:
        responses.setdefault(str(code), {"description": "a problem", "content": problem})
    spec: dict[str, Any] = {
        "operationId": op.op_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _parameters(op, schemas),
        "responses": responses,
        "security": [{"token": []}],
    }
    if op.body is not None:
        json_schema = schemas.ref(op.body, "validation")
        content = {"application/json": {"schema": json_schema}}
        spec["requestBody"] = {"required": True, "content": content}
    elif op.multipart is not None:
        form = schemas.ref(op.multipart, "validation")
        spec["requestBody"] = {"required": True,
                               "content": {"multipart/form-data": {"schema": form}}}  # fmt: skip
    return spec


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared operation."""
    from apispec import APISpec

    from . import ads, hooks, properties, videos  # noqa: F401  (their routes declare operations)
    from .models import Problem

    spec = APISpec(
        title="revideo API",
        version="1",
        openapi_version="3.1.0",
        info={"description": "Properties, videos, scripts, ad figures and analytics for CRMs. "
              "Authenticate with a personal access token: `Authorization: Bearer rvd_...`."},
    )  # fmt: skip
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    schemas = Schemas()
    schemas.ref(Problem, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, schemas)
    for name, schema in sorted(schemas.found.items()):
        spec.components.schema(name, schema)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
