"""Every URL the seed data answers, each fetched once, as a manifest of digests: the before/after check of a refactor.

    python tools/snapshot_urls.py before.json                      # this checkout, fresh SQLite, cache off
    python tools/snapshot_urls.py after.json --compare before.json # …and list every URL whose answer changed

The app runs in-process over a freshly migrated and seeded SQLite file with the response cache off. The URLs:
every collection (every page at a small limit, following links.next; the whole list in each format and
language), every item and its formats and languages, facets and sorts, the source body and citations,
searches, /v1/meta, /openapi.json and a few errors. Each answer is recorded as status, content type,
content language, ETag, Link, Cache-Control, Vary and the SHA-256 of the body; `--bodies DIR` also keeps the bodies. /v1/meta's
`last_updated` is the time of the seed, so it is blanked before hashing.
"""

import argparse
import hashlib
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import prepare_database  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402

SOURCE = "economic-daily-2020-10-20-longgang"
# Collection → (facet names, sort specs) worth a page each.
COLLECTIONS: dict[str, tuple[list[str], list[str]]] = {
    "/v1/events": (["category", "date_precision"], ["-date", "slug", "category,-date_end"]),
    "/v1/places": (["level"], ["-slug", "level"]),
    "/v1/indicators": (["unit"], ["-code", "unit"]),
    "/v1/observations": (["period", "unit"], ["-period", "slug", "period_end"]),
    "/v1/measures": (["category", "kind"], ["slug", "-kind", "category,-id"]),
    "/v1/programmes": (["kind"], ["-slug", "kind"]),
    "/v1/sources": ([], ["-published_on"]),
    f"/v1/sources/{SOURCE}/citations": ([], ["-start", "end"]),
}
SEARCHES = ["执法", "审批", "网格", "一枚印章", "龙港", "longgang", "approv", "138.1", "reform town", "zzzz"]
ERRORS = ["/v1/events/no-such-event", "/v1/events?colour=red", "/v1/events?limit=0", "/v1/events?sort=nope",
          "/v1/events?cursor=x", "/v1/nothing-here", f"/v1/sources/{SOURCE}/nothing"]
FORMATS = ["json", "csv", "ndjson"]
LANGS = ["zh", "en", "all"]


def with_query(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


class Snapshot:
    def __init__(self, client: TestClient, bodies: Path | None) -> None:
        self.client = client
        self.bodies = bodies
        self.answers: dict[str, dict[str, Any]] = {}

    def fetch(self, url: str) -> Any:
        """Record the answer to `url` (once) and return its JSON body, or None for other media types."""
        response = self.client.get(url, headers={"Accept-Encoding": "identity"})
        body = response.content
        if url.startswith("/v1/meta"):
            document = orjson.loads(body)
            document["last_updated"] = None
            body = orjson.dumps(document)
        digest = hashlib.sha256(body).hexdigest()
        if url not in self.answers:
            self.answers[url] = {
                "status": response.status_code,
                "content_type": response.headers.get("content-type"),
                "content_language": response.headers.get("content-language"),
                "etag": None if url.startswith("/v1/meta") else response.headers.get("etag"),
                "link": response.headers.get("link"),
                "cache_control": response.headers.get("cache-control"),
                "vary": response.headers.get("vary"),
                "sha256": digest,
                "bytes": len(body),
            }
            if self.bodies is not None:
                (self.bodies / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.body").write_bytes(body)
        is_json = (response.headers.get("content-type") or "").startswith("application/json")
        return orjson.loads(body) if is_json else None

    def walk(self, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = self.fetch(url)
        while page is not None and "data" in page:
            items += page["data"]
            next_url = page["links"]["next"]
            if next_url is None:
                break
            page = self.fetch(next_url)
        return items


def take(snapshot: Snapshot) -> None:
    item_urls: set[str] = set()
    collections = dict(COLLECTIONS)
    for indicator in snapshot.walk("/v1/indicators?limit=200"):
        collections[f"/v1/indicators/{indicator['code']}/observations"] = ([], ["-period"])
    for path, (facets, sorts) in collections.items():
        for item in snapshot.walk(with_query(path, limit=3)):
            if item.get("url"):
                item_urls.add(item["url"])
        for fmt in FORMATS:
            for lang in LANGS:
                snapshot.fetch(with_query(path, limit=200, format=fmt, lang=lang))
        if facets:
            snapshot.fetch(with_query(path, limit=1, facet=",".join(facets)))
        for sort in sorts:
            snapshot.walk(with_query(path, limit=4, sort=sort))
    for url in sorted(item_urls):
        for fmt in FORMATS:
            for lang in LANGS:
                snapshot.fetch(with_query(url, format=fmt, lang=lang))
    snapshot.fetch(f"/v1/sources/{SOURCE}/body")
    for q in SEARCHES:
        snapshot.walk(with_query("/v1/search", q=q, limit=5))
        snapshot.fetch(with_query("/v1/search", q=q, limit=200, format="csv", lang="en"))
    for url in ["/v1/meta", "/v1/meta?lang=en", "/openapi.json", *ERRORS]:
        snapshot.fetch(url)


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    changed = sorted(url for url in before.keys() & after.keys() if before[url] != after[url])
    for url in changed:
        fields = [k for k in after[url] if before[url].get(k) != after[url][k]]
        print(f"changed  {url}  ({', '.join(fields)})")
    for url in sorted(before.keys() - after.keys()):
        print(f"missing  {url}")
    for url in sorted(after.keys() - before.keys()):
        print(f"new      {url}")
    print(f"{len(after)} URLs; {len(changed)} changed, {len(before.keys() - after.keys())} missing, "
          f"{len(after.keys() - before.keys())} new")
    return 1 if changed or before.keys() - after.keys() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the manifest (JSON)")
    parser.add_argument("--compare", type=Path, help="a manifest taken before; list what differs (exit 1 if any)")
    parser.add_argument("--bodies", type=Path, help="a directory to keep every body in")
    args = parser.parse_args()
    if args.bodies:
        args.bodies.mkdir(parents=True, exist_ok=True)
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/snapshot.sqlite3", cache_max_entries=0, access_log=False,
                            rate_limit_per_minute=0)
        engine = make_engine(settings)
        prepare_database(engine, settings)
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            snapshot = Snapshot(client, args.bodies)
            take(snapshot)
    args.out.write_bytes(orjson.dumps(snapshot.answers, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    print(f"wrote {len(snapshot.answers)} URLs to {args.out}")
    if args.compare:
        return compare(orjson.loads(args.compare.read_bytes()), snapshot.answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
