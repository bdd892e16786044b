"""Twenty writers update the same measure at once through a real two-process server: every write lands, none
is based on a stale version (the If-Match/412 rules), and the revision chain stays whole.

Each writer appends its own marker to the summary it read, so a lost update would drop a marker from the
final text and a write based on a stale read would leave a revision whose patch does not follow the one
before it. Both backends: the write lock is a row lock on PostgreSQL and the database lock on SQLite.
"""

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jsonpatch
from sqlmodel import Session

from app.config import REPO_ROOT, Settings
from app.db import make_engine
from app.facts.history import verify_history
from app.keys.service import create_key
from tests.conftest import migrate_and_seed
from tests.live_server import LiveServer, live_server

WRITERS = 20
MAX_ATTEMPTS = 40  # proposals per writer, each on an ETag not yet refused
RUN_SECONDS = 45.0  # the whole run stops by itself after this
VERSION_CHECK_INTERVAL = 1.0  # seconds a process may serve its cache after a publish
SLUG = "one-seal-for-approvals"
FACT = f"/v1/measures/{SLUG}"
IDENTITY = {"Accept-Encoding": "identity"}  # the ETag a 412's current_etag names (lang=all, not gzipped)


@dataclass
class Tally:
    """What every writer saw, shared between the threads."""

    statuses: Counter = field(default_factory=Counter)  # (method path-template, status) → count
    refused_at: Counter = field(default_factory=Counter)  # "propose" / "publish" → 412s
    stale_reads: int = 0  # GETs answered from a process's cache from before the last publish
    published: dict[int, int] = field(default_factory=dict)  # writer → proposal id
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, what: str, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[(what, response.status_code)] += 1
        return response


def marker(writer: int) -> str:
    return f" [writer {writer}]"


def write_once(server: LiveServer, writer: int, secret: str, reviewer: str, tally: Tally,
               start: threading.Barrier, deadline: float) -> None:
    """GET, propose with If-Match, have it approved, publish; on a 412 read again and retry."""
    refused: set[str] = set()
    attempts = 0
    with httpx.Client(base_url=server.url, timeout=30.0) as client:
        start.wait()
        while attempts < MAX_ATTEMPTS and time.monotonic() < deadline:
            got = tally.saw("GET fact", client.get(FACT, headers=IDENTITY))
            if got.status_code != 200:
                tally.failures.append(f"writer {writer}: GET {got.status_code}")
                return
            etag = got.headers["etag"]
            if etag in refused:  # a cached copy from before the last publish: read again shortly
                with tally.lock:
                    tally.stale_reads += 1
                time.sleep(0.05)
                continue
            attempts += 1
            document = got.json()
            document["summary"]["en"] += marker(writer)
            proposed = tally.saw("POST proposals", client.post(
                "/v1/proposals", headers={"Authorization": f"Bearer {secret}", "If-Match": etag},
                json={"kind": "measure", "operation": "update", "slug": SLUG, "document": document,
                      "comment": f"writer {writer}"}))
            if proposed.status_code == 412:
                refused.add(etag)
                with tally.lock:
                    tally.refused_at["propose"] += 1
                time.sleep(random.uniform(0.0, 0.1))
                continue
            if proposed.status_code != 201:
                tally.failures.append(f"writer {writer}: propose {proposed.status_code} {proposed.text[:300]}")
                return
            proposal = proposed.json()["id"]
            approved = tally.saw("POST reviews", client.post(
                f"/v1/proposals/{proposal}/reviews", json={"decision": "approve"},
                headers={"Authorization": f"Bearer {reviewer}"}))
            if approved.status_code != 201:
                tally.failures.append(f"writer {writer}: review {approved.status_code} {approved.text[:300]}")
                return
            published = tally.saw("POST publish", client.post(
                f"/v1/proposals/{proposal}/publish", headers={"Authorization": f"Bearer {secret}"}))
            if published.status_code == 200:
                with tally.lock:
                    tally.published[writer] = proposal
                return
            if published.status_code != 412:
                tally.failures.append(f"writer {writer}: publish {published.status_code} {published.text[:300]}")
                return
            refused.add(etag)
            with tally.lock:
                tally.refused_at["publish"] += 1
            time.sleep(random.uniform(0.0, 0.1))
    tally.failures.append(f"writer {writer}: gave up after {attempts} attempts")


