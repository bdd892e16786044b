"""Helpers shared by the HTTP API tests: walking pages, reading problems, the seed's one source body."""

from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.config import REPO_ROOT
from app.keys.service import SCOPES
from app.registry import DOCUMENTED_KINDS

PROBLEM_MEDIA_TYPE = "application/problem+json"
SOURCE_SLUG = "economic-daily-2020-10-20-longgang"
SOURCE_BODY = (REPO_ROOT / "seed_data" / "sources" / f"{SOURCE_SLUG}.txt").read_text(encoding="utf-8")

# Every top-level collection, with the key that identifies an item of it.
COLLECTIONS = {kind.url_root: kind.key for kind in DOCUMENTED_KINDS}


def get_json(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params or None)
    assert response.status_code == 200, (url, params, response.status_code, response.text[:500])
    return response.json()


def walk(client: TestClient, url: str, **params: Any) -> tuple[list[dict[str, Any]], list[httpx.Response]]:
    """Every item of a collection, following links.next until it is null; also every page's response."""
    items: list[dict[str, Any]] = []
    responses: list[httpx.Response] = []
    response = client.get(url, params=params or None)
    while True:
        assert response.status_code == 200, (response.request.url, response.text[:500])
        responses.append(response)
        body = response.json()
        items += body["data"]
        next_url = body["links"]["next"]
        if next_url is None:
            return items, responses
        assert len(responses) < 500, "links.next never ends"
        response = client.get(next_url)


def slugs(items: list[dict[str, Any]], key: str = "slug") -> list[str]:
    return [item[key] for item in items]


def assert_problem(response: httpx.Response, status: int, parameter: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem of this status; with `parameter`, errors[] names it."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].split(";")[0] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://reform-facts.example/problems/")
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if parameter is not None:
        named = [e["parameter"] for e in body.get("errors") or []]
        assert parameter in named, body
        assert f"'{parameter}'" in body["detail"], body["detail"]
    return body


def credentials(secrets: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each kind of credential a client can send, as request headers: `secrets` names a key per scope,
    `all` (every scope), `revoked` and `expired`."""
    unknown = "rfk_" + secrets["propose"][4:16] + "_" + "B" * 43  # a known key id with the wrong secret
    return {
        "none": {},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
        "bearer-empty": {"Authorization": "Bearer "},
        "bearer-garbage": {"Authorization": "Bearer not-a-key"},
        "bearer-two-tokens": {"Authorization": f"Bearer {secrets['all']} extra"},
        "unknown-id": {"Authorization": "Bearer rfk_000000000000_" + "C" * 43},
        "wrong-secret": {"Authorization": f"Bearer {unknown}"},
        "revoked": {"Authorization": f"Bearer {secrets['revoked']}"},
        "expired": {"Authorization": f"Bearer {secrets['expired']}"},
        "lowercase-scheme": {"Authorization": f"bearer {secrets['all']}"},
        **{f"scope-{s}": {"Authorization": f"Bearer {secrets[s]}"} for s in SCOPES},
    }
