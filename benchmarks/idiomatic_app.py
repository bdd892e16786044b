"""The issue's second reference: an idiomatic FastAPI + SQLModel `def` route with a response_model.

The same `reform_measure` table and SQLite file as our service, read the way the tutorials and
fastapi/full-stack-fastapi-template do it: a session dependency, `session.exec(select(...))`, and
FastAPI validating and serialising the rows through the response model on every request.

    DATABASE_URL=sqlite:///… python benchmarks/idiomatic_app.py --port 8002
"""

import argparse
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import uvicorn
from fastapi import Depends, FastAPI, Query, Request
from sqlmodel import Session, SQLModel, create_engine, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for app.models
from app.models import Measure  # noqa: E402


class MeasureRead(SQLModel):
    id: int
    slug: str
    name_zh: str
    name_en: str
    category: str
    kind: str
    summary_zh: str
    summary_en: str


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def create_app(database_url: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_engine(database_url, connect_args={"check_same_thread": False})
        yield
        app.state.engine.dispose()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.get("/measures", response_model=list[MeasureRead])
    def list_measures(session: SessionDep, offset: int = 0,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Measure]:
        return session.exec(select(Measure).order_by(Measure.id).offset(offset).limit(limit)).all()

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(os.environ["DATABASE_URL"])
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
