"""Record metadata in a saved page's ``<meta>`` tags, one reader per standard.

Highwire Press ``citation_*`` (and bepress ``bepress_citation_*``, the same vocabulary),
Dublin Core / DCTERMS ``DC.*``, PRISM ``prism.*`` and EPrints ``eprints.*``. Each reader
gives a ``Partial`` in the page's own terms; nothing is guessed: a ``citation_firstpage``
that holds an extent is not a page, a keyword that is the record's type is not a tag,
an institution listed as a Dublin Core contributor is not a creator, an affiliation
appended to a name (`[UNESP]`) is not part of it. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zotsync import ids
from zotsync.sources import partial
from zotsync.sources.partial import Partial
from zotsync.sources.repository_types import type_from_label
from zotsync.text import squash

if TYPE_CHECKING:
    from bs4 import BeautifulSoup


@dataclass(frozen=True)
class Meta:
    name: str
    content: str
    lang: str = ""


Metas = dict[str, list[Meta]]

# Words of type labels the repository-type table does not know (Portuguese, Spanish, German, French).
EXTRA_TYPES: list[tuple[str, str]] = [
    (r"disserta[cç][aã]o|\btese\b|\btesis\b|dissertation|hochschulschrift|doktorarbeit|masterarbeit|"
     r"\bth[eè]se\b|trabajo fin de|trabalho de conclus", "thesis"),
    (r"artigo|art[ií]culo|aufsatz|zeitschriftenartikel", "journalArticle"),
    (r"cap[ií]tulo|buchkapitel|book_section|bookitem", "bookSection"),
    (r"ponencia|comunica[cç][aã]o|konferenzbeitrag|tagungsbeitrag", "conferencePaper"),
    (r"livro|\bbuch\b|sachbuch|monograph", "book"),
]
EPRINTS_TYPES = {"article": "journalArticle", "book_section": "bookSection", "book": "book", "monograph": "report",
                 "conference_item": "conferencePaper", "thesis": "thesis", "patent": "patent",
                 "dataset": "dataset", "preprint": "preprint"}


def read_metas(soup: BeautifulSoup) -> Metas:
    """``<meta name|property content>`` by lower-cased name, in page order, with their language."""
    out: Metas = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = squash(str(tag.get("content") or ""))
        if name and content:
            lang = str(tag.get("xml:lang") or tag.get("lang") or "").strip().lower()
            out.setdefault(name, []).append(Meta(name, content, lang))
    return out


def label_type(label: str) -> str:
    """The Zotero type a repository type label names ("Dissertação de mestrado" -> thesis), else ""."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label.rsplit("/", 1)[-1])  # info:eu-repo/semantics/doctoralThesis
    found = type_from_label(words)
    if found:
        return found[0]
    text = words.lower()
    for pattern, item_type in EXTRA_TYPES:
        if re.search(pattern, text):
            return item_type
    return ""


def _values(metas: Metas, *names: str) -> list[str]:
    return [m.content for n in names for m in metas.get(n, [])]


def _first(metas: Metas, *names: str) -> str:
    return next(iter(_values(metas, *names)), "")


def _keywords(values: list[str]) -> list[str]:
    return [k for v in values for k in (squash(x).strip(" .,") for x in re.split(r"\s*;\s*", v)) if k]


# ---------------------------------------------------------------- Highwire / bepress

HIGHWIRE_FIELDS = {
    "title": "title", "journal_title": "publicationTitle", "journal_abbrev": "journalAbbreviation",
    "conference_title": "publicationTitle", "inbook_title": "publicationTitle", "book_title": "publicationTitle",
    "volume": "volume", "issue": "issue", "series_title": "series", "publisher": "publisher",
    "dissertation_institution": "publisher", "technical_report_institution": "publisher",
    "technical_report_number": "number", "edition": "edition", "abstract": "abstractNote",
    "dissertation_name": "type",
}
HIGHWIRE_TYPES = [("dissertation_institution", "thesis"), ("technical_report_institution", "report"),
                  ("technical_report_number", "report"), ("conference_title", "conferencePaper"),
                  ("conference", "conferencePaper"), ("inbook_title", "bookSection"),
                  ("book_title", "bookSection"), ("journal_title", "journalArticle")]


