"""README.md of a release's data package: what the release is, what each file holds, the licence, how to cite it."""

from typing import Any

from app.facts.licence import ATTRIBUTION, LICENCE
from app.registry import DOCUMENTED_KINDS
from app.releases.metadata import DESCRIPTION, TITLE, ReleaseFacts, iso_utc


def package_readme(release: ReleaseFacts, counts: dict[str, int], sources: list[dict[str, Any]]) -> str:
    since = f"since release {release.previous}" if release.previous else "(the first release: every fact is new)"
    changes = ", ".join(f"{n} {what}" for what, n in release.changes.items())
    files = [
        *(f"| `data/{kind.plural}.csv` | {counts[kind.plural]} | {(kind.item_schema.__doc__ or '').strip()} |"
          for kind in DOCUMENTED_KINDS),
        f"| `data/citations.csv` | {counts['citations']} | Every quote that supports a fact, with its offsets. |",
        *(f"| `sources/{source['slug']}.txt` | | The text of {source['title']['zh']}: the quotes' `start` and `end` "
          "are code-point offsets into it. |" for source in sources),
        ("| `datapackage.json` | | The Frictionless Data Package: a Table Schema per table, the size and sha256 of "
         "every file, the licence and the sources. |"),
        "| `CITATION.cff` | | How to cite this release. |",
    ]
    paragraphs = [
        f"# {TITLE} — release {release.number}",
        (f"Published {iso_utc(release.published_at)} · dataset version {release.dataset_version} · "
         f"changes {since}: {changes}."),
        release.notes,
        DESCRIPTION,
        "## Files",
        "\n".join(["| file | rows | what |", "|---|--:|---|", *files]),
        ("Text fields come in two columns, `_zh` (Chinese, as in the source) and `_en` (English, ours). Numbers are "
         "exact decimals as published; lists (citations, aliases, metrics) are JSON arrays. The tables are what the "
         f"API's CSV gives for each collection; the full changelog is at `/v1/releases/{release.number}`."),
        "## Licence",
        f"{LICENCE['data']} ({LICENCE['url']}). {LICENCE['quotes']}.",
        f"Attribution: {ATTRIBUTION}.",
        "## How to cite",
        (f"Reform Facts ({release.published_at.year}). {TITLE}, release {release.number} "
         f"(version {release.number}.0.0, {release.published_at.date().isoformat()}). See CITATION.cff."),
    ]
    return "\n\n".join(paragraphs) + "\n"
