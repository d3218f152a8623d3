"""The OpenAPI 3.1 document, generated from the endpoint declarations and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.endpoints import Endpoint

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, with the fields at fault.",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "examples": ["/problems/invalid-value"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "The files."},
        "dry_run": {"type": "boolean", "description": "Report what would change, write nothing."},
        "force_uai": {"type": "boolean", "description": "Import a file that states another UAI."},
    },
}

_PUBLIC_PATHS: dict[str, Any] = {
    "/healthz": {"get": {"summary": "Health check", "tags": ["public"], "responses": {"200": {"description": "OK"}}}},
    "/openapi.json": {
        "get": {"summary": "This document", "tags": ["public"], "responses": {"200": {"description": "OK"}}}
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", endpoint.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
        for name, text in endpoint.query.items()
    ]
    responses: dict[str, Any] = {
        str(endpoint.status): (
            {"description": "Success", "content": {"application/json": {"schema": _ref(endpoint.response)}}}
            if endpoint.response is not None
            else {"description": "Done, nothing to return"}
        )
    }
    if endpoint.file is not None:
        success = responses[str(endpoint.status)]
        success["description"] = "Success: JSON, or a document (attachment) when the request asks for one"
        content = success.setdefault("content", {})
        content[endpoint.file] = {"schema": {"type": "string", "format": "binary"}}
    if endpoint.body is not None:
        responses["400"] = _problem("The body is not JSON")
        responses["422"] = _problem("A field is not valid")
    if endpoint.permission is not None:
        responses["401"] = _problem("No valid bearer token")
        responses["403"] = _problem("Another school, or a permission the caller lacks")
        responses["404"] = _problem("Unknown, or out of the caller's scope")
    if endpoint.method in {"POST", "PUT"}:
        responses["409"] = _problem("Conflicts with what exists, or changes nothing")
    for status, meaning in endpoint.answers.items():
        responses[str(status)] = _problem(meaning)
    operation: dict[str, Any] = {
        "operationId": endpoint.handler.__name__,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if endpoint.permission is None:
        operation["security"] = []
    else:
        operation["x-permission"] = endpoint.permission.value
    if endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(endpoint.body)}}}
    if endpoint.upload:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": _UPLOAD_SCHEMA}}}
        responses["400"] = _problem("Not a multipart body")
        responses["422"] = _problem("A file is refused as a whole, or a field is not valid")
    return operation


def build_openapi(endpoints: list[Endpoint], version: str) -> dict[str, Any]:
    models = {m for e in endpoints for m in (e.body, e.response) if m is not None}
    ordered = sorted(models, key=lambda m: m.__name__)
    _, schemas = models_json_schema(
        [(m, "validation" if m in {e.body for e in endpoints} else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}",
    )
    components = {**schemas.get("$defs", {}), "Problem": _PROBLEM_SCHEMA}
    paths: dict[str, Any] = dict(_PUBLIC_PATHS)
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cartable", "version": version, "description": "Vie scolaire, event-sourced."},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
