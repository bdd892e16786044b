"""The registry of fact kinds is complete: every kind can be served, cited, searched and seeded."""

from dataclasses import replace

import pytest

from app.facts.kind import FactKind
from app.main import create_app
from app.models import CITED_COLUMNS
from app.registry import BY_NAME, CITED_KINDS, KINDS


def routes() -> set[str]:
    """Every path the API serves, as documented."""
    return set(create_app().openapi()["paths"])


def problems(kind: FactKind, paths: set[str]) -> list[str]:
    """What a kind lacks: a standalone kind needs a renderer, item schema, title, parameters, list and item
    routes, citations (sources excepted: they are what citations point into) and search fields; a part needs
    a parent that is registered and a URL of its own parts."""
    found = []
    if kind.part_of is not None:
        if kind.part_of not in BY_NAME:
            found.append(f"{kind.name}: part of unknown kind {kind.part_of}")
        if kind.url_of_part is None:
            found.append(f"{kind.name}: no URL for its parts")
        if kind.cited_by not in CITED_COLUMNS:
            found.append(f"{kind.name}: no citation column")
        if kind.seed_schema is None or not BY_NAME[kind.part_of].parts:
            found.append(f"{kind.name}: not seeded as part of its parent")
        return found
    for attr in ("render", "item_schema", "title", "params", "seed_file", "seed_schema"):
        if getattr(kind, attr) is None:
            found.append(f"{kind.name}: no {attr}")
    if kind.url_root not in paths:
        found.append(f"{kind.name}: no list route {kind.url_root}")
    if not any(p.startswith(kind.url_root + "/{") for p in paths):
        found.append(f"{kind.name}: no item route under {kind.url_root}")
    if kind.name != "source":
        if kind.cited_by not in CITED_COLUMNS:
            found.append(f"{kind.name}: no citation column")
        if not kind.search_fields:
            found.append(f"{kind.name}: no search fields")
    return found


def test_every_registered_kind_is_complete() -> None:
    paths = routes()
    assert [p for kind in KINDS for p in problems(kind, paths)] == []


def test_citation_columns_are_the_cited_kinds() -> None:
    assert sorted(kind.cited_by for kind in CITED_KINDS) == sorted(CITED_COLUMNS)


@pytest.mark.parametrize("missing", ["render", "title", "params", "cited_by", "seed_schema"])
def test_a_kind_registered_without_what_it_needs_is_caught(missing: str) -> None:
    incomplete = replace(BY_NAME["measure"], **{missing: None})
    assert problems(incomplete, routes()) != []


def test_a_kind_without_routes_or_search_fields_is_caught() -> None:
    new = replace(BY_NAME["event"], name="decree", plural="decrees", search_fields=())
    found = problems(new, routes())
    assert "decree: no list route /v1/decrees" in found and "decree: no search fields" in found
