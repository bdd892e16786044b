"""A release as a Frictionless Data Package (zip): one CSV per kind of fact and one of citations, the source texts,
datapackage.json (Table Schemas, licence, sources, size and sha256 of every file), a README and a CITATION.cff.

Built from the documents as of the release's dataset version (app.facts.releases) and the source bodies, once,
when the release is made. The same inputs give the same bytes: files in a fixed order, each stamped with the
release's time, the same permissions and compression; every text is generated in a fixed order.
"""

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from app.api.render import csv_columns, to_csv
from app.db import ExactDecimal
from app.facts.kind import FactKind
from app.facts.licence import ATTRIBUTION, LICENCE, LICENCE_SPDX
from app.facts.releases import Database, documents_as_of
from app.models import Source
from app.registry import BY_NAME, DOCUMENTED_KINDS, KINDS, SOURCE
from app.releases.cff import citation_cff
from app.releases.metadata import DESCRIPTION, KEYWORDS, NAME, TITLE, ReleaseFacts, both_languages, iso_utc, utc
from app.releases.readme import package_readme
from app.releases.table_schema import table_fields

LANGUAGES = ("zh", "en")
CITATION_FIELDS = (  # name, type, description
    ("fact_type", "string", "The kind of fact the quote supports (event, measure, metric, …)."),
    ("fact_key", "string", "The fact's slug (an indicator's code) in its table (a metric: in measures' `metrics`)."),
    ("position", "integer", "The quote's place among the fact's citations, from 0."),
    ("source", "string", "Slug of the source (sources/<slug>.txt holds its text)."),
    ("quote", "string", "Verbatim text of the source."),
    ("start", "integer", "Offset of the quote in the source text, in Unicode code points from 0."),
    ("end", "integer", "End offset, exclusive: text[start:end] == quote."),
)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # what a Table Schema `number` reads without options
_PERMISSIONS = 0o100644 << 16  # a regular file, rw-r--r--


@dataclass(frozen=True)
class Package:
    content: bytes
    counts: dict[str, int]  # items per resource, as /v1/meta counts them


def build_package(db: Database, release: ReleaseFacts) -> Package:
    files: list[tuple[str, bytes]] = []
    resources: list[dict[str, Any]] = []
    counts = {kind.plural: 0 for kind in KINDS}
    citations: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    for kind in DOCUMENTED_KINDS:
        documents = [orjson.loads(fact.document) for fact in documents_as_of(db, release.dataset_version, [kind.name])]
        counts[kind.plural] = len(documents)
        for document in documents:
            for part_kind, part in _parts(kind, document):
                counts[part_kind.plural] += 1
                citations += _citation_rows(part_kind, part)
            citations += _citation_rows(kind, document)
        if kind is SOURCE:
            sources = documents
        path = f"data/{kind.plural}.csv"
        data = to_csv(documents, csv_columns(kind.item_schema, LANGUAGES)).encode()  # type: ignore[arg-type]
        files.append((path, data))
        resources.append(_resource(kind.plural, path, data, _kind_schema(kind, documents),
                                   (kind.item_schema.__doc__ or "").strip()))  # type: ignore[union-attr]
    counts["citations"] = len(citations)
    data = to_csv(citations, [name for name, _, _ in CITATION_FIELDS]).encode()
    files.append(("data/citations.csv", data))
    resources.append(_resource("citations", "data/citations.csv", data, _citation_schema(),
                               "Every verbatim quote that supports a fact, with its offsets in the source text."))
    source_texts = list(_source_texts(db, sources))
    files += source_texts
    package = _datapackage(release, resources, sources, dict(source_texts))
    readme = package_readme(release, counts, sources).encode()
    cff = citation_cff(release, sources).encode()
    ordered = [("datapackage.json", package), ("README.md", readme), ("CITATION.cff", cff), *files]
    return Package(_zip(ordered, release.published_at), counts)


def _parts(kind: FactKind, document: dict[str, Any]) -> Iterator[tuple[FactKind, dict[str, Any]]]:
    """The parts a document embeds (a measure's metrics), with their kind."""
    if kind.parts:
        part_kind = next(k for k in KINDS if k.part_of == kind.name)
        for part in document.get(kind.parts) or ():
            yield part_kind, part


def _citation_rows(kind: FactKind, document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"fact_type": kind.name, "fact_key": document[kind.key], "position": position,
             "source": citation["source"], "quote": citation["quote"], "start": citation["start"],
             "end": citation["end"]} for position, citation in enumerate(document.get("citations") or ())]


