"""ResourceRouter's shortcut turns away only paths none of its routes could match."""

import re

import pytest
from fastapi.testclient import TestClient

from app.api.routing import ResourceRouter
from app.main import ROUTERS


def example_path(template: str) -> str:
    """A concrete path for a route template: each parameter becomes a value of its type."""
    return re.sub(r"\{([^}:]+)(:[^}]+)?\}", lambda m: "1" if m.group(1) == "number" else "x", template)


def test_every_resource_router_is_one() -> None:
    assert all(isinstance(router, ResourceRouter) for router in ROUTERS)


@pytest.mark.parametrize("template", sorted({"/v1" + route.path for router in ROUTERS for route in router.routes}))
def test_every_route_is_still_reached(client: TestClient, template: str) -> None:
    response = client.get(example_path(template))
    # Its own answer (a page, a 404 naming the missing fact, a 400 …), never the no-route 404.
    assert not response.text.startswith('{"type":"https://reform-facts.example/problems/not-found"') \
        or "No resource at" not in response.json()["detail"], response.text


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/eventsx", 404),  # shares the literal text of /v1/events: falls through to the full match
    ("/v1/event", 404),
    ("/v1/search/", 307),  # the trailing-slash redirect still sees every route
    ("/v2/events", 404),
])
def test_near_misses(client: TestClient, path: str, status: int) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status
    if status == 404:
        assert response.json()["detail"] == f"No resource at {path}."


def test_a_wrong_method_is_still_405(client: TestClient) -> None:
    response = client.post("/v1/events")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
