"""schema.org descriptions of the record in a saved page: JSON-LD, microdata and RDFa, read with extruct.

Only creative works are read (ScholarlyArticle, Article, Book, Chapter, Thesis, Report,
CreativeWork, ...); offers, breadcrumbs, organisations and similar-item lists are
not records. The main work is the one the page says it is about (``#record``, the
page's own URL) or else the first creative work. Pure: the page text is given, no I/O.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from zotsync import ids
from zotsync.sources import partial
from zotsync.sources.partial import Partial
from zotsync.text import squash

SCHEMA = re.compile(r"^https?://schema\.org/")
TYPES = {"ScholarlyArticle": "journalArticle", "Article": "journalArticle", "NewsArticle": "newspaperArticle",
         "Book": "book", "Chapter": "bookSection", "Thesis": "thesis", "Report": "report",
         "Dataset": "dataset", "SoftwareSourceCode": "computerProgram", "Periodical": "", "CreativeWork": "",
         "MediaObject": "", "Collection": "", "PublicationIssue": "", "Movie": "film", "Map": "map",
         "MusicRecording": "audioRecording", "WebPage": "webpage", "BlogPosting": "blogPost"}
BASE = "file:///saved-page.html"
RDFA_MARKER = re.compile(r"\s(?:property|typeof|vocab)=")
NOT_WORKS = {f"{prefix}{name}" for name in ("Offer", "AggregateOffer", "Demand", "ListItem", "BreadcrumbList",
                                             "SiteNavigationElement", "WPHeader", "WPFooter", "WPSideBar")
             for prefix in ("", "schema:", "http://schema.org/", "https://schema.org/")}
MAX_RDFA_PROPERTIES = 2000
log = logging.getLogger(__name__)


def read(html: str) -> Partial:
    """The main creative work's description, merged over the three syntaxes (JSON-LD first)."""
    syntaxes = [name for name, marker in (("json-ld", "application/ld+json"), ("microdata", "itemscope")) if marker in html]
    data = _extract(html, syntaxes) if syntaxes else {}
    rdfa = _rdfa_part(html) if RDFA_MARKER.search(html) else ""
    if rdfa:
        data.update(_extract(rdfa, ["rdfa"]))
    works = [*_flatten(data.get("json-ld", [])), *_flatten(data.get("microdata", [])), *_rdfa(data.get("rdfa", []))]
    works = [w for w in works if _type(w) is not None]
    if not works:
        return Partial("schema.org")
    main = next((w for w in works if str(w.get("@id", "")).endswith(("#record", BASE))), works[0])
    return _to_partial(main)


def _extract(html: str, syntaxes: list[str]) -> dict[str, Any]:
    # imported here, not at the top: extruct (rdflib, mf2py) takes about 0.5 s to import, and every run
    # loads every parser; only pages that carry schema.org markup pay for it
    import extruct
    from lxml import etree

    try:
        found: dict[str, Any] = extruct.extract(html, base_url=BASE, syntaxes=syntaxes, uniform=True, errors="ignore")
    except (ValueError, TypeError, AttributeError, LookupError, etree.LxmlError) as exc:  # markup no parser can read
        log.debug("schema.org extraction failed: %s", exc)
        return {}
    return found


def _rdfa_part(html: str) -> str:
    """The page without RDFa nodes that are never records (holdings offers, breadcrumbs), which RDFa parsing is slow on.

    "" when the page cannot be parsed or still carries more RDFa properties than a record page does.
    """
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, etree.LxmlError) as exc:
        log.debug("no RDFa read: %s", exc)
        return ""
    for node in tree.xpath("//*[@typeof]"):
        if set(str(node.get("typeof")).split()) <= NOT_WORKS and node.getparent() is not None:
            node.getparent().remove(node)
    for node in tree.xpath("//script|//style"):
        if node.getparent() is not None:
            node.getparent().remove(node)
    if len(tree.xpath("//*[@property]")) > MAX_RDFA_PROPERTIES:
        log.debug("RDFa not read: more than %d properties", MAX_RDFA_PROPERTIES)
        return ""
    return str(lxml.html.tostring(tree, encoding="unicode"))