def _kind_schema(kind: FactKind, documents: list[dict[str, Any]]) -> dict[str, Any]:
    decimals = {column.name for column in kind.table.columns if isinstance(column.type, ExactDecimal)}
    fields = []
    for field in table_fields(kind.item_schema, LANGUAGES):  # type: ignore[arg-type]
        # Exact decimals are strings in the documents: a number column only if every value reads as one.
        if field["name"] in decimals and field["type"] == "string" and all(
                document.get(field["name"]) is None or _NUMBER.fullmatch(document[field["name"]])
                for document in documents):
            field = {**field, "type": "number"}
        fields.append(field)
    names = [field["name"] for field in fields]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": [kind.key]}
    foreign_keys = []
    for field_name, target in kind.references:
        target_kind = BY_NAME[target]
        column = f"{field_name}_{target_kind.key}"
        if column in names:
            resource = "" if target_kind is kind else target_kind.plural  # "": this same table
            foreign_keys.append({"fields": column, "reference": {"resource": resource, "fields": target_kind.key}})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _citation_schema() -> dict[str, Any]:
    return {"fields": [{"name": name, "type": type_, "description": description}
                       for name, type_, description in CITATION_FIELDS],
            "primaryKey": ["fact_type", "fact_key", "position"],
            "foreignKeys": [{"fields": "source", "reference": {"resource": SOURCE.plural, "fields": SOURCE.key}}]}


def _resource(name: str, path: str, data: bytes, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "path": path, "profile": "tabular-data-resource", "description": description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": schema}


def _source_texts(db: Database, sources: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    """sources/<slug>.txt: each source's body exactly as stored, which its document's body_sha256 vouches for."""
    table = Source.__table__  # type: ignore[attr-defined]
    for document in sources:
        body = db.execute(select(table.c.body).where(table.c.slug == document["slug"])).scalar()
        data = (body or "").encode()
        if hashlib.sha256(data).hexdigest() != document["body_sha256"]:
            raise ValueError(f"the stored text of source '{document['slug']}' is not the one its document describes")
        yield f"sources/{document['slug']}.txt", data


def _datapackage(release: ReleaseFacts, resources: list[dict[str, Any]], sources: list[dict[str, Any]],
                 texts: dict[str, bytes]) -> bytes:
    package = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": f"{TITLE}, release {release.number}",
        "description": DESCRIPTION,
        "version": f"{release.number}.0.0",
        "created": iso_utc(release.published_at),
        "keywords": KEYWORDS,
        "licenses": [{"name": LICENCE_SPDX, "path": LICENCE["url"], "title": LICENCE["data"]}],
        "contributors": [{"title": "Reform Facts", "role": "author"}],
        # Each source text is a file of the package: its metadata, path, size and sha256 (not a table, so not
        # a resource of a tabular data package).
        "sources": [_source_entry(document, texts[f"sources/{document['slug']}.txt"]) for document in sources],
        "resources": resources,
        "release": {"number": release.number, "published_at": iso_utc(release.published_at), "notes": release.notes,
                    "dataset_version": release.dataset_version, "previous_release": release.previous,
                    "changes": release.changes, "attribution": ATTRIBUTION, "quoted_text": LICENCE["quotes"]},
    }
    return orjson.dumps(package, option=orjson.OPT_INDENT_2) + b"\n"


def _source_entry(document: dict[str, Any], text: bytes) -> dict[str, Any]:
    entry = {
        "title": both_languages(document["title"]),
        "path": f"sources/{document['slug']}.txt",
        "slug": document["slug"],
        "publisher": both_languages(document["publisher"]),
        "author": both_languages(document["author"]),
        "published": document["published_on"],
        "language": document["language"],
        "url": document["url"],
        "licence": document["licence"],
        "mediatype": "text/plain", "encoding": "utf-8", "bytes": len(text),
        "hash": "sha256:" + hashlib.sha256(text).hexdigest(),
    }
    return {key: value for key, value in entry.items() if value is not None}


def _zip(files: list[tuple[str, bytes]], moment: dt.datetime) -> bytes:
    """The files in this order, each dated `moment` (UTC), rw-r--r--, deflated at level 9: the same bytes every time."""
    stamp = utc(moment).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, whatever system builds it
            info.external_attr = _PERMISSIONS
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()

