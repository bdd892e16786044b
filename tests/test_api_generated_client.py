"""A client generated from /openapi.json by openapi-python-client parses every GET operation into its typed model."""

import importlib
import importlib.util
import inspect
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import client_for
from fastapi.testclient import TestClient
from test_conflicts import conflict_url  # noqa: F401  (fixture: the seed data and a second, synthetic source)

from app.config import Settings
from app.db import make_engine
from app.keys.service import create_key
from tests.api_helpers import SOURCE_BODY, SOURCE_SLUG

GENERATOR = "openapi_python_client"

# The arguments of each operation that needs some: real seed items, so every call answers 200.
ARGUMENTS: dict[str, dict[str, str]] = {
    "/v1/events/{slug}": {"slug": "longgang-town-founded-1983-10"},
    "/v1/indicators/{code}": {"code": "gdp"},
    "/v1/indicators/{code}/observations": {"code": "gdp"},
    "/v1/observations/{slug}": {"slug": "longgang-gdp-2020-h1"},
    "/v1/measures/{slug}": {"slug": "one-seal-for-approvals"},
    "/v1/programmes/{slug}": {"slug": "town-to-city-reform"},
    "/v1/places/{slug}": {"slug": "longgang"},
    "/v1/people/{slug}": {"slug": "zheng-jianzhong"},
    "/v1/sources/{slug}": {"slug": SOURCE_SLUG},
    "/v1/sources/{slug}/body": {"slug": SOURCE_SLUG},
    "/v1/sources/{slug}/citations": {"slug": SOURCE_SLUG},
    "/v1/search": {"q": "港"},
    "/v1/releases/{number}": {"number": 1},
    "/v1/releases/{number}/datapackage.zip": {"number": 1},
}
# The seed data has one source, so nothing to disagree: these lists are empty there (parsed with data below).
EMPTY_ON_THE_SEED_DATA = {"/v1/conflicts", "/v1/proposals"}
# Nothing of it exists on the seed data (no proposal has been made): tests/test_curation.py reads one.
NOT_ON_THE_SEED_DATA = {"/v1/proposals/{proposal_id}"}
# Each fact's history is under its item's URL, with the same path parameter.
ARGUMENTS |= {f"{path}/history": arguments for path, arguments in ARGUMENTS.items() if path.count("/") == 3
              and path.endswith("}")}


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def package(spec: dict[str, Any], backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client package, imported; one per backend, so each is named after it."""
    if importlib.util.find_spec(GENERATOR) is None:
        pytest.fail("openapi-python-client is not installed; it is in the test extra: pip install -e '.[test]'")
    root = tmp_path_factory.mktemp(f"generated-{backend}")
    name = f"reform_facts_client_{backend}"
    (root / "openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    # No post hooks: the generator would otherwise run ruff over its output, which importing does not need.
    # The generator reads only application/octet-stream as bytes: a release's zip is told to it as such.
    (root / "config.yaml").write_text("post_hooks: []\n"
                                      "content_type_overrides:\n  application/zip: application/octet-stream\n")
    # A warning is how a dropped model shows: without --fail-on-warning the generator still exits 0.
    result = subprocess.run(
        [sys.executable, "-m", GENERATOR, "generate", "--path", str(root / "openapi.json"),
         "--output-path", str(root / name), "--meta", "none", "--config", str(root / "config.yaml"),
         "--fail-on-warning"],
        check=False, capture_output=True, text=True, timeout=120, cwd=root)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def endpoint_modules(package: ModuleType) -> dict[str, ModuleType]:
    """The generated module of each GET operation, keyed by its path template."""
    api = importlib.import_module(f"{package.__name__}.api")
    found: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        module = importlib.import_module(info.name)
        if not hasattr(module, "sync_detailed") or '"method": "get"' not in inspect.getsource(module._get_kwargs):
            continue  # the write routes' functions take a body: tests/test_curation.py drives those routes
        # Given each required parameter as its own placeholder, _get_kwargs gives back the path template.
        required = [name for name, p in inspect.signature(module._get_kwargs).parameters.items()
                    if p.default is inspect.Parameter.empty]
        kwargs = module._get_kwargs(**{name: f"{{{name}}}" for name in required})
        assert kwargs["method"] == "get", info.name
        found[unquote(kwargs["url"])] = module
    return found


def typed_client(package: ModuleType, client: TestClient) -> Any:
    # TestClient is an httpx.Client, so the generated client sends its requests straight to the app.
    generated = package.Client(base_url=str(client.base_url), raise_on_unexpected_status=True)
    return generated.set_httpx_client(client)


def model_of(spec: dict[str, Any], schema: dict[str, Any], models: ModuleType) -> type:
    """The generated class of a `$ref` schema: the generator names it after the component's title."""
    title = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["title"]
    return getattr(models, title)


def test_every_get_operation_has_a_generated_function(spec: dict[str, Any], package: ModuleType) -> None:
    documented = {path for path, item in spec["paths"].items() if "get" in item}
    assert set(endpoint_modules(package)) == documented


@pytest.fixture(scope="module")
def keyed_client(client: TestClient, seeded_url: str) -> TestClient:
    """A client of the same app that sends a key, for the operations that need one (GET /v1/keys/current)."""
    engine = make_engine(Settings(database_url=seeded_url))
    try:
        with engine.begin() as connection:
            secret = create_key(connection, "generated client", ("propose",), actor="test")
    finally:
        engine.dispose()
    # Its own httpx client: headers set on the generated client would land on the shared session client.
    return TestClient(client.app, headers={"Authorization": f"Bearer {secret}"})


def test_every_get_operation_parses_into_its_typed_model(spec: dict[str, Any], package: ModuleType,
                                                         client: TestClient, keyed_client: TestClient) -> None:
    models = importlib.import_module(f"{package.__name__}.models")
    api_client, api_client_with_key = typed_client(package, client), typed_client(package, keyed_client)
    offenders: list[str] = []
    for path, module in sorted(endpoint_modules(package).items()):
        if path in NOT_ON_THE_SEED_DATA:
            continue
        arguments = ARGUMENTS.get(path, {})
        needs_key = "security" in spec["paths"][path]["get"]
        response = module.sync_detailed(client=api_client_with_key if needs_key else api_client, **arguments)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        if "application/zip" in content:  # a release's data package, as the generator's File
            assert isinstance(response.parsed, importlib.import_module(f"{package.__name__}.types").File), path
            assert response.parsed.payload.read() == response.content and response.content[:2] == b"PK", path
            continue
        if "application/json" not in content:
            assert response.parsed == SOURCE_BODY, path
            continue
        schema = content["application/json"]["schema"]
        expected = model_of(spec, schema, models)
        parsed = response.parsed
        if not isinstance(parsed, expected):
            offenders.append(f"{path}: {type(parsed).__name__}, not {expected.__name__}")
            continue
        # The typed object holds the whole body, and no key of it ended up untyped in additional_properties.
        if parsed.to_dict() != json.loads(response.content):
            offenders.append(f"{path}: to_dict() differs from the body")
        for item in [parsed, *getattr(parsed, "data", [])]:
            if item.additional_properties:
                offenders.append(f"{path}: untyped keys {sorted(item.additional_properties)}")
        identity = arguments.get("slug") or arguments.get("code")
        if path.endswith("}") and identity not in (getattr(parsed, "slug", None), getattr(parsed, "code", None)):
            offenders.append(f"{path}: parsed {identity!r} as another item")
        data_schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["properties"].get("data")
        if data_schema:
            item_model = model_of(spec, data_schema["items"], models)
            if (not parsed.data and path not in EMPTY_ON_THE_SEED_DATA) or not all(
                    isinstance(item, item_model) for item in parsed.data):
                offenders.append(f"{path}: data items are not all {item_model.__name__}")
            if not isinstance(parsed.meta, models.PageMeta) or parsed.meta.count != len(parsed.data):
                offenders.append(f"{path}: meta is not a PageMeta counting the page")
    assert not offenders, offenders


def test_conflicts_parse_into_their_typed_models(package: ModuleType, conflict_url: str) -> None:  # noqa: F811
    """/v1/conflicts with disagreements to list (empty on the seed data alone): typed all the way down."""
    models = importlib.import_module(f"{package.__name__}.models")
    with client_for(conflict_url) as client:
        response = endpoint_modules(package)["/v1/conflicts"].sync_detailed(client=typed_client(package, client))
    assert response.status_code == 200
    parsed = response.parsed
    assert isinstance(parsed, models.ConflictPage) and parsed.to_dict() == json.loads(response.content)
    assert [type(item).__name__ for item in parsed.data] == ["ConflictOut", "ConflictOut"]
    assert all(isinstance(item.key, models.ConflictKey) and not item.additional_properties for item in parsed.data)
    facts = [fact for item in parsed.data for fact in item.facts]
    assert [type(fact).__name__ for fact in facts] == ["ConflictingFact"] * 4
    assert [fact.stated.additional_properties.get("value") for fact in facts] == [None, None, "138.5", "138.1"]
