"""A hash of the seed files, cheap enough to decide at start-up whether a load is needed at all."""

import hashlib
from pathlib import Path


def seed_fingerprint(seed_dir: Path) -> str:
    """Every data file's path and bytes (README.md is documentation, not data)."""
    digest = hashlib.sha256()
    for path in sorted(seed_dir.rglob("*")):
        if path.is_file() and path.name != "README.md":
            digest.update(path.relative_to(seed_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
