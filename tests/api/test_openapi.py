"""``/openapi.json``: every endpoint, its body and responses, refs that resolve, a valid document."""

from __future__ import annotations

import re
from typing import Any

import openapi_spec_validator
import pytest

from api.app import ENDPOINTS
from tests.api.conftest import SchoolClient

REF = "#/components/schemas/"


@pytest.fixture
def document(school: SchoolClient) -> dict[str, Any]:
    response = school.client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def refs(node: Any) -> list[str]:
    """Every ``$ref`` anywhere under ``node``."""
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def schema_name(content: dict[str, Any], media_type: str) -> str:
    ref: str = content[media_type]["schema"]["$ref"]
    assert ref.startswith(REF)
    return ref.removeprefix(REF)


def test_the_document_is_openapi_3_1_with_the_package_version(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Cartable"
    assert document["info"]["version"]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearer": []}]


def test_every_endpoint_is_listed_with_its_method_summary_and_parameters(document: dict[str, Any]) -> None:
    for endpoint in ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        assert operation["operationId"] == endpoint.handler.__name__
        assert operation["summary"] == endpoint.summary
        path_parameters = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
        assert path_parameters == re.findall(r"{(\w+)}", endpoint.path)
        query_parameters = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        assert query_parameters == list(endpoint.query)


def test_the_documented_operations_are_exactly_the_endpoints_and_public_routes(document: dict[str, Any]) -> None:
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}

    declared = {(e.method, e.path) for e in ENDPOINTS}
    assert documented - declared == {("GET", "/healthz"), ("GET", "/openapi.json")}
    assert declared <= documented


def test_the_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values() if "operationId" in op]

    assert len(ids) == len(set(ids))


def test_every_body_and_response_names_its_schema(document: dict[str, Any]) -> None:
    for endpoint in ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        if endpoint.upload:
            upload = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
            assert upload["properties"]["file"]["items"]["format"] == "binary"
        elif endpoint.body is None:
            assert "requestBody" not in operation
        else:
            assert operation["requestBody"]["required"] is True
            assert schema_name(operation["requestBody"]["content"], "application/json") == endpoint.body.__name__
        success = operation["responses"][str(endpoint.status)]
        if endpoint.response is None and endpoint.file is None:
            assert "content" not in success
        elif endpoint.response is None:
            assert set(success["content"]) == {endpoint.file}
        else:
            assert schema_name(success["content"], "application/json") == endpoint.response.__name__


def test_errors_are_documented_as_problems(document: dict[str, Any]) -> None:
    for endpoint in ENDPOINTS:
        responses = document["paths"][endpoint.path][endpoint.method.lower()]["responses"]
        expected = set()
        if endpoint.body is not None:
            expected |= {"400", "422"}
        if endpoint.permission is not None:
            expected |= {"401", "403"}
        assert expected <= set(responses), endpoint.path
        for status in expected:
            assert schema_name(responses[status]["content"], "application/problem+json") == "Problem"
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
        "errors",
    }


def test_public_and_protected_operations_say_so(document: dict[str, Any]) -> None:
    for endpoint in ENDPOINTS:
        operation = document["paths"][endpoint.path][endpoint.method.lower()]
        if endpoint.permission is None:
            assert operation["security"] == []
        else:
            assert "security" not in operation
            assert operation["x-permission"] == endpoint.permission.value


def test_every_schema_ref_resolves_in_the_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    found = refs(document)

    assert found
    for ref in found:
        assert ref.startswith(REF), ref
        assert ref.removeprefix(REF) in schemas, ref


def test_request_schemas_refuse_unknown_fields_and_list_required_ones(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for endpoint in ENDPOINTS:
        if endpoint.body is not None:
            schema = schemas[endpoint.body.__name__]
            assert schema["additionalProperties"] is False, endpoint.body.__name__
            required = {name for name, f in endpoint.body.model_fields.items() if f.is_required()}
            assert set(schema.get("required", [])) == required


def test_the_document_is_a_valid_openapi_document(document: dict[str, Any]) -> None:
    openapi_spec_validator.validate(document)