def _flatten(nodes: list[Any]) -> list[dict[str, Any]]:
    """Top-level nodes and those in an ``@graph``."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if isinstance(node, dict):
            out.extend(_flatten(node["@graph"]) if isinstance(node.get("@graph"), list) else [node])
    return out


def _types_of(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type", [])
    return [SCHEMA.sub("", str(t)) for t in (raw if isinstance(raw, list) else [raw])]


def _type(node: dict[str, Any]) -> str | None:
    """The Zotero type of a creative work ("" when the work's type does not say); None for other things."""
    found = [TYPES[t] for t in _types_of(node) if t in TYPES]
    if not found:
        return None
    return next((t for t in found if t), "")


def _rdfa(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RDFa in expanded JSON-LD, turned into plain schema.org nodes with nested nodes resolved."""
    by_id = {str(n.get("@id")): n for n in nodes if isinstance(n, dict)}

    def plain(node: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {"@id": node.get("@id", ""), "@type": _types_of(node)}
        for key, values in node.items():
            if not SCHEMA.match(key):
                continue
            name = SCHEMA.sub("", key)
            out[name] = [_rdfa_value(v, by_id, plain, depth) for v in values if isinstance(v, dict)]
        return out

    return [plain(n) for n in nodes if isinstance(n, dict) and _types_of(n)]


def _rdfa_value(value: dict[str, Any], by_id: dict[str, dict[str, Any]], plain: Any, depth: int) -> Any:
    if "@value" in value:
        return str(value["@value"])
    ref = by_id.get(str(value.get("@id")))
    return plain(ref, depth + 1) if ref is not None and depth < 3 else str(value.get("@id", ""))


def _texts(value: Any) -> list[str]:
    """Plain strings of a property (a string, a list, or nodes with a name / @value)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, dict):  # a node: its name; a PropertyValue (`{"propertyID": "DOI", "value": …}`): its value
        return _texts(value.get("name") or value.get("@value") or value.get("value"))
    return [squash(str(value))] if str(value).strip() else []


def _nodes(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _first(node: dict[str, Any], *keys: str) -> str:
    return next((t for k in keys for t in _texts(node.get(k))), "")


def _to_partial(node: dict[str, Any]) -> Partial:
    part = Partial("schema.org")
    part.item_type = _type(node) or ""
    part.set("title", partial.clean_title(_first(node, "name", "headline")))
    part.set("date", partial.date(_first(node, "datePublished", "publicationDate", "dateCreated")))
    part.set("abstractNote", _first(node, "abstract", "description"))
    part.set("language", partial.language(_first(node, "inLanguage")))
    part.set("edition", _first(node, "bookEdition"))
    part.set("numPages", _first(node, "numberOfPages"))
    part.set("pages", partial.pages(_first(node, "pagination") or _first(node, "pageStart"), _first(node, "pageEnd")))
    part.set("ISBN", ids.clean_isbns(" ".join(_texts(node.get("isbn")))))
    part.set("ISSN", ids.clean_issns(" ".join(_texts(node.get("issn")))))
    for value in _texts(node.get("identifier")) + _texts(node.get("sameAs")) + _texts(node.get("doi")):
        part.set("DOI", ids.clean_doi(value) if re.search(r"\b10\.\d{4,9}/", value) else "")
    for publisher in _nodes(node.get("publisher")) + _nodes(node.get("sourceOrganization")):
        part.set("publisher", _texts(publisher)[0] if _texts(publisher) else "")
        if isinstance(publisher, dict):
            part.set("place", _first(publisher, "location", "address"))
    part.set("place", _first(node, "locationCreated"))
    _container(part, node.get("isPartOf"))
    for key, role in (("author", "author"), ("creator", "author"), ("editor", "editor"), ("contributor", "contributor"),
                      ("translator", "translator")):
        for person in _nodes(node.get(key)):
            _add_creator(part, person, role)
    part.tags = [k for v in _texts(node.get("keywords")) for k in re.split(r"\s*[;,]\s*", v) if k]
    return part


def _container(part: Partial, value: Any) -> None:
    """``isPartOf``: a periodical, a volume or an issue (nested), or a book for a chapter."""
    for node in _nodes(value):
        if not isinstance(node, dict):
            part.set("publicationTitle", _texts(node)[0] if _texts(node) else "")
            continue
        types = _types_of(node)
        if "PublicationIssue" in types:
            part.set("issue", _first(node, "issueNumber"))
        elif "PublicationVolume" in types:
            part.set("volume", _first(node, "volumeNumber"))
        else:
            part.set("publicationTitle", _first(node, "name"))
            part.set("ISSN", ids.clean_issns(" ".join(_texts(node.get("issn")))))
        _container(part, node.get("isPartOf"))


def _add_creator(part: Partial, person: Any, role: str) -> None:
    if isinstance(person, dict):
        family, given = _first(person, "familyName"), _first(person, "givenName")
        if family:
            part.add_person(f"{family}, {given}" if given else family, role)
            return
        name = _first(person, "name")
        if "Organization" in _types_of(person) and name:
            part.creators.append({"creatorType": role, "name": name})
            return
        person = name
    for text in _texts(person):
        part.add_person(text, role)
