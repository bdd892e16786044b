"""Writing the read model: every fact's API document, in each language variant, rendered by its kind.

Called in the transaction that changes the facts (the seed loader; later, curation writes), so readers
never see documents of another version of the data than the facts they describe.
"""

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path

import orjson
from sqlalchemy import delete, insert, select
from sqlmodel import Session

from app.facts.edtf import period_edtf
from app.facts.kind import FactKind
from app.facts.text import text_of
from app.models import FactDocument

# The language variants a request can ask for (`lang=all`, `zh`, `en`), and the column each is stored in.
VARIANTS: tuple[tuple[str, ...], ...] = (("zh", "en"), ("zh",), ("en",))
BATCH = 1000  # facts rendered and inserted at a time: bounded memory on a national dataset


def document_format(kinds: Iterable[FactKind], *also: str) -> str:
    """Names the code that writes the documents: the source of each kind's renderer and item schema, and of
    the helpers they share. A database whose documents another version of that code wrote gets them
    rewritten at start-up. (Hashing source files costs a millisecond; generating the JSON schemas of the
    item models cost ~80 ms of every start.) `also`: more modules whose code shapes what a seed writes."""
    modules = {__name__, text_of.__module__, period_edtf.__module__, *also}
    for kind in kinds:
        if kind.render is not None:
            modules.add(kind.render.__module__)
        if kind.item_schema is not None:
            modules.add(kind.item_schema.__module__)
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(name.encode() + b"\0" + Path(sys.modules[name].__file__ or "").read_bytes())
    return digest.hexdigest()


def rebuild_documents(session: Session, kinds: Iterable[FactKind]) -> int:
    """Replace every stored document with one rendered from the current facts; returns how many facts."""
    session.execute(delete(FactDocument))
    written = 0
    for kind in kinds:
        if kind.render is None:
            continue
        last_id = 0
        while True:
            rows = session.execute(select(kind.model).where(kind.model.id > last_id)
                                   .order_by(kind.model.id).limit(BATCH)).scalars().all()
            if not rows:
                break
            session.execute(insert(FactDocument), document_rows(session, kind, list(rows)))
            written += len(rows)
            last_id = rows[-1].id
    return written


def document_rows(session: Session, kind: FactKind, rows: list) -> list[dict]:
    """The fact_document rows of `rows` (facts of `kind`)."""
    assert kind.render is not None and kind.title is not None
    variants = {languages: kind.render(session, rows, languages) for languages in VARIANTS}
    for documents in variants.values():
        for row, document in zip(rows, documents, strict=True):
            # Every kind's documents end with the fact's status (its item schema declares the two last).
            document["status"], document["status_reason"] = row.status, row.status_reason
            if kind.ranks is not None:  # … and a ranked kind's with its rank (app.facts.ranks)
                document["rank"], document["rank_reason"] = row.rank, row.rank_reason
    out = []
    for i, row in enumerate(rows):
        both = variants[("zh", "en")][i]
        title = kind.title(both)
        out.append({
            "kind": kind.name, "fact_id": row.id, "key": getattr(row, kind.key),
            **{"json_" + "_".join(languages): orjson.dumps(variants[languages][i]) for languages in VARIANTS},
            "title_zh": title.get("zh") or "", "title_en": title.get("en") or "",
        })
    return out
