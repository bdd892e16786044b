"""fact_revision: the append-only, hash-chained history of every fact (app.models.revision).

Empty after this migration: the next seed records every fact as created (a database that already has
facts gets its history from that point on). Triggers refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE)
of revisions, so no code path can rewrite history by mistake; the hash chain is what detects someone who
drops the triggers first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fact_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("operation", sa.String(length=12), nullable=False),
        sa.Column("patch", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dataset_version", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_revision")),
        sa.UniqueConstraint("hash", name=op.f("uq_fact_revision_hash")),
    )
    op.create_index("ix_fact_revision_fact", "fact_revision", ["kind", "key", "id"])
    op.create_index("ix_fact_revision_version", "fact_revision", ["dataset_version", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION fact_revision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'fact_revision is append-only'; END $$")
        op.execute("CREATE TRIGGER fact_revision_append_only BEFORE UPDATE OR DELETE ON fact_revision "
                   "FOR EACH ROW EXECUTE FUNCTION fact_revision_append_only()")
        op.execute("CREATE TRIGGER fact_revision_no_truncate BEFORE TRUNCATE ON fact_revision "
                   "FOR EACH STATEMENT EXECUTE FUNCTION fact_revision_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER fact_revision_append_only_{event.lower()} BEFORE {event} ON fact_revision "
                       "BEGIN SELECT RAISE(ABORT, 'fact_revision is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER fact_revision_no_truncate ON fact_revision")
        op.execute("DROP TRIGGER fact_revision_append_only ON fact_revision")
        op.execute("DROP FUNCTION fact_revision_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER fact_revision_append_only_{event}")
    op.drop_index("ix_fact_revision_version", table_name="fact_revision")
    op.drop_index("ix_fact_revision_fact", table_name="fact_revision")
    op.drop_table("fact_revision")
