"""Alembic: no drift between models and migrations; up, down and up again on each backend."""

import os
import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.bootstrap import alembic_config, bootstrap_lock, head_revision, migrate
from app.config import REPO_ROOT, Settings
from app.db import make_engine
from app.seed.yamlio import read_yaml
from tests.conftest import SEED_DIR, migrate_and_seed


def test_models_and_migrations_agree(empty_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_url))
    with bootstrap_lock(engine) as connection:
        migrate(connection)
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []  # what `alembic check` checks
    engine.dispose()


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_url))
    tables = set(SQLModel.metadata.tables)
    with engine.connect() as connection:
        config = alembic_config(connection)
        command.upgrade(config, "head")
        connection.commit()
        assert tables <= set(inspect(connection).get_table_names())
        command.downgrade(config, "base")
        connection.commit()
        assert not tables & set(inspect(connection).get_table_names())
        command.upgrade(config, "head")
        connection.commit()
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    engine.dispose()


def test_alembic_check_command_finds_no_drift(empty_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_url))
    with bootstrap_lock(engine) as connection:
        migrate(connection)
    engine.dispose()
    result = subprocess.run([sys.executable, "-m", "alembic", "check"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "DATABASE_URL": empty_url})
    assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


def test_head_revision_read_from_the_scripts_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_0004_gives_existing_events_the_edtf_of_their_precision(empty_url: str) -> None:
    """Down to 0003 and up again on a seeded database (citations pointing at every event): each event gets
    back the EDTF string its seed entry states, computed from its precision and range."""
    migrate_and_seed(empty_url)
    stated = {entry["slug"]: entry["edtf"] for entry in read_yaml(SEED_DIR / "events.yaml")}
    engine = make_engine(Settings(database_url=empty_url))
    with engine.connect() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "0003")
        connection.commit()
        assert "date_edtf" not in {c["name"] for c in inspect(connection).get_columns("timeline_event")}
        command.upgrade(config, "head")
        connection.commit()
        filled = dict(connection.execute(text("SELECT slug, date_edtf FROM timeline_event")).all())
    engine.dispose()
    assert filled == stated


def test_0008_goes_down_and_up_on_a_seeded_database_keeping_every_other_citation(empty_url: str) -> None:
    """Down to 0007 drops people, their citations and the review's columns, and nothing else: the statements'
    tables are altered in place, not copied (a copy on SQLite would cascade onto their citations)."""
    migrate_and_seed(empty_url)
    engine = make_engine(Settings(database_url=empty_url))
    count = "SELECT count(*) FROM citation"
    with engine.connect() as connection:
        assert connection.execute(text(count)).scalar() == 150
        config = alembic_config(connection)
        command.downgrade(config, "0007")
        connection.commit()
        assert connection.execute(text(count)).scalar() == 148  # the two that cite people
        assert "person" not in inspect(connection).get_table_names()
        assert "speaker_id" not in {c["name"] for c in inspect(connection).get_columns("reform_measure")}
        command.upgrade(config, "head")
        connection.commit()
        assert connection.execute(text(count)).scalar() == 148
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    engine.dispose()
