"""timeline_event.date_edtf: each event's date as an EDTF (ISO 8601-2) string beside its precision and range.

Existing rows get the string their precision and range imply, the same one the seed validator expects
(app.facts.edtf.event_edtf, copied here so this revision keeps doing what it did when that code changes).
The column is added and dropped with plain ALTER TABLE, which both backends have: a batch copy of
timeline_event would drop a table that citation rows refer to while SQLite enforces foreign keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT = sa.table(
    "timeline_event",
    sa.column("id", sa.Integer()),
    sa.column("date_precision", sa.String()),
    sa.column("date_start", sa.Date()),
    sa.column("date_end", sa.Date()),
    sa.column("date_edtf", sa.String()),
)


def _edtf(precision: str, start: dt.date, end: dt.date) -> str:
    if precision == "day":
        return start.isoformat()
    if precision == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if precision == "year":
        return f"{start.year:04d}"
    if precision == "half_year":
        return f"{start.year:04d}-{40 if start.month <= 6 else 41}"
    if precision == "before":
        return f"[..{end.isoformat()}]"
    raise ValueError(f"timeline_event has a date_precision this revision does not know: {precision!r}")


def upgrade() -> None:
    # SQLite adds a NOT NULL column only with a default; no row keeps it.
    op.add_column("timeline_event", sa.Column("date_edtf", sa.String(length=40), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(sa.select(EVENT.c.id, EVENT.c.date_precision, EVENT.c.date_start, EVENT.c.date_end))
    values = [{"row_id": r.id, "edtf": _edtf(r.date_precision, r.date_start, r.date_end)} for r in rows]
    if values:
        connection.execute(
            EVENT.update().where(EVENT.c.id == sa.bindparam("row_id")).values(date_edtf=sa.bindparam("edtf")), values
        )
    if connection.dialect.name != "sqlite":
        # Where dropping a default is a plain ALTER, a writer that forgets the column fails instead of storing "".
        op.alter_column("timeline_event", "date_edtf", server_default=None)


def downgrade() -> None:
    op.drop_column("timeline_event", "date_edtf")
