"""The OpenAPI document describes every /v1 operation fully, and the docs pages load without a CDN."""

import re
from collections import Counter
from typing import Annotated, Any

import pytest
from conftest import client_for
from fastapi.testclient import TestClient

from app.keys.auth import require
from app.keys.service import Caller

PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    ops = [(f"{method.upper()} {path}", op) for path, item in spec["paths"].items() if path.startswith("/v1/")
           for method, op in item.items()]
    assert len(ops) >= 19
    return ops


def test_every_operation_has_summary_description_and_tags(spec: dict[str, Any]) -> None:
    offenders = [name for name, op in operations(spec)
                 if not (op.get("summary") and op.get("description") and op.get("tags"))]
    assert not offenders, offenders


def test_every_json_operation_documents_a_200_schema(spec: dict[str, Any]) -> None:
    offenders = []
    for name, op in operations(spec):
        success = "201" if "201" in op["responses"] else "200"  # a write that creates answers 201
        content = op["responses"].get(success, {}).get("content", {})
        if not content or not all(media.get("schema") for media in content.values()):
            offenders.append(f"{name}: {sorted(content)}")
    assert not offenders, offenders


def test_source_body_documents_a_text_schema(spec: dict[str, Any]) -> None:
    content = spec["paths"]["/v1/sources/{slug}/body"]["get"]["responses"]["200"]["content"]
    assert content["text/plain"].get("schema") == {"type": "string"}


def test_list_and_item_operations_document_their_problems(spec: dict[str, Any]) -> None:
    offenders = []
    for name, op in operations(spec):
        if not name.startswith("GET "):
            continue  # writes: test_write_operations_document_their_problems_and_scheme
        expected = {"400", "406", "422"} | ({"404"} if "{" in name else set())
        for status in sorted(expected):
            response = op["responses"].get(status)
            refs = [m.get("schema", {}).get("$ref") for m in (response or {}).get("content", {}).values()]
            if not response or not response.get("description") or PROBLEM_REF not in refs:
                offenders.append(f"{name} {status}")
            elif "application/problem+json" not in response["content"]:
                offenders.append(f"{name} {status}: no application/problem+json")
    assert not offenders, offenders


