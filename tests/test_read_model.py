"""The read model: one stored document per fact, exactly what its kind renders now, rewritten when that changes."""

from sqlalchemy import func, select, text
from sqlmodel import Session

from app.db import make_engine
from app.facts.documents import VARIANTS, document_rows
from app.models import DatasetState, FactDocument
from app.registry import DOCUMENTED_KINDS
from app.seed.load import read_model_format
from tests.conftest import migrate_and_seed, settings_for


def test_every_fact_has_its_documents_as_rendered_now(seeded_url: str) -> None:
    engine = make_engine(settings_for(seeded_url))
    try:
        with Session(engine) as session:
            for kind in DOCUMENTED_KINDS:
                rows = session.execute(select(kind.model).order_by(kind.model.id)).scalars().all()
                stored = {d.fact_id: d for d in session.execute(
                    select(FactDocument).where(FactDocument.kind == kind.name)).scalars()}
                assert len(rows) > 0 and set(stored) == {r.id for r in rows}, kind.name
                for expected in document_rows(session, kind, list(rows)):
                    document = stored[expected["fact_id"]]
                    assert document.key == expected["key"]
                    for languages in VARIANTS:
                        column = "json_" + "_".join(languages)
                        assert getattr(document, column) == expected[column], (kind.name, document.key, column)
            state = session.get(DatasetState, 1)
            assert state is not None and state.document_format == read_model_format()
    finally:
        engine.dispose()


def test_documents_written_by_other_code_are_rewritten_at_start_up(empty_url: str) -> None:
    assert migrate_and_seed(empty_url) is not None
    engine = make_engine(settings_for(empty_url))
    try:
        with engine.begin() as connection:
            version = connection.execute(text("SELECT version FROM dataset_state")).scalar_one()
            # What an older release left: other documents, under another format.
            connection.execute(text("UPDATE dataset_state SET document_format = 'older'"))
            connection.execute(text("DELETE FROM fact_document WHERE kind = 'measure'"))
        assert migrate_and_seed(empty_url) is not None  # same seed files, yet not "nothing to do"
        assert migrate_and_seed(empty_url) is None  # and now there is nothing to do
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version FROM dataset_state")).scalar_one() == version + 1
            measures = connection.execute(select(func.count()).select_from(FactDocument)
                                          .where(FactDocument.kind == "measure")).scalar_one()
            assert measures == connection.execute(text("SELECT count(*) FROM reform_measure")).scalar_one() > 0
    finally:
        engine.dispose()

