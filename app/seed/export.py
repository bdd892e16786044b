"""Writes the database back out in the seed_data/ format (export → seed → export is a fixed point)."""

import hashlib
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app.models import (
    Citation,
    Event,
    Indicator,
    Measure,
    Metric,
    Observation,
    Place,
    Programme,
    Source,
    cited_fact,
)
from app.seed.schemas import EventIn, IndicatorIn, MeasureIn, MetricIn, ObservationIn, PlaceIn, ProgrammeIn, SourceIn
from app.seed.yamlio import dump_yaml


def _keys(schema: type) -> list[str]:
    return list(schema.model_fields)


def _row(schema: type, values: dict[str, Any]) -> dict[str, Any]:
    """The entry with its keys in the schema's order, dates as ISO text."""
    out = {}
    for key in _keys(schema):
        value = values[key]
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def export_seed(session: Session, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "sources").mkdir(exist_ok=True)
    sources = {s.id: s for s in session.exec(select(Source).order_by(Source.id)).all()}
    places = {p.id: p for p in session.exec(select(Place).order_by(Place.id)).all()}
    source_slug = {i: s.slug for i, s in sources.items()}
    citations: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in session.exec(select(Citation).order_by(Citation.position, Citation.id)).all():
        citations.setdefault(cited_fact(c), []).append(
            {"source": source_slug[c.source_id], "quote": c.quote, "start": c.start_offset, "end": c.end_offset}
        )

    def cites(column: str, row_id: int) -> list[dict[str, Any]]:
        return citations.get((column, row_id), [])

    files: dict[str, list[dict[str, Any]]] = {"sources.yaml": []}
    written: list[Path] = []
    for s in sources.values():
        body_file, repost_file = f"sources/{s.slug}.txt", (f"sources/{s.slug}.repost.txt" if s.repost else None)
        _write(out_dir / body_file, s.body, written)
        if s.repost:
            _write(out_dir / repost_file, s.repost, written)
        values = {**s.model_dump(), "body_file": body_file, "repost_file": repost_file,
                  "body_sha256": hashlib.sha256(s.body.encode()).hexdigest()}
        files["sources.yaml"].append(_row(SourceIn, values))

    files["places.yaml"] = [
        _row(PlaceIn, {**p.model_dump(), "parent": places[p.parent_id].slug if p.parent_id else None,
                       "citations": cites("place_id", p.id)})
        for p in places.values()
    ]
    indicators = {i.id: i for i in session.exec(select(Indicator).order_by(Indicator.id)).all()}
    files["indicators.yaml"] = [
        _row(IndicatorIn, {**i.model_dump(), "citations": cites("indicator_id", i.id)}) for i in indicators.values()
    ]
    files["observations.yaml"] = [
        _row(ObservationIn, {
            **o.model_dump(), "indicator": indicators[o.indicator_id].code, "place": places[o.place_id].slug,
            "reference_place": places[o.reference_place_id].slug if o.reference_place_id else None,
            "citations": cites("observation_id", o.id)})
        for o in session.exec(select(Observation).order_by(Observation.id)).all()
    ]
    files["events.yaml"] = [
        _row(EventIn, {**e.model_dump(), "place": places[e.place_id].slug, "citations": cites("event_id", e.id)})
        for e in session.exec(select(Event).order_by(Event.id)).all()
    ]
    programmes = {p.id: p for p in session.exec(select(Programme).order_by(Programme.id)).all()}
    files["programmes.yaml"] = [
        _row(ProgrammeIn, {**p.model_dump(), "place": places[p.place_id].slug,
                           "citations": cites("programme_id", p.id)})
        for p in programmes.values()
    ]
    metrics: dict[int, list[dict[str, Any]]] = {}
    for m in session.exec(select(Metric).order_by(Metric.position, Metric.id)).all():
        metrics.setdefault(m.measure_id, []).append(
            _row(MetricIn, {**m.model_dump(), "citations": cites("metric_id", m.id)})
        )
    files["measures.yaml"] = [
        _row(MeasureIn, {
            **m.model_dump(), "place": places[m.place_id].slug,
            "programme": programmes[m.programme_id].slug if m.programme_id else None,
            "citations": cites("measure_id", m.id), "metrics": metrics.get(m.id, [])})
        for m in session.exec(select(Measure).order_by(Measure.id)).all()
    ]
    for name, entries in files.items():
        _write(out_dir / name, dump_yaml(entries), written)
    return written


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.write_text(text, encoding="utf-8")
    written.append(path)
