"""The data review's corrections (issue 10): people, the speaker of a statement, targets, assumed start dates.

- `person`: the people a source quotes or who wrote it; citations may support a person (citation.person_id, and
  the one-fact check counts it).
- `speaker_id` on timeline_event, programme and reform_measure: whom the source quotes for the statement (a
  person's id, without a foreign key: SQLite could drop the column only by copying its table, and dropping the old
  copy while foreign keys are enforced cascades onto the citations of its rows).
- `measure_metric.target`: a goal (百亿级), not a measured value; `timeline_event.date_start_assumed`: the
  start of a “日前” range is our estimate.

New columns on the fact tables are plain ADD COLUMN on both backends (a batch copy of a table that citations
refer to fails while SQLite enforces foreign keys; see 0004). The citation table itself is referred to by none,
so SQLite rebuilds it (batch) to change its CHECK constraint; PostgreSQL alters it in place.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENT_TABLES = ("timeline_event", "programme", "reform_measure")
CITED = ("place_id", "event_id", "indicator_id", "observation_id", "programme_id", "measure_id", "metric_id")


def _one_fact(columns: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("role_zh", sa.String(length=300), nullable=False),
        sa.Column("role_en", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False, server_default="active"),
        sa.Column("status_reason", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("slug", name=op.f("uq_person_slug")),
    )
    for table in STATEMENT_TABLES:
        # No foreign key (see app.models.event): a plain column both backends can add and drop in place.
        op.add_column(table, sa.Column("speaker_id", sa.Integer(), nullable=True))
        op.create_index(op.f(f"ix_{table}_speaker_id"), table, ["speaker_id"])
    op.add_column("timeline_event", sa.Column("date_start_assumed", sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    op.add_column("measure_metric", sa.Column("target", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("citation") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_citation_person_id_person"), "person", ["person_id"], ["id"],
                                 ondelete="CASCADE")
        batch.drop_constraint(op.f("ck_citation_one_fact"), type_="check")
        batch.create_check_constraint(op.f("ck_citation_one_fact"), _one_fact((*CITED, "person_id")))
    op.create_index(op.f("ix_citation_person_id"), "citation", ["person_id"])


def downgrade() -> None:
    op.execute("DELETE FROM citation WHERE person_id IS NOT NULL")
    op.drop_index(op.f("ix_citation_person_id"), table_name="citation")
    with op.batch_alter_table("citation") as batch:
        batch.drop_constraint(op.f("ck_citation_one_fact"), type_="check")
        batch.create_check_constraint(op.f("ck_citation_one_fact"), _one_fact(CITED))
        batch.drop_constraint(op.f("fk_citation_person_id_person"), type_="foreignkey")
        batch.drop_column("person_id")
    op.drop_column("measure_metric", "target")
    op.drop_column("timeline_event", "date_start_assumed")
    for table in reversed(STATEMENT_TABLES):
        op.drop_index(op.f(f"ix_{table}_speaker_id"), table_name=table)
        op.drop_column(table, "speaker_id")
    op.drop_table("person")

