"""Alembic environment: the models package is the metadata, the URL comes from the app's settings."""

from alembic import context
from sqlalchemy import Connection

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db import make_engine
from sqlmodel import SQLModel

target_metadata = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only change a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # The app's migrate command hands over its own connection (inside its migration lock).
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(get_settings())
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=get_settings().database_url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
