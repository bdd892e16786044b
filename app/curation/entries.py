"""A proposed document (the shape GET serves) as a seed-file entry (the shape the seed checks read).

A proposal's `document` is what a client already knows: the fact as `GET /v1/<kind>/<slug>` serves it, with
bilingual fields as `{"zh", "en"}`, references as objects (or just their slugs) and citations with offsets.
Fields the API derives (`url`, counts, `status`, a rule's rank) are ignored. The entry is validated by the
kind's seed schema, so a proposal passes exactly the checks a seed file's entry passes; each error is
pointed back at the document field it came from (RFC 6901 JSON Pointer).
"""

from typing import Any

from pydantic import BaseModel, ValidationError

from app.facts.kind import FactKind
from app.registry import BY_NAME, KINDS

Pointers = dict[tuple, str]  # an entry location (pydantic's loc) → the JSON Pointer of its document field


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def to_entry(kind: FactKind, document: Any, base: str = "/document") -> tuple[dict[str, Any], Pointers]:
    """The seed entry of `document`, and where each of its fields came from."""
    assert kind.seed_schema is not None
    doc = document if isinstance(document, dict) else {}
    references = dict(kind.references)
    entry: dict[str, Any] = {}
    pointers: Pointers = {(): base}
    for name, info in kind.seed_schema.model_fields.items():
        key = info.alias or name
        stem, _, lang = name.rpartition("_")
        if name in doc or name == kind.key:
            value, pointer = doc.get(name), f"{base}/{_escape(name)}"
        elif lang in ("zh", "en") and isinstance(doc.get(stem), dict):
            value, pointer = doc[stem].get(lang), f"{base}/{_escape(stem)}/{lang}"
        elif lang in ("zh", "en") and stem in doc and doc[stem] is None:
            value, pointer = None, f"{base}/{_escape(stem)}"
        else:
            pointers[(key,)] = f"{base}/{_escape(stem)}/{lang}" if lang in ("zh", "en") else f"{base}/{_escape(name)}"
            continue  # left out: the schema's default, or its "Field required"
        pointers[(key,)] = pointer
        if name in references and isinstance(value, dict):
            value = value.get(BY_NAME[references[name]].key)
        elif name == "citations" and isinstance(value, list):
            value = [_citation(c) for c in value]
            for i in range(len(value)):
                for field in ("source", "quote", "start", "end"):
                    pointers[(key, i, field)] = f"{pointer}/{i}/{field}"
        elif name == kind.parts and isinstance(value, list):
            part_kind = next(k for k in KINDS if k.part_of == kind.name)
            parts = []
            for i, part in enumerate(value):
                part_entry, part_pointers = to_entry(part_kind, part, f"{pointer}/{i}")
                parts.append(part_entry)
                pointers.update({(key, i, *loc): p for loc, p in part_pointers.items()})
            value = parts
        elif name in ("rank", "rank_reason"):
            # A document's rank is the rule's (app.facts.ranks), re-derived when the fact is published; a
            # curator's rank is given in the seed files.
            continue
        entry[key] = value
    return entry, pointers


def _citation(citation: Any) -> Any:
    if not isinstance(citation, dict):
        return citation  # the schema says what is wrong with it
    source = citation.get("source")
    if isinstance(source, dict):
        source = source.get("slug")
    return {"source": source, "quote": citation.get("quote"), "start": citation.get("start"),
            "end": citation.get("end")}


def pointer(pointers: Pointers, loc: tuple) -> str:
    """The document field of an entry location: the deepest mapped prefix, the rest appended."""
    loc = tuple(loc)
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in pointers:
            return pointers[loc[:cut]] + "".join(f"/{_escape(str(p))}" for p in loc[cut:])
    return "/document"


def validated(kind: FactKind, entry: dict[str, Any], pointers: Pointers) -> tuple[BaseModel | None, list[dict]]:
    """The entry as the kind's seed schema reads it, or the errors, each with its JSON Pointer."""
    assert kind.seed_schema is not None
    try:
        return kind.seed_schema.model_validate(entry), []
    except ValidationError as exc:
        return None, [{"pointer": pointer(pointers, tuple(err["loc"])), "detail": err["msg"]}
                      for err in exc.errors()]
