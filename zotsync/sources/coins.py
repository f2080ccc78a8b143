"""COinS: an OpenURL 1.0 ContextObject (Z39.88-2004, KEV format) in ``span.Z3988`` ``title``.

VuFind record pages carry one and often nothing else. The referent's format
(``rft_val_fmt``: journal, book, dissertation, patent, or simple Dublin Core ``dc``)
and ``rft.genre`` give the type; for ``dc`` the catalogue's own ``rft.format`` word
(`Buch`, `Artikel`, `Zeitschrift`) does. Empty keys (`rft.date=`) and non-values
(`rft.language=ohne Angabe`) are not data. Pure: no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from zotsync import ids
from zotsync.sources import partial
from zotsync.sources.embedded import label_type
from zotsync.sources.partial import Partial

GENRES = {"article": "journalArticle", "journal": "journalArticle", "issue": "journalArticle",
          "book": "book", "bookitem": "bookSection", "proceeding": "conferencePaper", "conference": "conferencePaper",
          "report": "report", "preprint": "preprint", "dissertation": "thesis", "thesis": "thesis",
          "patent": "patent", "document": "document"}
FORMATS = {"journal": "journalArticle", "book": "book", "dissertation": "thesis", "patent": "patent"}
# Catalogue format words that name a periodical as a whole: Zotero has no type for it.
PERIODICAL = re.compile(r"zeitschrift|zeitung|periodical|serial|journal\b|revista|rivista|magazin", re.I)


def read(title: str) -> Partial:
    """The record a ContextObject describes."""
    kev = {k: [v.strip() for v in vs if v.strip()] for k, vs in parse_qs(title, keep_blank_values=True).items()}
    part = Partial("coins")

    def first(*keys: str) -> str:
        return next((kev[k][0] for k in keys if kev.get(k)), "")

    fmt = first("rft_val_fmt").rsplit(":", 1)[-1]
    genre = first("rft.genre").lower()
    part.item_type = GENRES.get(genre, "") or FORMATS.get(fmt, "")
    if fmt == "dc" or not part.item_type:
        words = first("rft.format", "rft.type")
        if words and not PERIODICAL.search(words):
            part.item_type = label_type(words) or part.item_type
        part.type_label = words
    container = first("rft.jtitle", "rft.btitle") if part.item_type in ("journalArticle", "bookSection",
                                                                         "conferencePaper") else ""
    part.set("title", partial.clean_title(first("rft.atitle") if container or genre == "article"
                                          else first("rft.title", "rft.btitle", "rft.atitle")))
    part.set("publicationTitle", container)
    part.set("journalAbbreviation", first("rft.stitle"))
    part.set("date", partial.date(first("rft.date")))
    part.set("volume", first("rft.volume"))
    part.set("issue", first("rft.issue"))
    part.set("pages", partial.pages(first("rft.pages") or first("rft.spage"), "" if first("rft.pages") else first("rft.epage")))
    part.set("numPages", first("rft.tpages") if first("rft.tpages").isdigit() else "")
    part.set("publisher", first("rft.pub", "rft.publisher", "rft.inst"))
    part.set("place", first("rft.place"))
    part.set("edition", first("rft.edition"))
    part.set("series", first("rft.series"))
    part.set("type", first("rft.degree"))
    part.set("ISBN", ids.clean_isbns(" ".join(kev.get("rft.isbn", []))))
    part.set("ISSN", ids.clean_issns(" ".join(kev.get("rft.issn", []) + kev.get("rft.eissn", []))))
    part.set("language", partial.language(first("rft.language")))
    for rft_id in kev.get("rft_id", []):
        part.set("DOI", ids.clean_doi(rft_id[len("info:doi/"):]) if rft_id.startswith("info:doi/") else "")
        part.set("PMID", ids.clean_pmid(rft_id[len("info:pmid/"):]) if rft_id.startswith("info:pmid/") else "")
        part.set("url", rft_id if rft_id.startswith(("http://", "https://")) else "")
    _creators(part, kev)
    part.tags = kev.get("rft.subject", [])
    return part


def _creators(part: Partial, kev: dict[str, list[str]]) -> None:
    last, given = kev.get("rft.aulast", []), kev.get("rft.aufirst", []) or kev.get("rft.auinit", [])
    if last:
        part.add_person(f"{last[0]}, {given[0]}" if given else last[0], "author")
    for name in kev.get("rft.au", []) + kev.get("rft.creator", []):
        part.add_person(name, "author")
    for name in kev.get("rft.aucorp", []):
        if name.strip():
            part.creators.append({"creatorType": "author", "name": name.strip()})
