"""Keyset pagination: `sort` from an allow-list, an opaque cursor, and the same cost on every page.

A cursor holds the sort values of the last row of a page plus its id (the tie-breaker), signed with
the sort it was made for, so a cursor cannot be replayed against another ordering.
"""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    SmallInteger,
    String,
    and_,
    bindparam,
    or_,
    tuple_,
)
from sqlalchemy.types import TypeDecorator

from app.errors import InvalidParameter

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_RANK_OFFSET = 2**31 - 1  # beyond any ranking; keeps OFFSET within every backend's integer


@dataclass(frozen=True)
class SortKey:
    name: str
    column: ColumnElement
    descending: bool

    @property
    def spec(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def parse_sort(raw: str | None, allowed: dict[str, ColumnElement], default: str) -> list[SortKey]:
    keys: list[SortKey] = []
    for part in (raw or default).split(","):
        part = part.strip()
        name = part.removeprefix("-")
        if name not in allowed:
            raise InvalidParameter("sort", f"cannot sort by '{name}'; allowed keys are {', '.join(sorted(allowed))}"
                                   " (prefix with '-' for descending)")
        if any(k.name == name for k in keys):
            raise InvalidParameter("sort", f"names '{name}' twice")
        keys.append(SortKey(name, allowed[name], part.startswith("-")))
    return keys


def _signature(path: str, keys: list[SortKey]) -> str:
    return _signature_of(path, ",".join(k.spec for k in keys))


@lru_cache(maxsize=4096)
def _signature_of(path: str, sort: str) -> str:
    return hashlib.sha256(f"{path}|{sort}".encode()).hexdigest()[:12]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"d"}:
        return dt.date.fromisoformat(value["d"])
    return value


def encode_cursor(path: str, keys: list[SortKey], values: list[Any], row_id: int) -> str:
    payload = {"s": _signature(path, keys), "v": [_plain(v) for v in values], "id": row_id}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def fits_column(value: Any, column: ColumnElement) -> bool:
    """Whether `value` could be stored in `column` on every backend. A cursor is client input: a value the
    database would refuse (2**31 in a PostgreSQL INTEGER, a NUL in text) must be a 400, never reach SQL."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # SQLModel's AutoString: what is stored is its impl
        column_type = column_type.impl_instance
    if isinstance(column_type, Integer):
        bits = 64 if isinstance(column_type, BigInteger) else 16 if isinstance(column_type, SmallInteger) else 32
        return type(value) is int and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)  # not bool
    if isinstance(column_type, String):
        return type(value) is str and _storable_text(value, column_type.length)
    if isinstance(column_type, Date):
        return type(value) is dt.date
    return False  # a sort column of another type needs its own rule here before cursors can carry it


def _storable_text(value: str, length: int | None) -> bool:
    if "\x00" in value or (length is not None and len(value) > length):
        return False
    try:
        value.encode("utf-8")  # a lone surrogate (\ud800) cannot be sent to the database
    except UnicodeEncodeError:
        return False
    return True


def decode_cursor(path: str, keys: list[SortKey], raw: str, id_column: ColumnElement) -> tuple[list[Any], int]:
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        signature, values, row_id = payload["s"], payload["v"], payload["id"]
        if not isinstance(values, list) or len(values) != len(keys) or not fits_column(row_id, id_column):
            raise ValueError
        values = [_typed(v) for v in values]
        if not all(fits_column(v, k.column) for v, k in zip(values, keys, strict=True)):
            raise ValueError
    except Exception:
        raise InvalidParameter("cursor", "is not a cursor this API issued (copy links.next as it is)") from None
    if signature != _signature(path, keys):
        raise InvalidParameter("cursor", "was issued for another sort order; start again without a cursor")
    return values, row_id


def apply_keyset(stmt: Select, keys: list[SortKey], id_column: ColumnElement,
                 after: tuple[list[Any], int] | None) -> Select:
    """Order by the sort keys then id, and start after the cursor's row if there is one."""
    stmt = stmt.order_by(*keyset_order(keys, id_column))
    if after is None:
        return stmt
    values, row_id = after
    return stmt.where(*keyset_after(keys, id_column, [*values, row_id]))


def keyset_order(keys: list[SortKey], id_column: ColumnElement) -> list[ColumnElement]:
    return [*(k.column.desc() if k.descending else k.column.asc() for k in keys), id_column.asc()]


def keyset_after(keys: list[SortKey], id_column: ColumnElement,
                 values: list[Any] | None = None) -> list[ColumnElement]:
    """The WHERE clauses that start a page after a cursor's row (its sort values, then its id).

    With `values` the parameters carry them; without, they are the parameters `after_0` … `after_n`
    (the id last) to pass at execution (keyset_parameters), so one statement serves every cursor.
    """
    columns = [*((k.column, k.descending) for k in keys), (id_column, False)]
    binds = [bindparam(f"after_{i}", type_=column.type) if values is None
             else bindparam(f"after_{i}", values[i], type_=column.type)
             for i, (column, _) in enumerate(columns)]
    if not any(descending for _, descending in columns):
        # (a, b, id) > (x, y, n) as a row value: an index on (a, b, …) starts right at the cursor's row
        # (PostgreSQL and SQLite ≥ 3.15 both use it as an index range; same rows as the expansion below).
        return [tuple_(*(c for c, _ in columns)) > tuple_(*binds)]
    # Mixed directions: spelled out, with the first key's bound repeated so an index on it can seek.
    clauses = []
    for i, (column, descending) in enumerate(columns):
        equal_before = [c == b for (c, _), b in zip(columns[:i], binds[:i], strict=True)]
        beyond = column < binds[i] if descending else column > binds[i]
        clauses.append(and_(*equal_before, beyond))
    first, first_descending = columns[0]
    bound = first <= binds[0] if first_descending else first >= binds[0]
    return [bound, or_(*clauses)]


def keyset_parameters(after: tuple[list[Any], int]) -> dict[str, Any]:
    """The values of keyset_after's parameters for a decoded cursor."""
    values, row_id = after
    return {f"after_{i}": value for i, value in enumerate([*values, row_id])}


def encode_rank_cursor(signature: str, offset: int) -> str:
    """Ranked results (search) page by position in the ranking of one query."""
    payload = {"s": hashlib.sha256(signature.encode()).hexdigest()[:12], "o": offset}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_rank_cursor(signature: str, raw: str) -> int:
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        offset = payload["o"]
        if type(offset) is not int or not 0 <= offset <= MAX_RANK_OFFSET:
            raise ValueError
    except Exception:
        raise InvalidParameter("cursor", "is not a cursor this API issued (copy links.next as it is)") from None
    if payload.get("s") != hashlib.sha256(signature.encode()).hexdigest()[:12]:
        raise InvalidParameter("cursor", "was issued for another query; start again without a cursor")
    return offset
