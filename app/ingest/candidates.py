"""Candidate facts of an article body: every number, date and name with a verbatim quote and its offsets."""

import hashlib
import re
from datetime import date

from app.ingest.dates import DateMention, find_dates
from app.ingest.names import find_names
from app.ingest.numbers import NumberMention, find_numbers

# A sentence ends at 。!? or a line break, a clause also at ; — the closing quote marks after a full stop
# belong to the sentence (……探索。”).
_SENTENCE_END = re.compile(r"[。!?!?\n]+[”’」』)]*")
_CLAUSE_END = re.compile(r"[。!?!?;;\n]+[”’」』)]*")
_COMMA = re.compile(r"[,,]")
# Clauses longer than this are cut to the comma-separated parts around the mention: a curator checks a
# quote by reading it, and 150 characters hide which figure is meant.
MAX_QUOTE = 80
MIN_QUOTE = 12


def _span(body: str, pattern: re.Pattern, start: int, end: int) -> tuple[int, int]:
    """The sentence or clause holding body[start:end], leading blanks left out."""
    left = 0
    for match in pattern.finditer(body, 0, start):
        left = match.end()
    match = pattern.search(body, end)
    right = match.end() if match else len(body)
    if body[right - 1 : right] == "\n":
        right = len(body[:right].rstrip("\n"))
    while left < start and body[left].isspace():
        left += 1
    return left, right


def quote_span(body: str, start: int, end: int) -> tuple[int, int]:
    """A verbatim quote for the mention body[start:end]: its clause, narrowed to comma parts if long."""
    left, right = _span(body, _CLAUSE_END, start, end)
    if right - left <= MAX_QUOTE:
        return left, right
    cuts = [left] + [m.end() for m in _COMMA.finditer(body, left, right)] + [right]
    lo = max(i for i, cut in enumerate(cuts) if cut <= start)
    hi = min(i for i, cut in enumerate(cuts) if cut >= end)
    # Widen by whole comma parts until the quote says enough to be read alone.
    while cuts[hi] - cuts[lo] < MIN_QUOTE and (lo > 0 or hi < len(cuts) - 1):
        if lo > 0:
            lo -= 1
        if cuts[hi] - cuts[lo] < MIN_QUOTE and hi < len(cuts) - 1:
            hi += 1
    return cuts[lo], cuts[hi]


def _quoted(body: str, start: int, end: int) -> dict:
    left, right = quote_span(body, start, end)
    return {"quote": body[left:right], "start": left, "end": right,
            "mention": body[start:end], "mention_start": start, "mention_end": end}


def _period(mention: NumberMention, dates: list[DateMention], body: str) -> dict:
    """The period a number is for: the last date stated before it in its sentence (今年上半年,…138.1亿元)."""
    left, _ = _span(body, _SENTENCE_END, mention.start, mention.end)
    before = [d for d in dates if left <= d.start and d.end <= mention.start]
    if not before:
        return {"period": None, "period_start": None, "period_end": None}
    when = before[-1]
    if when.date_precision == "before":  # 目前…154项: a state as of the publication day
        return {"period": when.date_end.isoformat(), "period_start": when.date_end.isoformat(),
                "period_end": when.date_end.isoformat()}
    return {"period": when.date, "period_start": when.date_start.isoformat(), "period_end": when.date_end.isoformat()}


def find_candidates(body: str, published: date) -> list[dict]:
    dates = find_dates(body, published)
    numbers = find_numbers(body, [(d.start, d.end) for d in dates])
    found = []
    for mention in dates:
        found.append({"kind": "date", **_quoted(body, mention.start, mention.end), "date": mention.date,
                      "date_precision": mention.date_precision, "date_start": mention.date_start.isoformat(),
                      "date_end": mention.date_end.isoformat(), "edtf": mention.edtf})
    for mention in numbers:
        found.append({"kind": "number", **_quoted(body, mention.start, mention.end), **mention.as_dict(),
                      **_period(mention, dates, body)})
    for mention in find_names(body):
        found.append({"kind": "name", **_quoted(body, mention.start, mention.end), "term": mention.term,
                      "names": mention.names})
    return sorted(found, key=lambda c: (c["mention_start"], c["kind"]))


def ingest_body(body: str, published: date) -> dict:
    """The JSON the `ingest` command prints: the body, its hash, the publication date and the candidates."""
    return {"body": body, "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "published": published.isoformat(), "candidates": find_candidates(body, published)}
