"""Saved HTML record pages: every embedded-metadata standard, merged, and the visible page last.

Read in this order of trust, each filling only what the earlier ones left empty:
Highwire ``citation_*``, Dublin Core / DCTERMS ``DC.*``, PRISM ``prism.*``, EPrints
``eprints.*``, bepress ``bepress_citation_*`` (``embedded``), COinS ``span.Z3988``
(``coins``), schema.org JSON-LD / microdata / RDFa (``schemaorg``), and the page's
labelled rows (``page_text``). A page that carries none of them is turned into text
and handed to the text parsers (IRIS / DSpace, VuFind, Semantic Scholar). A page with
several different COinS and nothing else (a result list) gives one item per COinS.
The identity is the record's handle, else the VuFind record id the page gives
(``vufind:<id>``, as the VuFind text parser names the same record), else the DOI.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from zotsync import ids
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import coins, common, embedded, page_text, partial, schemaorg
from zotsync.sources.base import Document, suffix
from zotsync.sources.partial import Partial
from zotsync.sources.sanitize import no_surrogates

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

HTML_MARKERS = re.compile(r"<html[\s>]|<head[\s>]|<meta\s|<body[\s>]")
VUFIND_RECORD = re.compile(r"/Record/([^/?#\s\"']+)/(?:Holdings|Description|Details|TOC|UserComments|Reviews|Export|"
                           r"Similar|Save|Cite|Email|SMS|Home)\b")


class HtmlMetaParser:
    name = "html"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:5000].lower()
        if head.startswith(("<!doctype html", "<html")) or HTML_MARKERS.search(head):
            return 0.97
        if head.startswith("<?xml"):  # an XML record (OAI-PMH, MARCXML) is not a page
            return 0.0
        return 0.2 if suffix(filename) in {"html", "htm", "xhtml"} else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning  # here, not at start-up: sniffing needs none of it

        with warnings.catch_warnings():  # a document forced to be read as HTML that is XML: read it all the same
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(no_surrogates(text), "lxml")
        spans = list(dict.fromkeys(str(s.get("title") or "") for s in soup.select("span.Z3988") if s.get("title")))
        metas = embedded.read_metas(soup)
        page_lang = str(soup.html.get("lang") or "") if soup.html else ""
        standards = embedded.all_standards(metas, partial.language(page_lang))
        record_id = _vufind_record_id(soup)
        if len(spans) > 1 and not record_id and all(p.is_empty() for p in standards):
            return self._each_coins(spans, doc)  # a result list: each COinS is a record
        standards.append(coins.read(spans[0]) if spans else Partial("coins"))
        standards.append(schemaorg.read(text))
        if all(p.is_empty() or not (p.fields.get("title") or p.creators) for p in standards):
            return _as_text(soup, doc)
        standards.append(page_text.read(soup))
        item = _finish(partial.merge(standards), metas)
        native = record_id if record_id and not ids.find_handle(item.get("url", "")) else ""
        return [Parsed(source=common.identity("vufind" if native else "html", item, doc, native=native),
                       item=item, origin=doc.origin)]

    def _each_coins(self, spans: list[str], doc: Document) -> list[Parsed]:
        out = []
        for number, span in enumerate(spans, 1):
            item = _finish(partial.merge([coins.read(span)]), {})
            if not item.get("title"):
                doc.report(doc.error(f"COinS record {number} has no title"))
                continue
            out.append(Parsed(source=common.identity("html", item, doc), item=item, origin=f"{doc.origin}:COinS {number}"))
        if not out:
            raise doc.error("no COinS record with a title on the page")
        return out


def _finish(item: dict[str, Any], metas: embedded.Metas) -> dict[str, Any]:
    """Handle as the url, the host as the catalogue, and no empty fields."""
    handle = next((ids.find_handle(m.content) for name in ("dc.identifier", "dc.identifier.uri", "citation_public_url")
                   for m in metas.get(name, []) if ids.find_handle(m.content)), "")
    landing = next((m.content for m in metas.get("citation_abstract_html_url", [])), "")
    if handle:
        item["url"] = handle
    url = item.get("url") or landing
    host = urlparse(url).netloc if url else ""
    if host and host != "hdl.handle.net":
        item.setdefault("libraryCatalog", host)
    return {k: v for k, v in item.items() if v not in ("", None)} | {"creators": item["creators"], "tags": item["tags"]}


def _vufind_record_id(soup: BeautifulSoup) -> str:
    """The catalogue record id a VuFind page gives (hidden id field, else its record-tab links)."""
    hidden = soup.select_one("input.hiddenId[value], input#record_id[value]")
    if hidden is not None and str(hidden.get("value") or "").strip():
        return str(hidden["value"]).strip()
    for link in soup.find_all("a", href=True):
        match = VUFIND_RECORD.search(str(link["href"]))
        if match:
            return match.group(1)
    return ""


def _as_text(soup: BeautifulSoup, doc: Document) -> list[Parsed]:
    from zotsync.sources import detect

    for tag in soup(["script", "style", "noscript", "head", "nav", "footer"]):
        tag.decompose()
    text = (soup.body or soup).get_text("\n")
    parser = detect(text, doc.origin + ".txt")
    if parser is None or parser.name == "html":
        raise ParseError("HTML page without record metadata (citation_*, DC.*, PRISM, EPrints, COinS, schema.org) "
                         "and with no known layout in its text", doc.origin)
    return parser.parse(text, doc)
