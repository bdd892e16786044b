"""The read model: fact_document holds each fact's rendered API documents; dataset_state names their renderer.

A list page becomes one indexed query on the fact's table joined to these rows (primary key
(kind, fact_id)); an item is one lookup by (kind, key). The documents are written by the seed loader in
the transaction that changes the facts. `document_format` is empty after this migration, so the next
start-up renders them even though the seed files have not changed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fact_document",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fact_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("json_zh_en", sa.LargeBinary(), nullable=False),
        sa.Column("json_zh", sa.LargeBinary(), nullable=False),
        sa.Column("json_en", sa.LargeBinary(), nullable=False),
        sa.Column("title_zh", sa.String(length=400), nullable=False),
        sa.Column("title_en", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("kind", "fact_id", name=op.f("pk_fact_document")),
    )
    op.create_index("ix_fact_document_kind_key", "fact_document", ["kind", "key"], unique=True)
    with op.batch_alter_table("dataset_state") as batch:
        batch.add_column(sa.Column("document_format", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("dataset_state") as batch:
        batch.drop_column("document_format")
    op.drop_index("ix_fact_document_kind_key", table_name="fact_document")
    op.drop_table("fact_document")
