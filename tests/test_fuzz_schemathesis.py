"""Schemathesis against /openapi.json: no 5xx, and every response matches its documented status, type and schema.

The schema is loaded from the app in-process (schemathesis' ASGI transport runs the app's lifespan on the
first request and ends it when each test ends), once per backend of the `seeded_url` fixture. Examples are
few and derandomized, so a run is reproducible and takes well under two minutes per backend.

Operations are parametrized here (one test per operation × positive/negative × backend) rather than with
`schemathesis.pytest.from_fixture`, whose lazy loader fails on pytest 9.2 (`Function` has no `_nodeid`).
The schema declares no OpenAPI links; the stateful test runs on schemathesis' inferred links (14: list
pages → item pages by slug/code), which gives it real identifiers instead of random 404s.
FUZZ_MAX_EXAMPLES raises the example count for a deeper run.
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python import asgi

from app.api.responses import Problem
from app.errors import PROBLEM_MEDIA_TYPE
from app.main import create_app
from tests.conftest import settings_for


def problem_body_conforms(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                          case: schemathesis.Case) -> bool | None:
    """Error bodies are problem+json documents whose status matches the response's."""
    if response.status_code < 400:
        return None
    assert response.headers.get("content-type", [""])[0].startswith(PROBLEM_MEDIA_TYPE), response.headers
    body = Problem.model_validate_json(response.content)
    assert body.status == response.status_code, body
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, problem_body_conforms]
FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
STATEFUL_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def api_schema(seeded_url: str) -> Iterator[schemathesis.BaseSchema]:
    app = create_app(settings_for(seeded_url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    yield schema
    asgi.shutdown_lifespans()  # loading the schema started the lifespan outside any test


def _documented_operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation, read from the app without a database."""
    spec = create_app(settings_for("sqlite://")).openapi()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item]


OPERATIONS = _documented_operations()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms(api_schema: schemathesis.BaseSchema, method: str, path: str,
                            mode: GenerationMode) -> None:
    """Valid (positive) and invalid (negative) requests alike get a documented, schema-conformant answer."""
    operation = api_schema[path][method]

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    try:
        fuzz()
    except Unsatisfiable:
        # Only a free-form string path parameter: every value is valid, so there is nothing negative to send.
        pytest.skip(f"schemathesis cannot express an invalid request to {method} {path}")


def test_operations_are_all_covered(api_schema: schemathesis.BaseSchema) -> None:
    """A route added without a schema (or hidden from it) would silently escape the fuzzing above."""
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == {f"{m} {p}" for m, p in OPERATIONS}
    writes = {"POST /v1/sources", "POST /v1/sources/{slug}/candidates", "POST /v1/proposals",
              "POST /v1/proposals/{proposal_id}/reviews", "POST /v1/proposals/{proposal_id}/publish"}
    assert len(labels) == 42 and all(label.startswith("GET /v1/") or label in writes for label in labels), sorted(labels)


def test_stateful_links(api_schema: schemathesis.BaseSchema) -> None:
    """Follow the inferred links (collection → item) with real identifiers; the same checks hold."""
    base = api_schema.as_state_machine()
    if not base.bundles:
        pytest.skip("the schema has no links, declared or inferred: no stateful phase applies")

    class Machine(base):  # type: ignore[misc,valid-type]
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=STATEFUL_SETTINGS)


def test_414_is_documented() -> None:
    spec = create_app(settings_for("sqlite://")).openapi()
    undocumented = [f"{m.upper()} {p}" for p, item in spec["paths"].items() for m, op in item.items()
                    if "414" not in op["responses"]]
    assert undocumented == []


def test_problem_json_has_its_schema() -> None:
    spec = create_app(settings_for("sqlite://")).openapi()
    wrong = [f"{m.upper()} {p} {status}" for p, item in spec["paths"].items() for m, op in item.items()
             for status, response in op["responses"].items() if status >= "400"
             and ("schema" not in response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {})
                  or "application/json" in response.get("content", {}))]
    assert wrong == []
