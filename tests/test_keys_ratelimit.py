"""The per-key rate limit on routes that need a scope: 429 + Retry-After past the burst, per key, audited.

Test-only routes stand in for the write routes (as in test_keys), on SQLite and PostgreSQL.
"""

from typing import Annotated

import pytest
import test_keys
from conftest import client_for
from fastapi.testclient import TestClient
from test_keys import audit_log

from app.config import Settings
from app.keys import auth
from app.keys.auth import require
from app.keys.service import Caller

keyed = test_keys.keyed  # the fixture: a key per scope, one for all, one revoked, one expired


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token comes back during a test: the counts below do not depend on how fast the machine is."""
    monkeypatch.setattr(auth, "_clock", lambda: 1000.0)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def with_test_routes(client: TestClient) -> TestClient:
    def propose(caller: Annotated[Caller, require("propose")]) -> dict:
        return {"name": caller.name}

    def anyone(caller: Annotated[Caller, require(None)]) -> dict:
        return {"name": caller.name}

    client.app.add_api_route("/v1/_test/propose", propose, methods=["POST"])
    client.app.add_api_route("/v1/_test/anyone", anyone, methods=["POST"])
    return client


def test_a_key_past_its_burst_gets_429_with_retry_after(keyed: dict[str, str], empty_url: str) -> None:
    # One a minute, two at once: the third request within the minute is refused, for 60 s.
    with with_test_routes(client_for(empty_url, write_rate_limit_per_minute=1, write_rate_limit_burst=2)) as client:
        allowed = [client.post("/v1/_test/propose", headers=bearer(keyed["propose"])) for _ in range(2)]
        refused = client.post("/v1/_test/propose", headers=bearer(keyed["propose"]))
        other_key = client.post("/v1/_test/propose", headers=bearer(keyed["all"]))
        unscoped = client.post("/v1/_test/anyone", headers=bearer(keyed["propose"]))
        # A key without the scope spends tokens too: 403, 403, then 429.
        lacking = [client.post("/v1/_test/propose", headers=bearer(keyed["review"])).status_code for _ in range(3)]
        anonymous = client.post("/v1/_test/propose")
    assert [(r.status_code, r.json()) for r in allowed] == [(200, {"name": "propose"})] * 2
    assert allowed[0].headers["cache-control"] == "no-store"
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "60"
    assert refused.json() == {
        "type": "https://reform-facts.example/problems/too-many-requests", "title": "Too Many Requests",
        "status": 429, "detail": "Too many requests with the key 'propose'; retry in 60 s.",
        "instance": "/v1/_test/propose"}
    assert (other_key.status_code, other_key.json()) == (200, {"name": "all"})  # one bucket per key
    assert (unscoped.status_code, unscoped.json()) == (200, {"name": "propose"})  # require(None) is not limited
    assert lacking == [403, 403, 429]
    assert anonymous.status_code == 401  # no key, no bucket: refused as before

    refusals = [row for row in audit_log(empty_url) if row[1].startswith("POST ")]
    assert refusals == [
        ("key:propose", "POST /v1/_test/propose", "/v1/_test/propose", "429 rate limited"),
        ("key:review", "POST /v1/_test/propose", "/v1/_test/propose", "403 needs scope propose"),
        ("key:review", "POST /v1/_test/propose", "/v1/_test/propose", "403 needs scope propose"),
        ("key:review", "POST /v1/_test/propose", "/v1/_test/propose", "429 rate limited"),
        ("anonymous", "POST /v1/_test/propose", "/v1/_test/propose", "401 no credentials"),
    ]


def test_zero_turns_the_limit_off(keyed: dict[str, str], empty_url: str) -> None:
    with with_test_routes(client_for(empty_url, write_rate_limit_per_minute=0, write_rate_limit_burst=1)) as client:
        statuses = {client.post("/v1/_test/propose", headers=bearer(keyed["propose"])).status_code for _ in range(30)}
    assert statuses == {200}


def test_the_defaults_are_sixty_a_minute_in_bursts_of_twenty(keyed: dict[str, str], empty_url: str) -> None:
    defaults = Settings()
    assert (defaults.write_rate_limit_per_minute, defaults.write_rate_limit_burst) == (60, 20)
    # (client_for turns limits off for other tests: the defaults are asked for by name here)
    with with_test_routes(client_for(empty_url, write_rate_limit_per_minute=60, write_rate_limit_burst=20)) as client:
        statuses = [client.post("/v1/_test/propose", headers=bearer(keyed["propose"])) for _ in range(21)]
    assert [r.status_code for r in statuses] == [200] * 20 + [429]
    assert statuses[-1].headers["retry-after"] == "1"  # a token a second (and the clock is stopped)
