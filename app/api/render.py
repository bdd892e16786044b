"""Writing a response in the negotiated format: JSON as is, CSV and NDJSON flattened row by row.

List pages and items answered from stored documents (app.api.collection) are assembled from their bytes;
everything else goes through render().
"""

import csv
import io
from types import UnionType
from typing import Any, Union, get_args, get_origin

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from app.api.negotiation import MEDIA_TYPES, Format, Negotiated
from app.api.schemas import LocalizedText


def render(neg: Negotiated, body: dict[str, Any], *, rows: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None, item_model: type[BaseModel] | None = None) -> Response:
    """JSON as is; CSV and NDJSON get the page's rows (or the single item) flattened.

    `item_model` (the schema of one row) fixes the CSV columns, so even an empty page has its header row.
    """
    headers = {"Content-Language": neg.content_language, **(headers or {})}
    if neg.format is Format.json:
        return Response(orjson.dumps(body), media_type=MEDIA_TYPES[Format.json], headers=headers)
    items = rows if rows is not None else [body]
    if neg.format is Format.ndjson:
        payload = b"".join(orjson.dumps(item) + b"\n" for item in items)
        return Response(payload, media_type=MEDIA_TYPES[Format.ndjson], headers=headers)
    columns = csv_columns(item_model, neg.languages) if item_model else None
    return Response(to_csv(items, columns).encode("utf-8"), media_type=MEDIA_TYPES[Format.csv], headers=headers)


def csv_columns(model: type[BaseModel], languages: tuple[str, ...], prefix: str = "") -> list[str]:
    """The flattened column names of a response model, in its field order."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        nested = _model_in(info.annotation)
        if nested is LocalizedText:
            columns += [f"{prefix}{name}_{lang}" for lang in languages]
        elif nested is not None:
            columns += csv_columns(nested, languages, f"{prefix}{name}_")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly (X or X | None), not inside a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType):
        models = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return None


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become prefixed columns (name.zh → name_zh); lists become JSON text."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not key.startswith("facets"):
            flat.update(flatten(value, f"{name}_"))
        elif isinstance(value, list):
            flat[name] = orjson.dumps(value).decode()
        else:
            flat[name] = value
    return flat


def to_csv(items: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    buffer = io.StringIO()
    flat = [flatten(item) for item in items]
    if columns is None:
        columns = []
        for row in flat:
            columns += [c for c in row if c not in columns]
    # A null nested object (a measure without programme) leaves its columns empty.
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", restval="", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(flat)
    return buffer.getvalue()


def render_documents(neg: Negotiated, documents: list[bytes], *, envelope: tuple[bytes, bytes] | None,
                     headers: dict[str, str], item_model: type[BaseModel] | None) -> Response:
    """A page (or one item) from stored JSON documents, byte for byte what render() makes of the parsed ones.

    `envelope` is the JSON around the items of a page (`{"data":[` … `],"meta":…}`); None for one item.
    """
    headers = {"Content-Language": neg.content_language, **headers}
    if neg.format is Format.json:
        body = (envelope[0] + b",".join(documents) + envelope[1]) if envelope else documents[0]
        return Response(body, media_type=MEDIA_TYPES[Format.json], headers=headers)
    if neg.format is Format.ndjson:
        return Response(b"".join(d + b"\n" for d in documents), media_type=MEDIA_TYPES[Format.ndjson],
                        headers=headers)
    columns = csv_columns(item_model, neg.languages) if item_model else None
    items = [orjson.loads(d) for d in documents]
    return Response(to_csv(items, columns).encode("utf-8"), media_type=MEDIA_TYPES[Format.csv], headers=headers)
