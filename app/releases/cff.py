"""CITATION.cff (Citation File Format 1.2.0) of a release: how to cite it, and the sources it quotes as references."""

from typing import Any

import yaml

from app.facts.licence import LICENCE_SPDX
from app.releases.metadata import DESCRIPTION, KEYWORDS, TITLE, ReleaseFacts, both_languages


def citation_cff(release: ReleaseFacts, sources: list[dict[str, Any]]) -> str:
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": f"If you use these data, please cite release {release.number} of the dataset as below.",
        "type": "dataset",
        "title": f"{TITLE}, release {release.number}",
        "version": f"{release.number}.0.0",
        "date-released": release.published_at.date().isoformat(),  # published_at is UTC
        "authors": [{"name": "Reform Facts"}],
        "license": LICENCE_SPDX,
        "abstract": DESCRIPTION,
        "keywords": KEYWORDS,
        "references": [_reference(source) for source in sources],
    }
    return yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=120)


def _reference(source: dict[str, Any]) -> dict[str, Any]:
    """A source as a CFF reference: a newspaper article by its author (or, without one, its publisher)."""
    publisher = both_languages(source["publisher"])
    reference: dict[str, Any] = {
        "type": "newspaper-article",
        "title": both_languages(source["title"]),
        "authors": [{"name": both_languages(source["author"]) or publisher}],
        "publisher": {"name": publisher},
        "date-published": source["published_on"],
        "languages": [source["language"]],
    }
    if source.get("url"):
        reference["url"] = source["url"]
    return reference
