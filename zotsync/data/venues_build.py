"""Build ``venues.tsv.gz`` (normalised venue keys with their class) from the shared venue lexicons.

    python zotsync/data/venues_build.py ../shared/venues zotsync/data/venues.tsv.gz

Reads ``conferences.tsv``, ``journals.tsv`` and ``journal_acronyms.tsv`` (see their README
and ``venues_SOURCES.md``) and writes one ``<class>\\t<key>`` line per key, sorted:
``c`` conference (acronyms, conference names, NLM proceedings serials), ``j`` journal
(titles with and without qualifiers or subtitles, ISO 4 / MEDLINE abbreviations, journal
acronyms), ``p`` preprint server, ``a`` a key that names both a conference and a journal.
Only keys are kept (no names, no ISSNs): the parser classifies venues, it never rewrites them.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zotsync.sources.venues import conf_name_key, key, key_noparen, key_nosubtitle, nodots  # noqa: E402


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def build(folder: Path) -> dict[str, str]:
    marks: dict[str, set[str]] = {}

    def put(mark: str, name: str) -> None:
        if name and len(name) >= 2:
            marks.setdefault(name, set()).add(mark)

    for row in rows(folder / "conferences.tsv"):
        put("c", key(row["acronym"]))
        put("c", conf_name_key(row["full_name"]))
    for row in rows(folder / "journals.tsv"):
        mark = {"proceedings": "c", "preprint": "p"}.get(row.get("kind", ""), "j")
        full = row["full_name"]
        for name in {key(full), key_noparen(full), key_nosubtitle(full)}:
            put(mark, name)
        for abbreviation in (row["abbreviation"], row["abbreviation_nodots"]):
            put(mark, key(nodots(abbreviation)))
            put(mark, key(nodots(abbreviation).replace("-", "")))
    for row in rows(folder / "journal_acronyms.tsv"):
        put("j", key(row["acronym"]))
    return {name: (next(iter(m)) if len(m) == 1 else "p" if "p" in m else "a") for name, m in marks.items()}


def main(argv: list[str]) -> None:
    folder, target = Path(argv[1]), Path(argv[2])
    lexicon = build(folder)
    text = "".join(f"{mark}\t{name}\n" for name, mark in sorted(lexicon.items()))
    target.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{target}: {len(lexicon)} keys, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv)
