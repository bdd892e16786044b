"""What the client asked for: format (format / Accept), language (lang / Accept-Language), gzip (Accept-Encoding).

One parser for all three headers, by RFC 9110 §12: a field sent on several lines is one comma-separated
list (§5.3); a q-value of 0 means "not acceptable"; the most specific matching range sets a type's
quality (§12.5.1), so `text/csv;q=0, text/*` refuses CSV. At equal q, a type named outright beats
one reached through a wildcard, then the server's order decides.
The response cache keys its entries on what these functions decide, never on raw header text.
"""

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request

from app.errors import InvalidParameter, NotAcceptable


class Lang(StrEnum):
    zh = "zh"
    en = "en"
    all = "all"


class Format(StrEnum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.csv: "text/csv; charset=utf-8",
    Format.ndjson: "application/x-ndjson",
}
# The names a client may ask for each format by (the first is the one served).
FORMAT_NAMES = {
    Format.json: ("application/json",),
    Format.csv: ("text/csv",),
    Format.ndjson: ("application/x-ndjson", "application/ndjson"),
}
TEXT_PLAIN = "text/plain"
APPLICATION_ZIP = "application/zip"  # a release's data package
# Every media type any route serves: the response cache keys on how a client ranks these.
SERVED_MEDIA_TYPES = (*(name for names in FORMAT_NAMES.values() for name in names), TEXT_PLAIN, APPLICATION_ZIP)
GZIP_NAMES = ("gzip", "x-gzip")
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")  # RFC 9110 §12.4.2


@dataclass(frozen=True, slots=True)
class Preference:
    value: str  # lower-cased media range, language range or content coding, without parameters
    q: float


@dataclass(frozen=True)
class Negotiated:
    lang: Lang
    format: Format

    @property
    def languages(self) -> tuple[str, ...]:
        return ("zh", "en") if self.lang is Lang.all else (self.lang.value,)

    @property
    def content_language(self) -> str:
        return ", ".join(self.languages)


def field_values(headers: Iterable[tuple[bytes, bytes]], names: Container[bytes]) -> dict[bytes, str]:
    """The named header fields, in one pass; a field sent on several lines is one list (RFC 9110 §5.3)."""
    fields: dict[bytes, str] = {}
    for name, value in headers:
        if name in names:
            text = value.decode("latin-1")
            fields[name] = f"{fields[name]}, {text}" if name in fields else text
    return fields


