"""API keys: the secret's shape, the `keys` commands, and what each kind of credential gets from a write route.

The write routes themselves come later; here a route that needs each scope is added to a real app, so the
401/403 matrix is pinned before any write exists, on SQLite and PostgreSQL.
"""

import datetime as dt
import logging
from typing import Annotated

import pytest
from api_helpers import credentials
from conftest import client_for
from sqlalchemy import text

from app.cli import main as cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.keys.auth import require
from app.keys.service import SCOPES, Caller, KeyCommandError, parse_scopes
from app.keys.tokens import key_id_of, new_secret

VALID = "rfk_0123456789ab_" + "A" * 43


def random_part(secret: str) -> str:
    """What makes a secret secret (url-safe base64 may itself hold "_", so not a split on it)."""
    return secret[len("rfk_0123456789ab_"):]


@pytest.mark.parametrize(("secret", "key_id"), [
    (VALID, "0123456789ab"),
    ("rfk_0123456789ab_" + "-_" * 21 + "z", "0123456789ab"),
    ("rfk_0123456789AB_" + "A" * 43, None),  # key ids are lowercase hex
    ("rfk_0123456789a_" + "A" * 43, None),  # 11 hex characters
    ("rfk_0123456789ab_" + "A" * 42, None),  # a character short
    ("rfk_0123456789ab_" + "A" * 44, None),  # a character long
    ("rfx_0123456789ab_" + "A" * 43, None),  # another prefix
    ("rfk_0123456789ab_" + "A" * 42 + "=", None),  # padding is not url-safe base64 as we write it
    (" " + VALID, None),
    (VALID + "\n", None),
    ("", None),
])
def test_a_secrets_key_id_is_read_only_from_the_exact_shape(secret: str, key_id: str | None) -> None:
    assert key_id_of(secret) == key_id


def test_new_secrets_have_the_shape_and_differ() -> None:
    made = [new_secret() for _ in range(50)]
    assert all(key_id_of(secret) == key_id for key_id, secret in made)
    assert len({secret for _, secret in made}) == 50


@pytest.mark.parametrize(("text", "scopes"), [
    ("propose", ("propose",)),
    ("publish,propose", ("propose", "publish")),  # SCOPES order, whatever order they were asked in
    (" review , review ", ("review",)),
    ("propose,review,publish,admin", SCOPES),
    ("", None), (",", None), ("read", None), ("propose,Publish", None),
])
def test_scopes_are_parsed_strictly(text: str, scopes: tuple[str, ...] | None) -> None:
    if scopes is None:
        with pytest.raises(KeyCommandError):
            parse_scopes(text)
    else:
        assert parse_scopes(text) == scopes


def keys(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, url: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()  # the command reads DATABASE_URL through the cached settings
    try:
        code = cli(["keys", *args])
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    return code, out, err


def database_text(url: str) -> str:
    """Every stored value of the key and audit tables, as one string to search for a secret."""
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            rows = [*connection.execute(text("SELECT * FROM api_key")), *connection.execute(text("SELECT * FROM audit_event"))]
    finally:
        engine.dispose()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


def audit_log(url: str) -> list[tuple[str, str, str, str]]:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(
                text("SELECT actor, action, target, outcome FROM audit_event ORDER BY id"))]
    finally:
        engine.dispose()


def test_keys_commands_print_the_secret_once_and_store_only_its_hash(
        empty_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    code, out, err = keys(monkeypatch, capsys, empty_url, "create", "--name", "data desk", "--scopes", "review,propose")
    # (stderr may hold a "Logging error" of a handler an earlier test's app bound to its own captured stdout)
    assert code == 0 and not any(line.startswith("error:") for line in err.splitlines())
    secret = out.splitlines()[-1]
    assert key_id_of(secret) is not None  # alone on the last line
    assert "scopes propose,review" in out.splitlines()[0]

    code, out, err = keys(monkeypatch, capsys, empty_url, "create", "--name", "editor", "--scopes", "publish",
                          "--expires", "2099-01-31")
    assert code == 0 and "expires 2099-01-31T00:00:00+00:00" in out

    code, out, _ = keys(monkeypatch, capsys, empty_url, "list")
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["name", "key_id", "scopes", "state", "created_at", "expires_at"]
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in lines[1:]] == [
        ("data desk", key_id_of(secret), "propose,review", "active", "-"),
        ("editor", lines[2][1], "publish", "active", "2099-01-31T00:00:00+00:00")]
    assert secret not in out and random_part(secret) not in out

    assert keys(monkeypatch, capsys, empty_url, "revoke", "data desk")[0] == 0
    assert keys(monkeypatch, capsys, empty_url, "list")[1].splitlines()[1].split("\t")[3] == "revoked"

    stored = database_text(empty_url)
    assert random_part(secret) not in stored  # neither the secret nor its random part is stored
    assert audit_log(empty_url) == [
        ("cli", "keys.create", "data desk", "ok: scopes propose,review"),
        ("cli", "keys.create", "editor", "ok: scopes publish, expires 2099-01-31T00:00:00+00:00"),
        ("cli", "keys.revoke", "data desk", "ok")]


