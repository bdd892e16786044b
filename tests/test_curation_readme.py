"""The README's curation walk-through, run as it stands against a real `python -m app serve`, on SQLite and
PostgreSQL: two keys, a source uploaded, a fact proposed, approved by the other key, published — then served
at its URL, in its history and /v1/changes, in search, and in the next release's data package."""

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
from live_server import live_server

from app.config import REPO_ROOT

SLUG = "new-market-entities-2021"


def readme_walkthrough() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing facts through the API", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, "the section has a sh block"
    return match.group(1)


def test_the_readme_walkthrough_publishes_a_fact_end_to_end(empty_url: str, tmp_path: Path) -> None:
    with live_server(empty_url, tmp_path) as server:
        environment = {**os.environ, "API": server.url, "DATABASE_URL": empty_url,
                       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_walkthrough()], check=False, cwd=tmp_path,
                             env=environment,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        assert "ok: release 2 " in run.stdout

        fact = httpx.get(f"{server.url}/v1/measures/{SLUG}").json()
        assert (fact["name"]["en"], fact["metrics"][0]["value_base"], fact["citations"][0]["quote"]) == (
            "New market entities", "12000", "龙港市2021年新增市场主体1.2万户")
        history = httpx.get(f"{server.url}/v1/measures/{SLUG}/history").json()["data"]
        assert [(h["operation"], h["author"], h["reviewer"], h["comment"]) for h in history] == [
            ("create", "key:alice", "key:bob", "Example Daily, 2021-03-01")]
        changes = httpx.get(f"{server.url}/v1/changes", params={"since": 1, "limit": 200}).json()["data"]
        assert (SLUG, "create") in [(c["slug"], c["operation"]) for c in changes]
        hits = httpx.get(f"{server.url}/v1/search", params={"q": "市场主体"}).json()["data"]
        assert SLUG in [hit["slug"] for hit in hits]
        release = httpx.get(f"{server.url}/v1/releases/2").json()
        assert SLUG in [entry["slug"] for entry in release["changelog"]["created"]]

    package = zipfile.ZipFile(io.BytesIO((tmp_path / "release.zip").read_bytes()))
    measures = next(name for name in package.namelist() if name.endswith("measures.csv"))
    assert SLUG in package.read(measures).decode("utf-8")
    sources = [name for name in package.namelist() if "example-daily-2021-03-01-longgang" in name]
    assert sources, package.namelist()