def field_value(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """Every line of one header field joined into one list; None when it was not sent."""
    return field_values(headers, (name,)).get(name)


def parse_preferences(header: str) -> list[Preference]:
    """The elements of an Accept-style header in the order sent. A malformed q-value makes its element
    unacceptable (q=0) rather than preferred: a client that garbles a weight gets nothing it did not ask for."""
    preferences = []
    for element in header.split(","):
        value, *params = element.split(";")
        value = value.strip().lower()
        if not value:
            continue
        q = 1.0
        for param in params:
            key, _, raw = param.partition("=")
            if key.strip().lower() == "q":
                raw = raw.strip()
                q = float(raw) if _QVALUE.match(raw) else 0.0
                break  # what follows q is accept-ext, not media-type parameters
        preferences.append(Preference(value, q))
    return preferences


def media_match(preferences: Sequence[Preference], media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching `media_type` (type/subtype 2 > type/* 1 > */* 0);
    (0.0, -1) when no range matches."""
    main_type = media_type.split("/")[0]
    best = (0.0, -1)
    for preference in preferences:
        if preference.value == media_type:
            specificity = 2
        elif preference.value == f"{main_type}/*":
            specificity = 1
        elif preference.value == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (preference.q, specificity)
    return best


def media_quality(preferences: Sequence[Preference], media_type: str) -> float:
    return media_match(preferences, media_type)[0]


def choose_format(accept: str | None, offered: Sequence[Format] = tuple(Format)) -> Format | None:
    """The offered format the client ranks highest; None if none is acceptable. At equal q, a type the client
    named beats one it reached through a wildcard (`application/x-ndjson, */*` asks for NDJSON), then the
    order of `offered`. No Accept header (or an empty one) accepts anything: the first offered format."""
    if not accept or not accept.strip():
        return offered[0]
    preferences = parse_preferences(accept)
    best, best_match = None, (0.0, -1)
    for fmt in offered:
        match = max(media_match(preferences, name) for name in FORMAT_NAMES[fmt])
        if match[0] > 0 and match > best_match:
            best, best_match = fmt, match
    return best


def accepts_media(accept: str | None, media_type: str) -> bool:
    if not accept or not accept.strip():
        return True
    return media_quality(parse_preferences(accept), media_type) > 0


def require_json(request: Request, what: str) -> None:
    """A resource served as JSON only (a key, a proposal): 406 unless the Accept header takes JSON."""
    accept = field_value(request.scope["headers"], b"accept")
    if not accepts_media(accept, "application/json"):
        raise NotAcceptable(f"{what} application/json only, not {(accept or '')[:100]}.")


def choose_language(header: str | None) -> Lang:
    """zh, en, or both (the default, and the answer for `*` or a header naming neither).

    A range matches a language by its primary subtag (zh-Hans-CN asks for zh). The language the client
    ranks higher wins; on a tie, the one it names first; `*` alone never narrows the answer. We never
    refuse on language: when everything is refused (zh;q=0, en;q=0), both are served.
    """
    if not header:
        return Lang.all
    named: dict[str, tuple[float, int]] = {}  # language -> (best q of ranges naming it, first position)
    wildcard = None
    for position, preference in enumerate(parse_preferences(header)):
        primary = preference.value.split("-")[0]
        if preference.value == "*":
            wildcard = preference.q if wildcard is None else wildcard
        elif primary in ("zh", "en"):
            q, first = named.get(primary, (0.0, position))
            named[primary] = (max(q, preference.q), first)
    quality = {lang: named[lang][0] if lang in named else (wildcard or 0.0) for lang in ("zh", "en")}
    acceptable = [lang for lang in ("zh", "en") if quality[lang] > 0]
    if len(acceptable) == 1:
        return Lang(acceptable[0])
    if not acceptable or not named:
        return Lang.all
    # Both acceptable and at least one named: higher q, then named over wildcard, then first named.
    ranked = sorted(("zh", "en"), key=lambda lang: (-quality[lang], lang not in named,
                                                    named.get(lang, (0.0, 1 << 30))[1]))
    return Lang(ranked[0])


def accepts_gzip(header: str | None) -> bool:
    """True when Accept-Encoding gives gzip (or x-gzip, or `*` when gzip is not named) a q above 0."""
    if not header:
        return False
    preferences = parse_preferences(header)
    named = [p.q for p in preferences if p.value in GZIP_NAMES]
    if named:
        return max(named) > 0
    return any(p.value == "*" and p.q > 0 for p in preferences)


def accept_key(accept: str | None) -> tuple[int, ...] | None:
    """What every route's choice of media type depends on, and nothing else: the client's ranking of the
    types we serve (dense ranks, 0 = refused). Endless variants of header text share a handful of keys."""
    if not accept or not accept.strip():
        return None
    preferences = parse_preferences(accept)
    matches = [media_match(preferences, media_type) for media_type in SERVED_MEDIA_TYPES]
    levels = sorted({m for m in matches if m[0] > 0})
    return tuple(levels.index(m) + 1 if m[0] > 0 else 0 for m in matches)


def negotiate(request: Request, lang: Lang | None, fmt: Format | None, *,
              formats: tuple[Format, ...] = tuple(Format)) -> Negotiated:
    """Query parameters win over headers; the default is both languages, as JSON."""
    headers = request.scope["headers"]
    chosen_lang = lang or choose_language(field_value(headers, b"accept-language"))
    if fmt is None:
        accept = field_value(headers, b"accept")
        chosen_format = choose_format(accept, formats)
        if chosen_format is None:
            raise NotAcceptable(
                f"None of the media types in Accept ({(accept or '')[:100]}) is served here; use "
                f"{', '.join(FORMAT_NAMES[f][0] for f in formats)} (or ?format={'|'.join(f.value for f in formats)})."
            )
    elif fmt not in formats:
        raise InvalidParameter("format", f"must be one of {', '.join(f.value for f in formats)} here")
    else:
        chosen_format = fmt
    return Negotiated(chosen_lang, chosen_format)
