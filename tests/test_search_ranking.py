"""Single-word searches are ranked in SQL; they must return exactly what the general path returns."""

import pytest
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.search import service
from app.search.terms import query_units

QUERIES = ["执法", "审批", "网格", "市", "改革", "enforcement", "approv", "1129", "longgang", "g"]


@pytest.mark.parametrize("query", QUERIES)
def test_sql_ranking_matches_the_general_path(seeded_url: str, query: str) -> None:
    engine = make_engine(Settings(database_url=seeded_url))
    units = query_units(query)
    assert len(units) == 1 and units[0].exact
    with Session(engine) as session:
        general = service.search(session, query, units, None)
        assert general, f"the seed data has matches for {query!r}"
        for offset, limit in ((0, 200), (0, 3), (2, 5)):
            total, page = service.search_page(session, query, units, None, offset, limit)
            assert total == len(general)
            assert [(f.type, f.slug, f.score, f.best) for f in page] == [
                (f.type, f.slug, f.score, f.best) for f in general[offset : offset + limit]]
        total, page = service.search_page(session, query, units, ["measure"], 0, 200)
        assert [(f.type, f.slug) for f in page] == [(f.type, f.slug) for f in general if f.type == "measure"]
    engine.dispose()
