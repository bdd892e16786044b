"""dataset_release: numbered, immutable releases of the dataset (app.models.release).

Empty after this migration: the next start-up (or seed) finds no release and makes release 1 from the
facts as they stand. Like fact_revision, triggers refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE):
a release is a publication, and what was published under a number must stay what it was.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_release",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("dataset_version", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("changelog", sa.Text(), nullable=False),
        sa.Column("package", sa.LargeBinary(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_dataset_release")),
        sa.UniqueConstraint("dataset_version", name=op.f("uq_dataset_release_dataset_version")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION dataset_release_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'dataset_release is immutable'; END $$")
        op.execute("CREATE TRIGGER dataset_release_immutable BEFORE UPDATE OR DELETE ON dataset_release "
                   "FOR EACH ROW EXECUTE FUNCTION dataset_release_immutable()")
        op.execute("CREATE TRIGGER dataset_release_no_truncate BEFORE TRUNCATE ON dataset_release "
                   "FOR EACH STATEMENT EXECUTE FUNCTION dataset_release_immutable()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER dataset_release_immutable_{event.lower()} BEFORE {event} ON dataset_release "
                       "BEGIN SELECT RAISE(ABORT, 'dataset_release is immutable'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER dataset_release_no_truncate ON dataset_release")
        op.execute("DROP TRIGGER dataset_release_immutable ON dataset_release")
        op.execute("DROP FUNCTION dataset_release_immutable()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER dataset_release_immutable_{event}")
    op.drop_table("dataset_release")