def test_write_operations_document_their_problems_and_scheme(spec: dict[str, Any]) -> None:
    writes = [(name, op) for name, op in operations(spec) if not name.startswith("GET ")]
    assert sorted(name for name, _ in writes) == [
        "POST /v1/proposals", "POST /v1/proposals/{proposal_id}/publish", "POST /v1/proposals/{proposal_id}/reviews",
        "POST /v1/sources", "POST /v1/sources/{slug}/candidates"]
    offenders = []
    for name, op in writes:
        conflicts = () if name.endswith("/candidates") else ("409",)  # finding candidates changes nothing
        for status in ("401", "403", *conflicts, "413", "422", "429"):
            response = op["responses"].get(status, {})
            if response.get("content", {}).get("application/problem+json", {}).get("schema", {}).get("$ref") != PROBLEM_REF:
                offenders.append(f"{name} {status}")
        if op.get("security") != [{"HTTPBearer": []}]:
            offenders.append(f"{name}: security {op.get('security')}")
    assert not offenders, offenders
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer rfk_…`. Reading is public."}
    for name in ("POST /v1/proposals", "POST /v1/proposals/{proposal_id}/publish"):
        assert {"412"} <= set(dict(writes)[name]["responses"]), name


def test_problem_schema_is_under_the_problem_media_type(spec: dict[str, Any]) -> None:
    offenders = [f"{name} {status}" for name, op in operations(spec) for status, response in op["responses"].items()
                 if status.startswith("4")
                 and response["content"].get("application/problem+json", {}).get("schema", {}).get("$ref")
                 != PROBLEM_REF]
    assert not offenders, offenders


def test_every_tag_used_has_a_description(spec: dict[str, Any]) -> None:
    described = {t["name"]: t.get("description") for t in spec.get("tags", [])}
    used = {tag for _, op in operations(spec) for tag in op["tags"]}
    assert used == {"timeline", "indicators", "reforms", "places", "people", "sources", "search", "history",
                    "releases", "conflicts", "meta", "curation", "keys"}
    assert not [t for t in used if not described.get(t)], described


def undocumented_properties(spec: dict[str, Any]) -> list[str]:
    offenders = []
    for name, schema in spec["components"]["schemas"].items():
        for prop, definition in schema.get("properties", {}).items():
            if "description" not in definition and "$ref" not in definition:
                offenders.append(f"{name}.{prop}")
    return offenders


def test_every_schema_property_is_described(spec: dict[str, Any]) -> None:
    offenders = undocumented_properties(spec)
    assert not offenders, f"{len(offenders)} undescribed properties: {', '.join(offenders)}"


def test_core_schemas_are_fully_described(spec: dict[str, Any]) -> None:
    """The error shape, citations and page metadata have no undocumented property (no regressions there)."""
    core = ("Problem", "ParameterError", "CitationOut", "LocalizedText", "PageMeta", "PageLinks", "SearchHit",
            "EventOut")
    offenders = [o for o in undocumented_properties(spec) if o.split(".")[0] in core]
    assert not offenders, offenders


def test_every_schema_title_is_unique(spec: dict[str, Any]) -> None:
    """Client generators name a model after its title: two schemas with one title lose one of the models."""
    titles = Counter(schema.get("title", name) for name, schema in spec["components"]["schemas"].items())
    assert not [title for title, n in titles.items() if n > 1], titles


def test_each_page_schema_is_titled_after_its_items(spec: dict[str, Any]) -> None:
    pages = {schema["title"]: schema["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[1]
             for schema in spec["components"]["schemas"].values() if "data" in schema.get("properties", {})}
    assert pages == {
        "EventPage": "EventOut", "IndicatorPage": "IndicatorOut", "ObservationPage": "ObservationOut",
        "MeasurePage": "MeasureOut", "ProgrammePage": "ProgrammeOut", "PlacePage": "PlaceOut",
        "PersonPage": "PersonOut",
        "SourcePage": "SourceOut", "SourceCitationPage": "SourceCitationOut", "SearchHitPage": "SearchHit",
        "RevisionPage": "RevisionOut", "ReleasePage": "ReleaseOut", "ConflictPage": "ConflictOut",
        "ProposalPage": "ProposalOut",
    }


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_use_same_origin_assets(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"'<>]+", html)
    assets = re.findall(r"(?:src|href)=[\"']([^\"']+)[\"']", html)
    assert assets, html
    for url in assets:
        assert url.startswith("/docs-assets/"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert "/openapi.json" in html


BEARER_SCHEME = {"HTTPBearer": {"type": "http", "scheme": "bearer",
                                "description": "An API key: `Authorization: Bearer rfk_…`. Reading is public."}}


def test_routes_that_need_a_key_declare_the_bearer_scheme(spec: dict[str, Any]) -> None:
    """The scheme behind the docs page's Authorize button, listed on every operation that takes a key only."""
    assert spec["components"]["securitySchemes"] == BEARER_SCHEME
    secured = {name: op for name, op in operations(spec) if "security" in op}
    assert "GET /v1/keys/current" in secured
    for name, op in secured.items():
        assert op["security"] == [{"HTTPBearer": []}], name
        assert PROBLEM_REF in [m["schema"]["$ref"] for m in op["responses"]["401"]["content"].values()], name
    public = [name for name, op in operations(spec) if name.startswith("GET ") and name not in secured]
    assert {"GET /v1/events", "GET /v1/meta", "GET /v1/sources/{slug}/body"} <= set(public)
    assert not [name for name in public if "401" in spec["paths"][name[4:]]["get"]["responses"]]


def test_any_route_that_requires_a_scope_lists_the_scheme(sqlite_seeded_url: str) -> None:
    with client_for(sqlite_seeded_url) as client:
        def propose(caller: Annotated[Caller, require("propose")]) -> dict:
            return {"name": caller.name}
        client.app.add_api_route("/v1/_test/propose", propose, methods=["POST"])
        spec = client.get("/openapi.json").json()
    assert spec["paths"]["/v1/_test/propose"]["post"]["security"] == [{"HTTPBearer": []}]
    assert spec["components"]["securitySchemes"] == BEARER_SCHEME