@pytest.mark.parametrize(("args", "message"), [
    (["create", "--name", "a", "--scopes", "read"], "scopes must be a comma-separated list of propose, review"),
    (["create", "--name", "a", "--scopes", "propose", "--expires", "2001-01-01"], "--expires must be in the future"),
    (["create", "--name", "a", "--scopes", "propose", "--expires", "soon"], "--expires must be an ISO 8601"),
    (["create", "--name", "  ", "--scopes", "propose"], "a key's name is 1–80 printable characters"),
    (["create", "--name", "taken", "--scopes", "propose"], "a key named 'taken' exists already"),
    (["revoke", "nobody"], "no key named 'nobody'"),
])
def test_keys_commands_refuse_bad_input_with_a_message(
        args: list[str], message: str, empty_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    assert keys(monkeypatch, capsys, empty_url, "create", "--name", "taken", "--scopes", "propose")[0] == 0
    code, out, err = keys(monkeypatch, capsys, empty_url, *args)
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert [row[2] for row in audit_log(empty_url)] == ["taken"]  # nothing refused was written


@pytest.fixture
def keyed(empty_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> dict[str, str]:
    """A migrated database with one key per scope, one with all, one revoked and one expired: name → secret."""
    secrets: dict[str, str] = {}
    for name, scopes in [*((s, s) for s in SCOPES), ("all", ",".join(SCOPES)), ("revoked", ",".join(SCOPES)),
                         ("expired", ",".join(SCOPES))]:
        code, out, _ = keys(monkeypatch, capsys, empty_url, "create", "--name", name, "--scopes", scopes)
        assert code == 0
        secrets[name] = out.splitlines()[-1]
    assert keys(monkeypatch, capsys, empty_url, "revoke", "revoked")[0] == 0
    engine = make_engine(Settings(database_url=empty_url))
    with engine.begin() as connection:  # expiry is refused in the past by `create`, so age the key here
        connection.execute(text("UPDATE api_key SET expires_at = :t WHERE name = 'expired'"),
                           {"t": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)})
    engine.dispose()
    return secrets


def expected_status(credential: str, scope: str) -> int:
    if credential == "lowercase-scheme":  # the scheme is case-insensitive (RFC 9110 §11.1)
        return 200
    if credential.startswith("scope-"):
        return 200 if credential == f"scope-{scope}" else 403  # no scope implies another, admin included
    return 401


def test_every_kind_of_credential_against_every_scope(keyed: dict[str, str], empty_url: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with client_for(empty_url) as client:
        for scope in SCOPES:
            def write(caller: Annotated[Caller, require(scope)]) -> dict:
                return {"name": caller.name}
            client.app.add_api_route(f"/v1/_test/{scope}", write, methods=["POST"])
        seen: dict[tuple[str, str], int] = {}
        for credential, headers in credentials(keyed).items():
            for scope in SCOPES:
                response = client.post(f"/v1/_test/{scope}", headers=headers)
                seen[(credential, scope)] = response.status_code
                if response.status_code == 200:
                    continue
                assert response.headers["content-type"] == "application/problem+json"
                problem = response.json()
                challenge = response.headers["www-authenticate"]
                if response.status_code == 401:
                    assert problem["type"].endswith("/unauthorized")
                    assert challenge.startswith('Bearer realm="reform-facts"')
                    assert ("error=" in challenge) == (credential != "none")
                else:
                    assert problem["type"].endswith("/forbidden")
                    assert challenge == f'Bearer realm="reform-facts", error="insufficient_scope", scope="{scope}"'
                    assert f"lacks the scope '{scope}'" in problem["detail"]
                for secret in keyed.values():
                    assert secret not in response.text
                    assert random_part(secret) not in response.text
    assert seen == {(c, s): expected_status(c, s) for c in credentials(keyed) for s in SCOPES}

    # Every refusal is in the audit log, with who (when known), the route and why; never a secret.
    log = audit_log(empty_url)
    refusals = [row for row in log if row[1].startswith("POST ")]
    assert len(refusals) == sum(1 for status in seen.values() if status != 200)
    assert ("anonymous", "POST /v1/_test/publish", "/v1/_test/publish", "401 no credentials") in refusals
    assert ("anonymous", "POST /v1/_test/review", "/v1/_test/review", "401 unknown key") in refusals
    assert ("anonymous", "POST /v1/_test/review", "/v1/_test/review",
            "401 malformed Authorization header (expected: Bearer <key>)") in refusals
    assert ("key:revoked", "POST /v1/_test/admin", "/v1/_test/admin", "401 key 'revoked' is revoked") in refusals
    assert ("key:expired", "POST /v1/_test/admin", "/v1/_test/admin", "401 key 'expired' has expired") in refusals
    assert ("key:propose", "POST /v1/_test/publish", "/v1/_test/publish", "403 needs scope publish") in refusals
    stored, logged = database_text(empty_url), caplog.text
    for secret in keyed.values():
        assert random_part(secret) not in stored
        assert random_part(secret) not in logged


def test_the_audit_log_is_append_only(keyed: dict[str, str], empty_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_url))
    try:
        for statement in ("UPDATE audit_event SET outcome = 'nothing happened'", "DELETE FROM audit_event"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
    finally:
        engine.dispose()
    assert len(audit_log(empty_url)) == 8  # 7 keys created, 1 revoked
