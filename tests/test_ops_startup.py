"""Start-up as an operator sees it: replicas starting together, and a misconfiguration told in one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.bootstrap import head_revision
from app.config import REPO_ROOT
from tests.conftest import (
    BACKENDS,
    PG_ADMIN_URL,
    REQUIRE_POSTGRES,
    _postgres_available,
    client_for,
    fresh_database,
    migrate_and_seed,
)
from tests.live_server import free_port, start_server, stop_server, wait_until_serving

REPLICAS = 3
UNKNOWN_REVISION = "ffffffffffff"
COMMAND_TIMEOUT = 60  # seconds; every bad configuration must end the command long before this


def _require(backend: str) -> None:
    # The rule of conftest's `backend` fixture: a missing PostgreSQL skips, unless CI requires it.
    if backend == "postgresql" and not _postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but {PG_ADMIN_URL} is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")


def _distinct_free_ports(n: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(free_port())
    return sorted(ports)


def _log_messages(log_path: Path) -> list[str]:
    messages = []
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            messages.append(json.loads(line)["msg"])
        except (ValueError, KeyError, TypeError):
            continue
    return messages


@pytest.mark.parametrize("backend", BACKENDS)
def test_replicas_started_together_on_a_fresh_database_all_serve(backend: str, tmp_path: Path) -> None:
    _require(backend)
    with fresh_database(backend, tmp_path) as url:
        ports = _distinct_free_ports(REPLICAS)
        logs = [tmp_path / f"serve-{port}.log" for port in ports]
        # A short statement timeout makes the race certain: the replicas that wait for the one migrating
        # and seeding wait far longer than this, and so may the migration and the seeding themselves.
        processes = [start_server(url, log, PORT=str(port), LOG_LEVEL="info", ACCESS_LOG="false",
                                  DB_STATEMENT_TIMEOUT_MS="200")
                     for port, log in zip(ports, logs, strict=True)]
        try:
            for port, process, log in zip(ports, processes, logs, strict=True):
                wait_until_serving(port, process, log)
            for port in ports:
                assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
                meta = httpx.get(f"http://127.0.0.1:{port}/v1/meta", timeout=5)
                assert meta.status_code == 200, meta.text
        finally:
            for process in processes:
                stop_server(process)
        messages = [message for log in logs for message in _log_messages(log)]
        assert sum(message.startswith("seeded: ") for message in messages) == 1
        assert sum(message.startswith("made release 1 ") for message in messages) == 1
        assert messages.count("database is at head and holds the current seed data") == REPLICAS - 1
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version FROM dataset_state")).scalar_one() == 1
            assert connection.execute(text("SELECT number FROM dataset_release")).scalars().all() == [1]
        engine.dispose()


# --- a misconfiguration: one `error:` line that says what is wrong and what to do, exit code 2 ----------

SUPPORTED = "sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host:5432/name"
WRITABLE = "set DATABASE_URL to a file in a directory this process can write"


@pytest.fixture(scope="module")
def newer_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, seeded SQLite database whose revision came from code newer than this."""
    url = f"sqlite:///{tmp_path_factory.mktemp('newer') / 'newer.sqlite3'}"
    migrate_and_seed(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": UNKNOWN_REVISION})
    engine.dispose()
    return url


# Each case: DATABASE_URL, and the exact line the command must stop with ({file} is a regular file).
BAD_CONFIGURATIONS = {
    "unparsable": ("not-a-url", "error: DATABASE_URL is not a database URL; set it to {supported}"),
    "driver missing": (
        "mysql://user@db.example/facts",
        ("error: DATABASE_URL names mysql, whose driver is not installed (No module named 'MySQLdb'); "
         "install it, or set DATABASE_URL to {supported}"),
    ),
    "unknown database": (
        "foo://user@db.example/facts",
        "error: DATABASE_URL names foo, a database this service does not know; set it to {supported}",
    ),
    "postgres not there": (
        "postgresql+psycopg://postgres:secret@127.0.0.1:1/facts",
        ("error: cannot connect to the database at postgresql+psycopg://postgres:***@127.0.0.1:1/facts "
         '(connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused); '
         "check DATABASE_URL and that the database server is running and reachable"),
    ),
    "sqlite directory impossible": (
        "sqlite:////proc/x/db.sqlite3",
        ("error: cannot create or open the SQLite database at /proc/x/db.sqlite3 "
         "(No such file or directory: /proc/x); {writable}"),
    ),
    "sqlite parent is a file": (  # as root, only a file in the way stops a mkdir
        "sqlite:///{file}/db.sqlite3",
        "error: cannot create or open the SQLite database at {file}/db.sqlite3 ({file} is not a directory); {writable}",
    ),
    "database newer than code": (
        "{newer}",
        ("error: the database is newer than this code: it is at revision {unknown}, which this code does not "
         "know (its newest is {head}); deploy the newer code or point DATABASE_URL at another database"),
    ),
}


@pytest.mark.parametrize("case", BAD_CONFIGURATIONS)
@pytest.mark.parametrize("command", ["serve", "migrate", "seed"])
def test_a_bad_database_configuration_stops_the_command_with_one_line(
    command: str, case: str, tmp_path: Path, newer_database: str
) -> None:
    in_the_way = tmp_path / "a-regular-file"
    in_the_way.write_text("")
    names = {"file": in_the_way, "newer": newer_database, "unknown": UNKNOWN_REVISION, "head": head_revision(),
             "supported": SUPPORTED, "writable": WRITABLE}
    database_url, expected = (template.format(**names) for template in BAD_CONFIGURATIONS[case])
    environment = {**os.environ, "DATABASE_URL": database_url, "DB_CONNECT_TIMEOUT": "1", "HOST": "127.0.0.1",
                   "PORT": str(free_port())}  # should `serve` start after all, it must not collide
    result = subprocess.run([sys.executable, "-m", "app", command], cwd=REPO_ROOT, env=environment,
                            capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [expected]
    assert "secret" not in result.stderr  # a password in DATABASE_URL is never printed


def test_readyz_says_when_the_database_is_newer_than_the_code(newer_database: str) -> None:
    with client_for(newer_database) as c:
        response = c.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"The database is newer than this code: it is at revision {UNKNOWN_REVISION}, which this code does not "
        f"know (its newest is {head_revision()}); deploy the newer code or point DATABASE_URL at another database.")
