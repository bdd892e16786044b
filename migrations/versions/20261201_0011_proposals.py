"""proposal and proposal_review (the curation API); fact_revision.reviewer and proposal_id;
dataset_state.exported_revision.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("operation", sa.String(length=12), nullable=False),
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("base_etag", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    op.create_index("ix_proposal_status", "proposal", ["status", "id"])
    op.create_index("ix_proposal_fact", "proposal", ["kind", "slug", "id"])
    op.create_table(
        "proposal_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"],
                                name=op.f("fk_proposal_review_proposal_id_proposal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_review")),
    )
    op.create_index("ix_proposal_review_proposal", "proposal_review", ["proposal_id", "id"])
    # fact_revision is append-only (triggers refuse UPDATE): adding nullable columns in place rewrites no row.
    op.add_column("fact_revision", sa.Column("reviewer", sa.String(length=80), nullable=True))
    op.add_column("fact_revision", sa.Column("proposal_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("dataset_state") as batch:
        batch.add_column(sa.Column("exported_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("dataset_state") as batch:
        batch.drop_column("exported_revision")
    # Not batch mode: on SQLite it would copy the table and lose its append-only triggers (SQLite ≥ 3.35
    # drops a column in place, as PostgreSQL does).
    op.execute("ALTER TABLE fact_revision DROP COLUMN proposal_id")
    op.execute("ALTER TABLE fact_revision DROP COLUMN reviewer")
    op.drop_index("ix_proposal_review_proposal", table_name="proposal_review")
    op.drop_table("proposal_review")
    op.drop_index("ix_proposal_status", table_name="proposal")
    op.drop_index("ix_proposal_fact", table_name="proposal")
    op.drop_table("proposal")
