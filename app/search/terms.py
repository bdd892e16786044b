"""Turning text into search terms, the same way for the index and for queries.

Chinese has no spaces, so a run of CJK characters is indexed as its single characters and its
bigrams: a 1-character query looks up its character, a longer one all its bigrams, and the
candidates are then confirmed by substring match. Latin words and numbers (and runs of both, 5g) are indexed
whole and matched by prefix (approv → approval, approvals). Nothing depends on a database's FTS extension.
"""

import re
import unicodedata
from dataclasses import dataclass

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of letters and digits is one token ("5g", "h1"), so "5G" is not "5" and "g" and cannot match the "50"
# of "50%"; a decimal number stays whole ("138.1").
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[0-9]+\.[0-9]+(?![a-z])|[a-z0-9]+")
MAX_TERM = 64


def normalize(text: str) -> str:
    """Fold width (１２ → 12, Ａ → a) and case so queries match however they were typed."""
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(token: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", token))


def index_terms(text: str) -> set[str]:
    terms: set[str] = set()
    for token in _TOKEN_RE.findall(normalize(text)):
        if is_cjk(token):
            terms.update(token)
            terms.update(token[i : i + 2] for i in range(len(token) - 1))
        else:
            terms.add(token[:MAX_TERM])
    return terms


@dataclass(frozen=True)
class QueryUnit:
    """One thing the query asks for: a CJK phrase (all its bigrams) or a word/number (by prefix)."""

    text: str
    terms: tuple[str, ...]
    prefix: bool

    @property
    def exact(self) -> bool:
        """The index alone decides a match (a word prefix, or CJK of one or two characters)."""
        return self.prefix or len(self.text) <= 2


def query_units(query: str) -> list[QueryUnit]:
    units: list[QueryUnit] = []
    for token in _TOKEN_RE.findall(normalize(query)):
        if is_cjk(token):
            grams = (token,) if len(token) == 1 else tuple(token[i : i + 2] for i in range(len(token) - 1))
            units.append(QueryUnit(token, tuple(dict.fromkeys(grams)), prefix=False))
        else:
            units.append(QueryUnit(token, (token[:MAX_TERM],), prefix=True))
    return list(dict.fromkeys(units))


def unit_matches(unit: QueryUnit, normalized_text: str) -> int:
    """Where the unit occurs in the text (-1 if nowhere): CJK anywhere, words at the start of a token.

    Exactly what the index can answer: a word matches where an indexed token starts with it.
    """
    if not unit.prefix:
        return normalized_text.find(unit.text)
    for token in _TOKEN_RE.finditer(normalized_text):
        if token.group().startswith(unit.text):
            return token.start()
    return -1