def highwire(metas: Metas, prefix: str = "citation_") -> Partial:
    """Highwire Press tags (Google Scholar's); with ``prefix="bepress_citation_"`` the bepress copy."""
    tags = {m[len(prefix):]: v for m, v in metas.items() if m.startswith(prefix)}
    part = Partial(prefix.rstrip("_"))

    def first(key: str) -> str:
        return tags[key][0].content if tags.get(key) else ""

    for key, name in HIGHWIRE_FIELDS.items():
        part.set(name, partial.clean_title(first(key)) if name == "title" else first(key))
    part.set("date", next((partial.date(first(k)) for k in ("publication_date", "date", "cover_date", "online_date")
                           if partial.date(first(k))), ""))
    part.set("pages", partial.pages(first("firstpage"), first("lastpage")))
    part.set("DOI", ids.clean_doi(first("doi")))
    part.set("ISBN", ids.clean_isbns(" ".join(m.content for m in tags.get("isbn", []))))
    part.set("ISSN", ids.clean_issns(" ".join(m.content for m in tags.get("issn", []) + tags.get("eissn", []))))
    part.set("PMID", ids.clean_pmid(first("pmid")))
    part.set("language", partial.language(first("language")))
    part.set("url", first("public_url") or first("abstract_html_url"))
    for key, role in (("author", "author"), ("authors", "author"), ("editor", "editor")):
        for meta in tags.get(key, []):
            for name in meta.content.split(";"):
                part.add_person(name, role)
    part.tags = _keywords([m.content for m in tags.get("keywords", [])])
    part.item_type = next((t for key, t in HIGHWIRE_TYPES if tags.get(key)), "")
    return part


# ---------------------------------------------------------------- Dublin Core / DCTERMS

def dublin_core(metas: Metas, page_lang: str = "") -> Partial:
    """``DC.*`` / ``DCTERMS.*`` (and the qualified ``dc.x.y`` forms DSpace writes)."""
    dc: Metas = {}
    for name, values in metas.items():
        if name.startswith(("dc.", "dcterms.")):
            key = name.split(".", 1)[1]
            dc.setdefault(key, []).extend(values)
    part = Partial("dc")
    part.set("title", partial.clean_title(_first(dc, "title")))
    for key in ("issued", "date.issued", "created", "date"):
        part.set("date", partial.date(_first(dc, key)))
    part.set("publisher", _first(dc, "publisher"))
    part.set("language", next((c for c in map(partial.language, _values(dc, "language.iso", "language")) if c), ""))
    part.set("abstractNote", _abstract(dc, part.fields.get("language") or page_lang))
    part.set("publicationTitle", _first(dc, "relation.ispartof", "ispartof", "source.title"))
    if _first(dc, "source.issn", "source.volume"):  # OJS: DC.Source is the journal when these come with it
        part.set("publicationTitle", _first(dc, "source"))
    part.set("volume", _first(dc, "source.volume"))
    part.set("issue", _first(dc, "source.issue"))
    part.set("pages", partial.pages(_first(dc, "identifier.pagenumber")))
    part.set("ISSN", ids.clean_issns(" ".join(_values(dc, "source.issn"))))
    part.set("numPages", partial.num_pages(_first(dc, "extent", "format.extent")))
    for value in _values(dc, "identifier", "identifier.uri", "identifier.doi", "identifier.citation"):
        part.set("DOI", ids.clean_doi(value) if value.lower().startswith(("doi:", "10.", "https://doi.org/",
                                                                         "http://dx.doi.org/", "http://doi.org/",
                                                                         "https://dx.doi.org/")) else "")
        part.set("url", ids.find_handle(value))
        part.set("ISBN", ids.clean_isbns(value) if re.match(r"^(?:isbn:?\s*)?[\d\-\s]{9,17}[\dxX]$", value, re.I)
                 else "")
    part.set("ISSN", ids.clean_issns(" ".join(_values(dc, "identifier.issn"))))
    for key, role in (("creator", "author"), ("creator.personalname", "author"), ("contributor.author", "author"),
                      ("contributor.editor", "editor"), ("contributor.advisor", "contributor"), ("contributor", "contributor")):
        for value in _values(dc, key):
            if role == "contributor" and partial.is_institution(value):
                continue  # the degree-granting institution or a department: not a creator
            part.add_person(value, role)
    part.tags = _keywords(_values(dc, "subject"))
    for label in _values(dc, "type"):
        item_type = label_type(label)
        if item_type:
            part.item_type, part.type_label = item_type, label
            break
    if part.item_type == "thesis" and len(part.type_label.split()) > 1 and ":" not in part.type_label:
        part.set("type", part.type_label)  # "Dissertação de mestrado", not the bare word "Thesis"
    return part


