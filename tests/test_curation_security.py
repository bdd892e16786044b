"""Every write route × every kind of credential, on SQLite and PostgreSQL: 401, 403 or success, exactly, and
each refusal in the audit log.

tests/test_keys.py pins the same matrix on stand-in routes; this one runs it on the real write routes, each
call with a request that would succeed, so the only thing that differs between the cells is the credential.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from api_helpers import credentials
from conftest import client_for, migrate_and_seed
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import Settings
from app.db import make_engine
from app.keys.service import SCOPES, create_key, revoke_key

SOURCE = "economic-daily-2020-10-20-longgang"
QUOTE, START, END = "龙港市委书记郑建忠表示", 1031, 1042  # a person's citation that passes the checks
SCOPE_OF = {"POST /v1/sources": "propose", "POST /v1/sources/{slug}/candidates": "propose",
            "POST /v1/proposals": "propose",
            "POST /v1/proposals/{id}/reviews": "review", "POST /v1/proposals/{id}/publish": "publish"}
SUCCESS = {"POST /v1/sources": 201, "POST /v1/sources/{slug}/candidates": 200, "POST /v1/proposals": 201, "POST /v1/proposals/{id}/reviews": 201,
           "POST /v1/proposals/{id}/publish": 200}


def make_keys(url: str) -> dict[str, str]:
    """One key per scope, one with all, a revoked one, an expired one, and the author and reviewer of the
    proposals the review and publish calls act on: name → secret."""
    engine = make_engine(Settings(database_url=url))
    secrets = {}
    with engine.begin() as connection:
        for name, scopes in [*((s, (s,)) for s in SCOPES), ("all", SCOPES), ("revoked", SCOPES),
                             ("expired", SCOPES), ("author", ("propose",)), ("reviewer", ("review",))]:
            secrets[name] = create_key(connection, name, scopes)
        revoke_key(connection, "revoked")
        connection.execute(text("UPDATE api_key SET expires_at = :t WHERE name = 'expired'"),
                           {"t": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)})
    engine.dispose()
    return secrets


def expected(credential: str, route: str) -> int:
    if credential == "lowercase-scheme":  # the all-scopes key; the scheme is case-insensitive
        return SUCCESS[route]
    if credential.startswith("scope-"):
        return SUCCESS[route] if credential == f"scope-{SCOPE_OF[route]}" else 403
    return 401


class Calls:
    """A request per route that succeeds when the credential allows it: fresh slugs, and proposals made and
    approved by other keys, so a review or a publish always has something to act on."""

    def __init__(self, client: TestClient, secrets: dict[str, str]) -> None:
        self.client, self.secrets, self.counter = client, secrets, itertools.count()

    def _person(self) -> dict[str, Any]:
        n = next(self.counter)
        return {"kind": "person", "operation": "create", "slug": f"matrix-person-{n}", "comment": "matrix",
                "document": {"slug": f"matrix-person-{n}", "name": {"zh": "郑建忠", "en": "Zheng Jianzhong"},
                             "role": {"zh": "龙港市委书记", "en": "Party Secretary of Longgang"},
                             "citations": [{"source": SOURCE, "quote": QUOTE, "start": START, "end": END}]}}

    def _as(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[name]}"}

    def _proposal(self, approved: bool) -> int:
        response = self.client.post("/v1/proposals", headers=self._as("author"), json=self._person())
        assert response.status_code == 201, response.text
        proposal_id = response.json()["id"]
        if approved:
            assert self.client.post(f"/v1/proposals/{proposal_id}/reviews", headers=self._as("reviewer"),
                                    json={"decision": "approve"}).status_code == 201
        return proposal_id

    def route(self, name: str) -> Callable[[dict[str, str]], Any]:
        def sources(headers: dict[str, str]) -> Any:
            n = next(self.counter)
            return self.client.post("/v1/sources", headers=headers, json={
                "slug": f"matrix-source-{n}", "title": {"zh": "标题", "en": "Title"},
                "publisher": {"zh": "测试", "en": "Test"}, "published_on": "2021-01-01", "body": f"正文{n}"})

        def candidates(headers: dict[str, str]) -> Any:
            return self.client.post(f"/v1/sources/{SOURCE}/candidates", headers=headers)

        def proposals(headers: dict[str, str]) -> Any:
            return self.client.post("/v1/proposals", headers=headers, json=self._person())

        def reviews(headers: dict[str, str]) -> Any:
            return self.client.post(f"/v1/proposals/{self._proposal(False)}/reviews", headers=headers,
                                    json={"decision": "approve"})

        def publish(headers: dict[str, str]) -> Any:
            return self.client.post(f"/v1/proposals/{self._proposal(True)}/publish", headers=headers)

        return {"POST /v1/sources": sources, "POST /v1/sources/{slug}/candidates": candidates,
                "POST /v1/proposals": proposals,
                "POST /v1/proposals/{id}/reviews": reviews, "POST /v1/proposals/{id}/publish": publish}[name]


def test_every_write_route_against_every_kind_of_credential(empty_url: str) -> None:
    migrate_and_seed(empty_url)
    secrets = make_keys(empty_url)
    got, want = {}, {}
    refusals = 0
    with client_for(empty_url) as client:
        calls = Calls(client, secrets)
        for route, (credential, headers) in itertools.product(SCOPE_OF, credentials(secrets).items()):
            response = calls.route(route)(headers)
            got[(route, credential)], want[(route, credential)] = response.status_code, expected(credential, route)
            if response.status_code in (401, 403):
                refusals += 1
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["www-authenticate"].startswith('Bearer realm="reform-facts"')
    assert got == want
    engine = make_engine(Settings(database_url=empty_url))
    with engine.connect() as connection:
        refused = connection.execute(text(
            "SELECT count(*) FROM audit_event WHERE outcome LIKE '401 %' OR outcome LIKE '403 %'")).scalar_one()
        stored = " ".join(str(v) for row in connection.execute(text("SELECT * FROM audit_event")) for v in row)
    engine.dispose()
    assert refused == refusals == sum(1 for status in want.values() if status in (401, 403))
    for secret in secrets.values():
        assert secret[17:] not in stored  # never the secret, not even its random part

