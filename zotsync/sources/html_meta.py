"""Saved HTML item pages: Highwire ``citation_*`` and Dublin Core ``DC.*`` meta tags.

Follows Zotero's Embedded Metadata translator: the type comes from which tags
are present, authors are split on ``;``, ``citation_firstpage``/``lastpage``
make the pages. A page without such tags is turned into text and handed to
the text parsers (IRIS / DSpace, VuFind, Semantic Scholar).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup

from zotsync import ids, names
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document, suffix
from zotsync.sources.repository_types import type_from_label
from zotsync.text import repair_caps, squash

FIELD_TAGS = {
    "citation_title": "title", "dc.title": "title", "citation_publication_date": "date",
    "citation_date": "date", "citation_cover_date": "date", "dc.date": "date", "dc.date.issued": "date",
    "dcterms.issued": "date", "citation_journal_title": "publicationTitle",
    "citation_journal_abbrev": "journalAbbreviation", "citation_inbook_title": "publicationTitle",
    "citation_book_title": "publicationTitle", "citation_volume": "volume", "citation_issue": "issue",
    "citation_series_title": "series", "citation_conference_title": "conferenceName",
    "citation_conference": "conferenceName", "citation_dissertation_institution": "publisher",
    "citation_technical_report_institution": "publisher", "citation_technical_report_number": "number",
    "citation_publisher": "publisher", "dc.publisher": "publisher", "citation_abstract": "abstractNote",
    "dc.description": "abstractNote", "dcterms.abstract": "abstractNote", "citation_doi": "DOI",
    "citation_public_url": "url", "citation_abstract_html_url": "url", "citation_language": "language",
    "dc.language": "language", "dc.language.iso": "language", "citation_pmid": "PMID",
    "citation_edition": "edition",
}
TYPE_TAGS = [("citation_journal_title", "journalArticle"), ("citation_technical_report_institution", "report"),
             ("citation_conference_title", "conferencePaper"), ("citation_conference", "conferencePaper"),
             ("citation_book_title", "bookSection"), ("citation_inbook_title", "bookSection"),
             ("citation_dissertation_institution", "thesis")]


class HtmlMetaParser:
    name = "html"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:5000].lower()
        if head.startswith(("<!doctype html", "<html")) or "<meta " in head or "<head" in head:
            return 0.97
        return 0.2 if suffix(filename) in {"html", "htm", "xhtml"} else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        soup = BeautifulSoup(text, "html.parser")
        meta = _meta(soup)
        if not meta.get("citation_title") and not meta.get("dc.title"):
            return _as_text(soup, doc)
        item = meta_to_item(meta)
        return [Parsed(source=common.identity("html", item, doc), item=item, origin=doc.origin)]


def _meta(soup: BeautifulSoup) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = squash(str(tag.get("content") or ""))
        if name and content:
            meta.setdefault(name, []).append(content)
    for link in soup.find_all("link", rel=True):
        if "canonical" in (link.get("rel") or []) and link.get("href"):
            meta.setdefault("_canonical", []).append(str(link["href"]))
    return meta


def meta_to_item(meta: dict[str, list[str]]) -> dict[str, Any]:
    item: dict[str, Any] = {"itemType": _item_type(meta), "tags": []}
    for tag, field in FIELD_TAGS.items():
        if meta.get(tag) and field not in item:
            item[field] = meta[tag][0]
    item["title"] = repair_caps(item.get("title", ""))
    item["creators"] = _creators(meta)
    first, last = (meta.get("citation_firstpage") or [""])[0], (meta.get("citation_lastpage") or [""])[0]
    if first:
        item["pages"] = f"{first}-{last}" if last and "-" not in first else first.replace("–", "-")
    item["ISBN"] = ids.clean_isbns(" ".join(meta.get("citation_isbn", [])))
    item["ISSN"] = ids.clean_issns(" ".join(meta.get("citation_issn", []) or meta.get("citation_eissn", [])))
    if not item.get("DOI"):
        for value in meta.get("dc.identifier", []) + meta.get("citation_doi", []):
            item["DOI"] = ids.clean_doi(value) or item.get("DOI", "")
    handle = next((v for v in meta.get("dc.identifier", []) + meta.get("dc.identifier.uri", [])
                   if "hdl.handle.net" in v), "")
    item["url"] = item.get("url") or handle or (meta.get("_canonical") or [""])[0]
    host = urlparse(item["url"]).netloc if item["url"] else ""
    if host and host != "hdl.handle.net":
        item["libraryCatalog"] = host
    keywords = meta.get("citation_keywords", []) + meta.get("dc.subject", [])
    item["tags"] = common.tags([k for v in keywords for k in re.split(r"\s*;\s*", v)])
    if item.get("date"):
        item["date"] = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})$", r"\1-\2-\3", item["date"])
    return {k: v for k, v in item.items() if v not in ("", None)} | {"creators": item["creators"], "tags": item["tags"]}


def _item_type(meta: dict[str, list[str]]) -> str:
    item_type = ""
    for tag, mapped in TYPE_TAGS:
        if meta.get(tag):
            item_type = mapped
    if not item_type:
        for label in meta.get("dc.type", []) + meta.get("citation_type", []):
            found = type_from_label(label)
            if found:
                return found[0]
        item_type = "book" if meta.get("citation_isbn") else "journalArticle"
    return item_type


def _creators(meta: dict[str, list[str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for tag, role in (("citation_author", "author"), ("citation_authors", "author"), ("dc.creator", "author"),
                      ("dc.contributor.author", "author"), ("citation_editor", "editor")):
        values = meta.get(tag, [])
        if out and tag.startswith("dc.") and role == "author":
            continue
        for value in values:
            for name in (value.split(";") if ";" in value else [value]):
                creator = names.person(name, role)
                if name.strip() and (not out or out[-1] != creator):
                    out.append(creator)
    return out


def _as_text(soup: BeautifulSoup, doc: Document) -> list[Parsed]:
    from zotsync.sources import detect

    for tag in soup(["script", "style", "noscript", "head", "nav", "footer"]):
        tag.decompose()
    text = (soup.body or soup).get_text("\n")
    parser = detect(text, doc.origin + ".txt")
    if parser is None or parser.name == "html":
        raise ParseError("HTML page without citation_* or DC.* metadata, and no known layout in its text", doc.origin)
    return parser.parse(text, doc)
