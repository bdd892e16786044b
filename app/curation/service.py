"""Proposals, reviews and publication: each a transaction that writes its audit event with it.

The rules: a proposal passes the seed files' checks when it is made and again when it is published (the data
may have moved on); only another key may review it; only an approved proposal is published; an update or
deprecation names, by ETag, the version of the fact it was based on, and is refused (412) once that is no
longer the current one, so no write silently overwrites another.
"""

import datetime as dt
import hashlib
import unicodedata
from typing import Any

import orjson
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from app.api.cache import body_etag, gzip_etag_of
from app.audit.log import record
from app.curation.checks import check_entry
from app.curation.entries import to_entry, validated
from app.curation.schemas import ProposalIn, ReviewIn, SourceUpload
from app.curation.write import add_source, deprecate, fact_row, lock_dataset, refresh, write_entry
from app.errors import AppError, Conflict, NotFound, PreconditionFailed, PreconditionRequired
from app.facts.history import Change, timestamp
from app.facts.kind import FactKind
from app.ingest.candidates import find_candidates
from app.keys.auth import Forbidden
from app.keys.service import Caller
from app.models import FactDocument, Proposal, ProposalReview, Source
from app.registry import BY_NAME, SOURCE

DOCUMENTS = FactDocument.__table__  # type: ignore[attr-defined]
PROPOSABLE = {kind.name: kind for kind in BY_NAME.values()
              if kind.seed_schema is not None and kind.render is not None and kind is not SOURCE}


class Invalid(AppError):
    status, type_slug, title = 422, "invalid-proposal", "Invalid proposal"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def actor(caller: Caller) -> str:
    return f"key:{caller.name}"


# --- sources -------------------------------------------------------------------------------------------

def upload_source(engine: Engine, caller: Caller, upload: SourceUpload, action: str) -> str:
    """Store a new source (its body NFC-normalised, its sha256 computed) and publish it; returns its slug."""
    body = unicodedata.normalize("NFC", upload.body)
    values: dict[str, Any] = {
        "slug": upload.slug, "published_on": upload.published_on, "language": upload.language, "url": upload.url,
        "body": body, "body_sha256": hashlib.sha256(body.encode()).hexdigest(), "repost": None,
    }
    for stem in ("title", "subtitle", "publisher", "author", "licence"):
        pair = getattr(upload, stem)
        values[f"{stem}_zh"], values[f"{stem}_en"] = (pair.zh, pair.en) if pair else (None, None)
    with Session(engine) as session:
        state = lock_dataset(session)
        if fact_row(session, SOURCE, upload.slug) is not None:
            raise Conflict(f"There is already a source '{upload.slug}'.",
                           errors=[{"pointer": "/slug", "detail": "is taken"}])
        row, touched = add_source(session, values)
        refresh(session, touched, state, Change(actor(caller), f"source uploaded: {upload.slug}", 0, _now()))
        record(session.connection(), actor(caller), action, SOURCE.url(row.slug), f"201 version {state.version}")
        session.commit()
    return upload.slug


def source_candidates(engine: Engine, slug: str) -> dict[str, Any]:
    """The ingest candidates of a stored source, each with the citation a proposal would carry."""
    with Session(engine) as session:
        source = session.execute(select(Source).where(Source.slug == slug)).scalars().first()
        if source is None:
            raise NotFound(f"There is no source '{slug}'.")
        candidates = find_candidates(source.body, source.published_on)
    for candidate in candidates:
        candidate["citation"] = {"source": slug, "quote": candidate["quote"], "start": candidate["start"],
                                 "end": candidate["end"]}
    return {"source": slug, "url": SOURCE.url(slug), "sha256": source.body_sha256,
            "published": source.published_on.isoformat(), "candidates": candidates}


# --- proposals -----------------------------------------------------------------------------------------

def current_etags(session: Session, kind: FactKind, key: str) -> list[str]:
    """The ETags the fact's JSON is served with now: each language variant, identity and gzip."""
    row = session.execute(select(DOCUMENTS.c.json_zh_en, DOCUMENTS.c.json_zh, DOCUMENTS.c.json_en)
                          .where(DOCUMENTS.c.kind == kind.name, DOCUMENTS.c.key == key)).first()
    if row is None:
        return []
    etags = [body_etag(bytes(body)) for body in row]
    return [etag.decode() for etag in etags + [gzip_etag_of(etag) for etag in etags]]