def _abstract(dc: Metas, lang: str) -> str:
    """The abstract in the record's language when several translations are given.

    A plain ``DC.description`` is often a note (`Inclui bibliografia`, `Orientador: …`): it is an
    abstract only when it reads like one (a dozen words or more, not a `Label: value` note).
    """
    found = [m for key in ("abstract", "description.abstract") for m in dc.get(key, [])]
    found = found or [m for m in dc.get("description", [])
                      if len(m.content.split()) >= 12 and not re.match(r"^[^\s:]{1,30}:\s", m.content)]
    if not found:
        return ""
    lang = lang.split("-")[0]
    same = [m for m in found if m.lang.split("-")[0] == lang] if lang else []
    return (same or found)[0].content


# ---------------------------------------------------------------- PRISM

def prism(metas: Metas) -> Partial:
    """PRISM ``prism.*`` (publisher sites, often beside Dublin Core)."""
    pr = {name.split(".", 1)[1]: values for name, values in metas.items() if name.startswith("prism.")}
    part = Partial("prism")
    part.set("publicationTitle", _first(pr, "publicationname"))
    part.set("volume", _first(pr, "volume"))
    part.set("issue", _first(pr, "number", "issueidentifier"))
    part.set("edition", _first(pr, "edition"))
    part.set("section", _first(pr, "section"))
    part.set("date", next((d for d in map(partial.date, _values(pr, "publicationdate", "coverdate")) if d), ""))
    part.set("pages", partial.pages(_first(pr, "pagerange") or _first(pr, "startingpage"),
                                    "" if _first(pr, "pagerange") else _first(pr, "endingpage")))
    part.set("DOI", ids.clean_doi(_first(pr, "doi")))
    part.set("ISSN", ids.clean_issns(" ".join(_values(pr, "issn", "eissn"))))
    part.set("ISBN", ids.clean_isbns(" ".join(_values(pr, "isbn"))))
    part.set("url", _first(pr, "url"))
    part.tags = _keywords(_values(pr, "keyword"))
    aggregation = _first(pr, "aggregationtype").lower()
    part.item_type = {"journal": "journalArticle", "book": "bookSection", "magazine": "magazineArticle",
                      "newspaper": "newspaperArticle"}.get(aggregation, "") if part.fields.get("publicationTitle") else ""
    return part


# ---------------------------------------------------------------- EPrints

def eprints(metas: Metas) -> Partial:
    """EPrints ``eprints.*`` tags (names as `Surname, Given`)."""
    ep = {name.split(".", 1)[1]: values for name, values in metas.items() if name.startswith("eprints.")}
    part = Partial("eprints")
    part.set("title", partial.clean_title(_first(ep, "title")))
    part.set("date", partial.date(_first(ep, "date")))
    part.set("publicationTitle", _first(ep, "publication", "book_title", "event_title"))
    part.set("volume", _first(ep, "volume"))
    part.set("issue", _first(ep, "number"))
    part.set("pages", partial.pages(_first(ep, "pagerange")))
    part.set("numPages", _first(ep, "pages") if _first(ep, "pages").isdigit() else "")
    part.set("publisher", _first(ep, "publisher", "institution"))
    part.set("place", _first(ep, "place_of_pub"))
    part.set("series", _first(ep, "series"))
    part.set("abstractNote", _first(ep, "abstract"))
    part.set("type", _first(ep, "thesis_type") if _first(ep, "type") == "thesis" else "")
    part.set("DOI", ids.clean_doi(_first(ep, "id_number", "doi")))
    part.set("ISBN", ids.clean_isbns(" ".join(_values(ep, "isbn"))))
    part.set("ISSN", ids.clean_issns(" ".join(_values(ep, "issn"))))
    part.set("url", _first(ep, "official_url"))
    for key, role in (("creators_name", "author"), ("editors_name", "editor"), ("contributors_name", "contributor")):
        for value in _values(ep, key):
            part.add_person(value, role)
    part.tags = _keywords(_values(ep, "keywords"))
    kind = _first(ep, "type").lower()
    part.item_type = EPRINTS_TYPES.get(kind, "")
    part.type_label = kind
    return part


def all_standards(metas: Metas, page_lang: str = "") -> list[Partial]:
    """The meta-tag standards in order of trust: Highwire, Dublin Core, PRISM, EPrints, bepress."""
    return [highwire(metas), dublin_core(metas, page_lang), prism(metas), eprints(metas),
            highwire(metas, "bepress_citation_")]