def cli_key(url: str, name: str, scopes: str) -> str:
    """A key made the documented way: `python -m app keys create` prints the secret on its last line."""
    done = subprocess.run([sys.executable, "-m", "app", "keys", "create", "--name", name, "--scopes", scopes],
                          cwd=REPO_ROOT, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip().splitlines()[-1]


def history(client: httpx.Client) -> list[dict]:
    revisions, url = [], f"{FACT}/history?limit=100"
    while url:
        page = client.get(url).json()
        revisions += page["data"]
        url = page["links"]["next"]
    return revisions


def test_twenty_writers_on_one_fact(backend: str, empty_url: str, tmp_path: Path) -> None:
    migrate_and_seed(empty_url)
    engine = make_engine(Settings(database_url=empty_url))
    try:
        with engine.begin() as connection:  # one key per writer, made in-process: the CLI takes ~1 s a key
            secrets = {n: create_key(connection, f"writer-{n}", ("propose", "publish")) for n in range(1, WRITERS + 1)}
        reviewer = cli_key(empty_url, "reviewer", "review")

        with live_server(empty_url, tmp_path, WORKERS="2", ACCESS_LOG="false", RATE_LIMIT_PER_MINUTE="0",
                         WRITE_RATE_LIMIT_PER_MINUTE="0",  # one reviewer key approves every write here
                         VERSION_CHECK_INTERVAL=str(VERSION_CHECK_INTERVAL)) as server:
            with httpx.Client(base_url=server.url, timeout=30.0) as client:
                before = history(client)
                tally = Tally()
                start = threading.Barrier(WRITERS)
                deadline = time.monotonic() + RUN_SECONDS
                threads = [threading.Thread(target=write_once, args=(server, n, secrets[n], reviewer, tally, start,
                                                                       deadline)) for n in secrets]
                began = time.monotonic()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=RUN_SECONDS + 30)
                took = time.monotonic() - began
                print(f"\n{backend}: {WRITERS} writers published in {took:.1f} s; 412 at propose "
                      f"{tally.refused_at['propose']}, at publish {tally.refused_at['publish']}; stale reads "
                      f"{tally.stale_reads}; responses {dict(sorted(tally.statuses.items()))}")

                assert tally.failures == []
                assert sorted(tally.published) == list(secrets)
                assert [s for (_, s) in tally.statuses if s >= 500] == []
                assert sum(tally.refused_at.values()) > 0  # the writers did race

                revisions = history(client)[len(before):]
                assert [r["operation"] for r in revisions] == ["update"] * WRITERS
                text = _replay(before)  # the seed's document
                for revision in revisions:
                    writer = int(revision["author"].removeprefix("key:writer-"))
                    previous_summary = text["summary"]["en"]
                    text = jsonpatch.apply_patch(text, revision["patch"])
                    # Based on the write before it: the same summary with this writer's marker appended.
                    assert text["summary"]["en"] == previous_summary + marker(writer)
                    assert (revision["reviewer"], revision["proposal"]) == ("key:reviewer", f"/v1/proposals/{tally.published[writer]}")
                assert sorted(int(r["author"].removeprefix("key:writer-")) for r in revisions) == list(secrets)

                # Both processes serve the last revision's document once their caches have seen the new version
                # (new connections, so the requests spread over the two).
                time.sleep(VERSION_CHECK_INTERVAL + 0.5)
                assert [httpx.get(server.url + FACT, headers=IDENTITY).json() for _ in range(6)] == [text] * 6
            assert "Traceback" not in server.log()

        with Session(engine) as session:
            checked, problems = verify_history(session)
        assert problems == [] and checked > WRITERS
    finally:
        engine.dispose()


def _replay(revisions: list[dict]) -> dict:
    document: dict = {}
    for revision in revisions:
        document = jsonpatch.apply_patch(document, revision["patch"])
    return document
