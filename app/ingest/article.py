"""One article file in, the ingest result out: read, strip the chrome, date it, find the candidates."""

import re
from datetime import date
from pathlib import Path

from app.ingest.candidates import ingest_body
from app.ingest.chrome import strip_chrome
from app.ingest.text import MAX_BYTES, BadArticle, read_article


def publication_date(given: str | None, from_byline: str | None, path: Path) -> date:
    """--published wins; else the re-post's byline date; an article with neither is refused, since every
    relative date (今年上半年, 日前) would be resolved against a guess."""
    text = given or from_byline
    if text is None:
        raise BadArticle(f"{path} states no publication date: pass --published YYYY-MM-DD")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BadArticle(f"--published {text!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArticle(f"--published {text!r} is not a calendar date") from None


def ingest_file(path: Path, published: str | None = None, max_bytes: int | None = None,
                drop_scripts: bool = False) -> dict:
    page, _ = read_article(path, max_bytes=max_bytes or MAX_BYTES, drop_scripts=drop_scripts)
    stripped = strip_chrome(page)
    if not stripped.body.strip():
        raise BadArticle(f"{path} has no article body once the site's header and footer are cut")
    return ingest_body(stripped.body, publication_date(published, stripped.published, path))
