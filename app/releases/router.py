"""HTTP for /v1/releases, /v1/releases/{number} and /v1/releases/{number}/datapackage.zip."""

from typing import Annotated

from fastapi import Path, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from app.api.collection import query_page
from app.api.negotiation import APPLICATION_ZIP, accepts_media, field_value, negotiate
from app.api.params import ItemParams, NoParams, PageParams
from app.api.render import render
from app.api.responses import ITEM_ERRORS, LIST_ERRORS
from app.api.routing import ResourceRouter
from app.api.schemas import Page
from app.db import in_connection
from app.errors import NotAcceptable, NotFound
from app.releases.schemas import ReleaseDetailOut, ReleaseOut
from app.releases.service import (
    DEFAULT_SORT,
    RELEASES,
    SORTABLE,
    package_filename,
    package_statement,
    release_out,
    release_statement,
    releases_out,
    releases_page,
)

router = ResourceRouter(tags=["releases"])
# An INTEGER on every backend: a larger number is a 422, never a database error.
ReleaseNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="The release's number.", examples=[1])]
NOT_FOUND = {404: {**ITEM_ERRORS[404], "description": "No release has this number."}}


@router.get("/releases", response_model=Page[ReleaseOut], summary="List releases",
            description="Every release, newest first: its number, date, notes, the dataset version it froze, its "
                        "counts and the URLs of its changelog and data package.", responses=LIST_ERRORS)
async def list_releases(request: Request, params: Annotated[PageParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)

    def page(connection: Connection) -> Response:
        return query_page(request, connection, stmt=releases_page(), id_column=RELEASES.c.number, sort=None,
                          sortable=SORTABLE, default_sort=DEFAULT_SORT, limit=params.limit, cursor=params.cursor,
                          neg=neg, serialize=releases_out, item_model=ReleaseOut)

    return await in_connection(request, page)


@router.get("/releases/{number}", response_model=ReleaseDetailOut, summary="Get one release and its changelog",
            description="The release and how it differs from the one before: facts created, updated (each changed "
                        "field's JSON Pointer, old and new value) and deprecated.",
            responses={**ITEM_ERRORS, **NOT_FOUND})
async def get_release(request: Request, number: ReleaseNumber, params: Annotated[ItemParams, Query()]) -> Response:
    neg = negotiate(request, params.lang, params.format)
    row = await in_connection(request, lambda connection: connection.execute(release_statement(number)).first())
    if row is None:
        raise NotFound(f"There is no release {number}.")
    return render(neg, release_out(row, with_changelog=True), item_model=ReleaseDetailOut)


@router.get(
    "/releases/{number}/datapackage.zip",
    summary="Download a release as a Frictionless Data Package",
    description="A zip: `datapackage.json` (a Table Schema per table, licence, sources, the size and sha256 of "
    "every file), one CSV per kind of fact and one of citations (`data/`), the source texts (`sources/`), a "
    "README.md and a CITATION.cff. Made when the release was, and the same bytes on every download (their sha256 is "
    "the release's `datapackage_sha256`); its ETag is strong, so a client that has it gets 304.",
    responses={**ITEM_ERRORS, **NOT_FOUND, 200: {"description": "The package.", "content": {APPLICATION_ZIP: {
        "schema": {"type": "string", "format": "binary"}}}}},
    response_class=Response,
)
async def get_release_package(request: Request, number: ReleaseNumber,
                              params: Annotated[NoParams, Query()]) -> Response:
    accept = field_value(request.scope["headers"], b"accept")
    if not accepts_media(accept, APPLICATION_ZIP):
        raise NotAcceptable(f"The package is served as {APPLICATION_ZIP} only, not {(accept or '')[:100]}.")
    package = await in_connection(request, lambda connection: connection.execute(package_statement(number)).scalar())
    if package is None:
        raise NotFound(f"There is no release {number}.")
    return Response(bytes(package), media_type=APPLICATION_ZIP,
                    headers={"Content-Disposition": f'attachment; filename="{package_filename(number)}"'})
