"""Several sources per fact: `rank` (preferred | normal | deprecated) and `rank_reason` on observations and
events, and `same_as_id` linking an event to the one whose date it disputes.

Existing rows are preferred (the seed data has no conflicts; the next seed ranks them by app.facts.ranks).
Plain ADD COLUMN on both backends (a batch copy of a table that citations refer to fails while SQLite
enforces foreign keys; see 0004).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANKED_TABLES = ("timeline_event", "observation")


def upgrade() -> None:
    for table in RANKED_TABLES:
        op.add_column(table, sa.Column("rank", sa.String(length=12), nullable=False, server_default="preferred"))
        op.add_column(table, sa.Column("rank_reason", sa.String(length=400), nullable=True))
    # No foreign key: SQLite cannot add a named one to an existing table (ADD COLUMN takes it only inline,
    # unnamed to reflection, so `alembic check` would see drift), and a batch copy of a table citations refer
    # to fails while foreign keys are enforced. Facts are never deleted, and the seed validator checks that
    # same_as names an event of the files, so the reference cannot dangle.
    op.add_column("timeline_event", sa.Column("same_as_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("timeline_event", "same_as_id")
    for table in reversed(RANKED_TABLES):
        op.drop_column(table, "rank_reason")
        op.drop_column(table, "rank")