def _matching(if_match: str, etags: list[str]) -> str | None:
    """The first of the If-Match list's entity tags that is current. If-Match compares strongly (RFC 9110
    §13.1.1), so a weak W/ tag never matches."""
    for tag in (t.strip() for t in if_match.split(",")):
        if tag in etags:
            return tag
    return None


def _kind(name: str) -> FactKind:
    kind = PROPOSABLE.get(name)
    if kind is None:
        hint = " (a source is uploaded with POST /v1/sources)" if name == SOURCE.name else ""
        raise Invalid(f"'{name}' is not a kind of fact that can be proposed{hint}.",
                      errors=[{"pointer": "/kind", "detail": f"must be one of: {', '.join(sorted(PROPOSABLE))}"}])
    return kind


def _check(session: Session, kind: FactKind, proposal: ProposalIn | Proposal, document: dict | None) -> Any:
    """The validated entry of a create or update (None for a deprecation); Invalid lists every problem."""
    row = fact_row(session, kind, proposal.slug)
    if proposal.operation == "create" and row is not None:
        raise Conflict(f"There is already a {kind.noun} '{proposal.slug}': propose an update.",
                       errors=[{"pointer": "/slug", "detail": "is taken"}])
    if proposal.operation != "create" and row is None:
        raise NotFound(f"There is no {kind.noun} '{proposal.slug}'.")
    if proposal.operation == "deprecate":
        return None
    if document is None:
        raise Invalid(f"A {proposal.operation} needs the fact's document.",
                      errors=[{"pointer": "/document", "detail": "is required"}])
    entry, pointers = to_entry(kind, document)
    model, problems = validated(kind, entry, pointers)
    if model is not None:
        if getattr(model, kind.key) != proposal.slug:
            problems.append({"pointer": pointers[(kind.key,)], "detail": f"must be the proposal's slug {proposal.slug!r}"})
        problems += check_entry(session, kind, model, pointers)
    if problems:
        raise Invalid(f"The {kind.noun} does not pass the checks every fact passes: "
                      + "; ".join(f"{p['pointer']}: {p['detail']}" for p in problems[:5]), errors=problems)
    return model


def propose(engine: Engine, caller: Caller, body: ProposalIn, if_match: str | None, action: str) -> dict[str, Any]:
    kind = _kind(body.kind)
    with Session(engine) as session:
        base = None
        if body.operation != "create":
            if fact_row(session, kind, body.slug) is None:
                raise NotFound(f"There is no {kind.noun} '{body.slug}'.")
            etags = current_etags(session, kind, body.slug)
            if not if_match or if_match.strip() == "*":  # `*` would match whatever the fact is now
                raise PreconditionRequired(f"An {body.operation} must say which version of the {kind.noun} it is "
                                           f"based on: send If-Match with the ETag of GET {kind.url(body.slug)}.",
                                           extensions={"current_etag": etags[0]}, headers={"ETag": etags[0]})
            base = _matching(if_match, etags)
            if base is None:
                raise PreconditionFailed(f"The {kind.noun} has changed since that ETag: GET {kind.url(body.slug)} "
                                         "again and base the change on it.",
                                         extensions={"current_etag": etags[0]}, headers={"ETag": etags[0]})
        _check(session, kind, body, body.document)
        now = _now()
        proposal = Proposal(kind=kind.name, operation=body.operation, slug=body.slug,
                            document=orjson.dumps(body.document).decode(),  # as sent, keys in its order
                            comment=body.comment, base_etag=base, status="open", author=caller.name,
                            created_at=now, updated_at=now)
        session.add(proposal)
        session.flush()
        record(session.connection(), actor(caller), action, proposal_url(proposal.id),
               f"201 {body.operation} {kind.url(body.slug)}")
        session.commit()
        return proposal_out(session, proposal)


def review(engine: Engine, caller: Caller, proposal_id: int, body: ReviewIn, action: str) -> dict[str, Any]:
    with Session(engine) as session:
        lock_dataset(session)  # one reviewer at a time, and never while the proposal is being published
        proposal = _proposal(session, proposal_id)
        if proposal.author == caller.name:
            raise Forbidden("A proposal is reviewed by someone else: this key proposed it.")
        if proposal.status != "open":
            raise Conflict(f"Proposal {proposal_id} is {proposal.status}; only an open proposal is reviewed.")
        now = _now()
        session.add(ProposalReview(proposal_id=proposal_id, reviewer=caller.name, decision=body.decision,
                                   comment=body.comment, created_at=now))
        proposal.status = "approved" if body.decision == "approve" else "rejected"
        proposal.updated_at = now
        session.flush()
        record(session.connection(), actor(caller), action, proposal_url(proposal_id), f"201 {proposal.status}")
        session.commit()
        return proposal_out(session, proposal)


