"""What the client asked for: language (lang / Accept-Language) and format (format / Accept)."""

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
_ACCEPTED = {
    "application/json": Format.json,
    "application/*": Format.json,
    "*/*": Format.json,
    "text/csv": Format.csv,
    "text/*": Format.csv,
    "application/x-ndjson": Format.ndjson,
    "application/ndjson": Format.ndjson,
    "application/problem+json": Format.json,
}


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


def _parse_weighted(header: str) -> list[str]:
    """Header values by descending q, dropping q=0 (RFC 9110 §12.4.2)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        value, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, raw = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(raw)
                except ValueError:
                    q = 0.0
        if value and q > 0:
            ranked.append((-q, position, value.strip().lower()))
    return [value for _, _, value in sorted(ranked)]


def language_from_header(header: str | None) -> Lang:
    for tag in _parse_weighted(header or ""):
        primary = tag.split("-")[0]
        if primary in ("zh", "en"):
            return Lang(primary)
        if tag == "*":
            return Lang.all
    return Lang.all


def format_from_accept(header: str | None) -> Format:
    if not header:
        return Format.json
    for media in _parse_weighted(header):
        if media in _ACCEPTED:
            return _ACCEPTED[media]
    raise NotAcceptable(
        f"None of the media types in Accept ({header[:100]}) is served here; "
        "use application/json, text/csv or application/x-ndjson (or ?format=json|csv|ndjson)."
    )


def negotiate(request: Request, lang: Lang | None, fmt: Format | None, *,
              formats: tuple[Format, ...] = tuple(Format)) -> Negotiated:
    """Query parameters win over headers; the default is both languages, as JSON."""
    chosen_lang = lang or language_from_header(request.headers.get("accept-language"))
    if fmt is None:
        chosen_format = format_from_accept(request.headers.get("accept"))
        if chosen_format not in formats:
            raise NotAcceptable(f"This resource is served as {', '.join(MEDIA_TYPES[f] for f in formats)} only.")
    elif fmt not in formats:
        raise InvalidParameter("format", f"must be one of {', '.join(f.value for f in formats)} here")
    else:
        chosen_format = fmt
    return Negotiated(chosen_lang, chosen_format)
