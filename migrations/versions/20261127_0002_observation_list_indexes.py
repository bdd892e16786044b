"""Indexes that serve the observation and event lists at national scale (millions of rows).

The default order of /v1/observations is (period_start, slug, id): (period_start, slug) lets a page,
however deep its cursor, start at the cursor's row instead of sorting the whole table. One indicator's
series in that order needs indicator_id in front of the same columns, which also covers everything
the old (indicator_id, period_start) index did. `period` is filtered by label (2020-H1), which no
date column stands for: (indicator_id, period, period_start, slug) reads one indicator's period in page
order. Events filtered by category are read in their default order (date_start, slug, id) likewise.
Figures: benchmarks/scale/RESULTS.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_observation_period_slug", "observation", ["period_start", "slug"])
    op.drop_index("ix_observation_indicator_period", table_name="observation")
    op.create_index("ix_observation_indicator_period", "observation", ["indicator_id", "period_start", "slug"])
    op.create_index("ix_observation_indicator_label", "observation", ["indicator_id", "period", "period_start", "slug"])
    op.create_index("ix_timeline_event_category_date", "timeline_event", ["category", "date_start", "slug"])


def downgrade() -> None:
    op.drop_index("ix_timeline_event_category_date", table_name="timeline_event")
    op.drop_index("ix_observation_indicator_label", table_name="observation")
    op.drop_index("ix_observation_indicator_period", table_name="observation")
    op.create_index("ix_observation_indicator_period", "observation", ["indicator_id", "period_start"])
    op.drop_index("ix_observation_period_slug", table_name="observation")
