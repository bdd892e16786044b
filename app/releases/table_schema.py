"""Table Schema fields of a kind's CSV, read from its API model: the columns app.api.render.csv_columns names, in
its order, each with a Table Schema type, a description and (for an enumeration) its allowed values."""

import datetime as dt
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from app.api.schemas import LocalizedText

_SCALARS: tuple[tuple[type, str], ...] = (  # bool before int: a bool is an int
    (bool, "boolean"), (int, "integer"), (float, "number"), (Decimal, "number"),
    (dt.datetime, "datetime"), (dt.date, "date"), (str, "string"),
)


def table_fields(model: type[BaseModel], languages: tuple[str, ...], prefix: str = "",
                 context: str = "") -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []
    for name, info in model.model_fields.items():
        annotation = _without_none(info.annotation)
        description = " ".join(part for part in (context, info.description or "") if part)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation is LocalizedText:
                what = description or f"{prefix}{name}".replace("_", " ").capitalize() + "."
                fields += [_field(f"{prefix}{name}_{lang}", "string",
                                  f"{what} In {LocalizedText.model_fields[lang].description}")
                           for lang in languages]
            else:
                fields += table_fields(annotation, languages, f"{prefix}{name}_", description)
            continue
        type_, values = _type_of(annotation)
        fields.append(_field(f"{prefix}{name}", type_, description, values))
    return fields


def _field(name: str, type_: str, description: str = "", values: list[str] | None = None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_}
    if description:
        field["description"] = description
    if values is not None:
        field["constraints"] = {"enum": values}
    return field


def _type_of(annotation: Any) -> tuple[str, list[str] | None]:
    """(Table Schema type, allowed values or None) of a scalar, list or dict annotation."""
    origin = get_origin(annotation)
    if origin is list:
        return "array", None  # a JSON array in the CSV (app.api.render.flatten)
    if origin is dict:
        return "object", None
    if origin is Literal:
        return "string", [str(value) for value in get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "string", [str(member.value) for member in annotation]
    for python_type, type_ in _SCALARS:
        if isinstance(annotation, type) and issubclass(annotation, python_type):
            return type_, None
    return "any", None


def _without_none(annotation: Any) -> Any:
    """X for X | None (a column that may be empty); the annotation itself otherwise."""
    if get_origin(annotation) in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation
