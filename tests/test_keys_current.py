"""GET /v1/keys/current: each key sees itself, nobody sees a key's answer from the cache, no key gets a 401.

On SQLite and PostgreSQL, with the response cache on (as it runs in production).
"""

from typing import Annotated

import pytest
import test_keys
from conftest import client_for
from fastapi.testclient import TestClient
from test_keys import keys, random_part

from app.api.cache import ResponseCache
from app.config import Settings
from app.db import make_engine
from app.keys.auth import require
from app.keys.service import Caller, list_keys

PROBLEM = "application/problem+json"

keyed = test_keys.keyed  # the fixture: a key per scope, one for all, one revoked, one expired


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def stored_paths(client: TestClient) -> set[str]:
    """The paths the app's response cache holds (found by walking its middleware stack)."""
    layer = client.app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return {key[0] for key in layer.entries}


def created_at(url: str) -> dict[str, str]:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            return {key.name: key.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") for key in list_keys(connection)}
    finally:
        engine.dispose()


def test_each_key_sees_itself_and_no_other(keyed: dict[str, str], empty_url: str) -> None:
    created = created_at(empty_url)
    with client_for(empty_url) as client:
        seen = [client.get("/v1/keys/current", headers=bearer(keyed[name])) for name in ("propose", "all", "propose")]
        anonymous = client.get("/v1/keys/current")
        paths = stored_paths(client)
    for response, name, scopes in zip(seen, ("propose", "all", "propose"),
                                      (["propose"], ["propose", "review", "publish", "admin"], ["propose"]),
                                      strict=True):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == {"name": name, "scopes": scopes, "created_at": created[name], "expires_at": None}
        for secret in keyed.values():
            assert random_part(secret) not in response.text
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="reform-facts"'
    assert anonymous.json() == {
        "type": "https://reform-facts.example/problems/unauthorized", "title": "Unauthorized", "status": 401,
        "detail": "This request needs an API key: send Authorization: Bearer <key>.", "instance": "/v1/keys/current"}
    assert "/v1/keys/current" not in paths


def test_an_expiring_key_shows_when(empty_url: str, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture) -> None:
    code, out, _ = keys(monkeypatch, capsys, empty_url, "create", "--name", "until 2099", "--scopes", "review",
                        "--expires", "2099-01-31")
    assert code == 0
    with client_for(empty_url) as client:
        response = client.get("/v1/keys/current", headers=bearer(out.splitlines()[-1]))
    assert response.status_code == 200
    assert response.json()["expires_at"] == "2099-01-31T00:00:00Z"
    assert response.json()["scopes"] == ["review"]


def test_unusable_keys_and_bad_requests_are_refused(keyed: dict[str, str], empty_url: str) -> None:
    with client_for(empty_url) as client:
        revoked = client.get("/v1/keys/current", headers=bearer(keyed["revoked"]))
        expired = client.get("/v1/keys/current", headers=bearer(keyed["expired"]))
        unknown_parameter = client.get("/v1/keys/current?name=all", headers=bearer(keyed["all"]))
        csv = client.get("/v1/keys/current", headers={**bearer(keyed["all"]), "Accept": "text/csv"})
    assert (revoked.status_code, revoked.json()["detail"]) == (401, "The API key was refused: key 'revoked' is revoked.")
    assert revoked.headers["www-authenticate"] == 'Bearer realm="reform-facts", error="invalid_token"'
    assert (expired.status_code, expired.json()["detail"]) == (401, "The API key was refused: key 'expired' has expired.")
    assert unknown_parameter.status_code == 400
    assert unknown_parameter.json()["errors"] == [
        {"in": "query", "parameter": "name", "reason": "is not a parameter of this endpoint; known: "}]
    assert csv.status_code == 406 and csv.headers["content-type"] == PROBLEM


def test_a_page_that_needs_a_key_is_never_served_from_the_cache(keyed: dict[str, str], empty_url: str) -> None:
    """A GET route that require()s a scope: its 200 for one key is not what the next client, with no key, gets."""
    with client_for(empty_url) as client:
        def proposals(caller: Annotated[Caller, require("review")]) -> dict:
            return {"for": caller.name}
        client.app.add_api_route("/v1/_test/proposals", proposals, methods=["GET"])
        reviewer = client.get("/v1/_test/proposals", headers=bearer(keyed["review"]))
        anonymous = client.get("/v1/_test/proposals")
        other = client.get("/v1/_test/proposals", headers=bearer(keyed["all"]))
        # A public page asked for with a key is served as usual, but not kept either.
        public = client.get("/v1/meta", headers=bearer(keyed["review"]))
        paths = stored_paths(client)
        cached_public = client.get("/v1/meta")
    assert (reviewer.status_code, reviewer.json()) == (200, {"for": "review"})
    assert reviewer.headers["cache-control"] == "no-store"
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert (other.status_code, other.json()) == (200, {"for": "all"})
    assert public.status_code == 200 and public.headers["cache-control"] == "public, max-age=60"
    assert paths == set()
    assert cached_public.status_code == 200 and cached_public.json() == public.json()
