"""Fixtures: every API and data test runs once on SQLite and once on PostgreSQL.

Each backend gets a fresh database built the way production builds it — `alembic upgrade head`,
then the real seed files — never the developer's database. PostgreSQL tests need a server at
TEST_POSTGRES_URL (default: the local one); without it they are skipped, unless
REQUIRE_POSTGRES=1 (as in CI), where a missing server fails the run.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.bootstrap import bootstrap_lock, migrate, seed
from app.config import REPO_ROOT, Settings
from app.db import make_engine
from app.main import create_app

SEED_DIR = REPO_ROOT / "seed_data"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgresql")


def _postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database of the given backend, dropped afterwards; yields its URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'rf-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"rf_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate_and_seed(url: str, seed_dir: Path = SEED_DIR) -> dict[str, int] | None:
    engine = make_engine(Settings(database_url=url))
    try:
        with bootstrap_lock(engine) as connection:
            migrate(connection)
            return seed(connection, seed_dir)
    finally:
        engine.dispose()


def settings_for(url: str, **overrides: object) -> Settings:
    # No rate limits unless a test asks for one: a test's requests come as fast as it can make them.
    return Settings(**{"database_url": url, "access_log": False, "rate_limit_per_minute": 0,
                       "write_rate_limit_per_minute": 0, **overrides})


def client_for(url: str, **overrides: object) -> TestClient:
    """A client of a new app over `url` (use it as a context manager, which runs the app's lifespan)."""
    return TestClient(create_app(settings_for(url, **overrides)))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not _postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but {PG_ADMIN_URL} is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    return request.param


@pytest.fixture(scope="session")
def seeded_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of `backend` holding the real seed data, shared by the read-only tests."""
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        migrate_and_seed(url)
        yield url


@pytest.fixture(scope="session")
def client(seeded_url: str) -> Iterator[TestClient]:
    """An HTTP client of the app serving the seeded database (read-only: never write through it)."""
    with TestClient(create_app(settings_for(seeded_url))) as c:
        yield c


@pytest.fixture(scope="session")
def sqlite_seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite database for tests of the HTTP layer that do not depend on the backend."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'seeded.sqlite3'}"
    migrate_and_seed(url)
    return url


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of `backend` for tests that load, change or break data."""
    with fresh_database(backend, tmp_path) as url:
        yield url
