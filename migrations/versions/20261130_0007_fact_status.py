"""Facts are deprecated, never deleted: `status` (active | deprecated) and `status_reason` on every fact table.

Existing rows are active. Plain ADD COLUMN on both backends (a batch copy of a table that citations
refer to fails while SQLite enforces foreign keys; see 0004).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACT_TABLES = ("source", "place", "timeline_event", "indicator", "observation", "programme", "reform_measure",
               "measure_metric")


def upgrade() -> None:
    for table in FACT_TABLES:
        op.add_column(table, sa.Column("status", sa.String(length=12), nullable=False, server_default="active"))
        op.add_column(table, sa.Column("status_reason", sa.String(length=400), nullable=True))


def downgrade() -> None:
    for table in reversed(FACT_TABLES):
        op.drop_column(table, "status_reason")
        op.drop_column(table, "status")
