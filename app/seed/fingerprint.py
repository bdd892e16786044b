"""A hash of the seed files, cheap enough to decide at start-up whether a load is needed at all."""

import hashlib
import os
from pathlib import Path


def seed_fingerprint(seed_dir: Path) -> str:
    """Every data file's path and bytes (README.md is documentation, not data)."""
    digest = hashlib.sha256()
    for path in sorted(seed_dir.rglob("*")):
        if path.is_file() and path.name != "README.md":
            digest.update(path.relative_to(seed_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_commit(repo: Path) -> str | None:
    """The git commit the code runs from, if it runs from a checkout (read from .git, no git needed);
    SOURCE_COMMIT when set (an image built without .git can be given it)."""
    if commit := os.environ.get("SOURCE_COMMIT"):
        return commit
    try:
        head = (repo / ".git" / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        loose = repo / ".git" / ref
        if loose.is_file():
            return loose.read_text().strip()
        for line in (repo / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    except OSError:
        return None
    return None
