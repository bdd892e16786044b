"""Writes the database back out in the seed_data/ format (export → seed → export is a fixed point)."""

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, update
from sqlmodel import Session, select

from app.audit.log import record
from app.facts.kind import FactKind
from app.models import Citation, DatasetState, cited_fact
from app.registry import KINDS, SOURCE
from app.seed.guard import last_revision
from app.seed.yamlio import dump_yaml

# Keys the files write only when they say something: a curator's rank and what an event is the same as.
# (Other optional keys, such as an event's date_start_assumed or a statement's speaker, are always written.)
OMITTED_AT_DEFAULT = frozenset({"rank", "rank_reason", "same_as"})


def _row(schema: type, values: dict[str, Any]) -> dict[str, Any]:
    """The entry with its keys in the schema's order, dates as ISO text. A field is read by its column's name
    and written under the seed file's key, its alias where it has one (an event's date_edtf is `edtf`). A key
    of OMITTED_AT_DEFAULT at its default (no `same_as`, no curator's rank) is left out, as the files leave it out."""
    out = {}
    for name, info in schema.model_fields.items():
        value = values[name]
        if name in OMITTED_AT_DEFAULT and value == info.default:
            continue
        out[info.alias or name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def export_dataset(engine: Engine, out_dir: Path) -> tuple[list[Path], int]:
    """Export one snapshot of the database, then record the last revision it holds (and audit it).

    From that revision on, a seed guards facts changed through the API (app.seed.guard): the files have the
    earlier ones. Returns the files written and that revision."""
    with engine.connect() as connection:
        begin_snapshot(connection)
        with Session(bind=connection) as session:
            revision = last_revision(session)  # in the snapshot of the facts written below
            written = export_seed(session, out_dir)
        connection.rollback()
    with engine.begin() as connection:
        # Only forward: an export of an older snapshot finishing after a newer one must not re-guard its facts.
        connection.execute(update(DatasetState).where(DatasetState.id == 1, DatasetState.exported_revision < revision)
                           .values(exported_revision=revision))
        record(connection, actor="cli", action="export", target=str(out_dir),
               outcome=f"ok: {len(written)} files, revision {revision}")
    return written, revision


def begin_snapshot(connection: Connection) -> None:
    """Make every read on `connection` see one state of the database, whatever commits meanwhile."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    else:
        # SQLite's driver begins transactions only before writes, so each read would see the latest commit;
        # an explicit BEGIN holds one WAL snapshot from the first read on.
        connection.exec_driver_sql("BEGIN")


def export_seed(session: Session, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "sources").mkdir(exist_ok=True)
    every = {kind.name: session.exec(select(kind.model).order_by(kind.model.id)).all() for kind in KINDS}
    keys = {kind.name: {row.id: getattr(row, kind.key) for row in every[kind.name]} for kind in KINDS}
    # The seed files hold the active facts; deprecated ones stay in the database (and in their history).
    rows = {name: [row for row in fact_rows if row.status == "active"] for name, fact_rows in every.items()}
    citations: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in session.exec(select(Citation).order_by(Citation.position, Citation.id)).all():
        citations.setdefault(cited_fact(c), []).append(
            {"source": keys[SOURCE.name][c.source_id], "quote": c.quote, "start": c.start_offset, "end": c.end_offset}
        )

    def entry(kind: FactKind, row: Any, written: list[Path]) -> dict[str, Any]:
        """A row as its seed entry: references by key, citations, parts, and files beside the YAML."""
        values = row.model_dump()
        for field_name, target in kind.references:
            referred = values[f"{field_name}_id"]
            values[field_name] = keys[target][referred] if referred is not None else None
        if kind.ranks is not None and row.rank_reason is None:
            values["rank"] = None  # alone for its identity: the rule ranks it preferred again
        if kind.cited_by:
            values["citations"] = citations.get((kind.cited_by, row.id), [])
        if kind.parts:
            part_kind = next(k for k in KINDS if k.part_of == kind.name)
            parts = sorted((p for p in rows[part_kind.name] if getattr(p, f"{kind.name}_id") == row.id),
                           key=lambda p: (p.position, p.id))
            values[kind.parts] = [entry(part_kind, p, written) for p in parts]
        if kind is SOURCE:
            values.update(_source_files(row, out_dir, written))
        assert kind.seed_schema is not None
        return _row(kind.seed_schema, values)

    written: list[Path] = []
    files = {kind.seed_file: [entry(kind, row, written) for row in rows[kind.name]] for kind in KINDS if kind.seed_file}
    for name, entries in files.items():
        _write(out_dir / name, dump_yaml(entries), written)
    return written


def _source_files(source: Any, out_dir: Path, written: list[Path]) -> dict[str, Any]:
    """A source's body (and the re-post it was cut from) go to text files beside sources.yaml."""
    body_file, repost_file = f"sources/{source.slug}.txt", (f"sources/{source.slug}.repost.txt" if source.repost else None)
    _write(out_dir / body_file, source.body, written)
    if source.repost:
        _write(out_dir / repost_file, source.repost, written)
    return {"body_file": body_file, "repost_file": repost_file,
            "body_sha256": hashlib.sha256(source.body.encode()).hexdigest()}


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.write_text(text, encoding="utf-8")
    written.append(path)
