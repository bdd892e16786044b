"""The data review's corrections (issue 10): people, the speaker of a statement, targets, assumed start dates.

- `person`: the people a source quotes or who wrote it; citations may support a person (citation.person_id, and
  the one-fact check counts it).
- `speaker_id` on timeline_event, programme and reform_measure: whom the source quotes for the statement.
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
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in STATEMENT_TABLES:
        fk = f"fk_{table}_speaker_id_person"
        if sqlite:  # SQLite adds a column's foreign key only inline, in ADD COLUMN itself
            op.execute(f"ALTER TABLE {table} ADD COLUMN speaker_id INTEGER CONSTRAINT {fk} "
                       "REFERENCES person (id)")
        else:
            op.add_column(table, sa.Column("speaker_id", sa.Integer(), nullable=True))
            op.create_foreign_key(op.f(fk), table, "person", ["speaker_id"], ["id"])
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
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        # SQLite drops a column a foreign key uses only by rebuilding its table, and dropping the old table
        # while foreign keys are enforced would cascade onto (or be refused by) the rows that refer to it.
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: checked below
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar() and bind.execute(sa.text(
                "SELECT count(*) FROM citation WHERE event_id IS NOT NULL OR programme_id IS NOT NULL "
                "OR measure_id IS NOT NULL")).scalar():
            raise RuntimeError("downgrading 0008 on SQLite rebuilds timeline_event, programme and reform_measure: "
                               "run it first in its own migration, with foreign keys off, or citations are lost")
    for table in reversed(STATEMENT_TABLES):
        op.drop_index(op.f(f"ix_{table}_speaker_id"), table_name=table)
        if sqlite:
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.drop_column("speaker_id")
        else:
            op.drop_constraint(op.f(f"fk_{table}_speaker_id_person"), table, type_="foreignkey")
            op.drop_column(table, "speaker_id")
    if sqlite:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
    op.drop_table("person")