def publish(engine: Engine, caller: Caller, proposal_id: int, action: str) -> dict[str, Any]:
    """Write the approved proposal's fact, its documents, search entries and revisions, and the new dataset
    version, in one transaction."""
    with Session(engine) as session:
        state = lock_dataset(session)
        proposal = _proposal(session, proposal_id)
        if proposal.status != "approved":
            raise Conflict(f"Proposal {proposal_id} is {proposal.status}; only an approved proposal is published.")
        kind = _kind(proposal.kind)
        if proposal.base_etag is not None:
            etags = current_etags(session, kind, proposal.slug)
            if proposal.base_etag not in etags:
                raise PreconditionFailed(
                    f"The {kind.noun} changed after this proposal was based on it; propose again from "
                    f"GET {kind.url(proposal.slug)}.", extensions={"current_etag": etags[0]},
                    headers={"ETag": etags[0]})
        document = orjson.loads(proposal.document)
        model = _check(session, kind, proposal, document)  # the data may have moved on since it was proposed
        reviewer = session.execute(select(ProposalReview.reviewer).where(
            ProposalReview.proposal_id == proposal_id, ProposalReview.decision == "approve")
            .order_by(ProposalReview.id.desc()).limit(1)).scalar_one()
        row = fact_row(session, kind, proposal.slug)
        reason = proposal.comment or f"deprecated by proposal {proposal_id}"
        touched = (deprecate(session, kind, row, reason[:400]) if model is None
                   else write_entry(session, kind, model, row)[1])
        now = _now()
        refresh(session, touched, state, Change(f"key:{proposal.author}", proposal.comment or f"proposal {proposal_id}",
                                               0, now, reviewer=f"key:{reviewer}", proposal_id=proposal_id))
        proposal.status, proposal.updated_at, proposal.published_version = "published", now, state.version
        record(session.connection(), actor(caller), action, proposal_url(proposal_id),
               f"200 published {kind.url(proposal.slug)} version {state.version}")
        session.commit()
        return proposal_out(session, proposal)


def _proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.execute(select(Proposal).where(Proposal.id == proposal_id)).scalars().first()
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.")
    return proposal


def get_proposal(engine: Engine, proposal_id: int) -> dict[str, Any]:
    with Session(engine) as session:
        return proposal_out(session, _proposal(session, proposal_id))


def list_proposals(engine: Engine, *, status: str | None, kind: str | None, author: str | None,
                   after: int, limit: int) -> tuple[list[dict[str, Any]], int, int | None]:
    """A page of proposals in id order, the total matching, and the id to continue after (None on the last)."""
    filters = [column == value for column, value in
               ((Proposal.status, status), (Proposal.kind, kind), (Proposal.author, author)) if value is not None]
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(Proposal).where(*filters)).scalar_one()
        rows = list(session.execute(select(Proposal).where(Proposal.id > after, *filters)
                                    .order_by(Proposal.id).limit(limit + 1)).scalars())
        more = len(rows) > limit
        rows = rows[:limit]
        return [proposal_out(session, row) for row in rows], total, (rows[-1].id if more else None)


def proposal_url(proposal_id: int | None) -> str:
    return f"/v1/proposals/{proposal_id}"


def proposal_out(session: Session, proposal: Proposal) -> dict[str, Any]:
    reviews = session.execute(select(ProposalReview).where(ProposalReview.proposal_id == proposal.id)
                              .order_by(ProposalReview.id)).scalars()
    kind = BY_NAME[proposal.kind]
    return {
        "id": proposal.id, "url": proposal_url(proposal.id), "kind": proposal.kind, "operation": proposal.operation,
        "slug": proposal.slug, "fact_url": kind.url(proposal.slug), "status": proposal.status,
        "author": proposal.author, "comment": proposal.comment, "base_etag": proposal.base_etag,
        "document": orjson.loads(proposal.document),
        "reviews": [{"reviewer": r.reviewer, "decision": r.decision, "comment": r.comment,
                     "created_at": timestamp(r.created_at)} for r in reviews],
        "created_at": timestamp(proposal.created_at), "updated_at": timestamp(proposal.updated_at),
        "published_version": proposal.published_version,
    }
