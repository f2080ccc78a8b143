"""OAI-PMH responses and the records they carry, to items.

Reads ``GetRecord`` / ``ListRecords`` responses, bare ``<record>`` elements and bare
metadata documents in the forms DSpace, DSpace-CRIS, IRIS and OpenAIRE publish:
``oai_dc`` (also without its ``oai_dc:dc`` wrapper, as OpenAIRE stores it), DSpace
``xoai`` and ``dim`` (also inside a METS document), ``oai_openaire`` / DataCite
(``oaire:resource``, ``datacite:resource``) and OpenAIRE Graph ``oaf`` results, and
``marc21`` records (handed to the MARC reader), and the OpenAIRE CERIF profile.

A record whose header says ``status="deleted"`` is not an item and not an error. The
date is the issue date, never the accession or availability timestamps; a supervisor
is a contributor; departments and thesis referees are not creators. ``records_from_oai``
is the pure entry point for a fetched body; ``oai_page`` also gives the resumption token.
DSpace-CRIS's ``oai_cerif_openaire`` (OpenAIRE CERIF profile ``Publication``) is read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zotsync import ids
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources import record_fields as rf
from zotsync.sources.base import Document
from zotsync.sources.dc_types import best_type
from zotsync.sources.marc import records_from_marcxml
from zotsync.sources.sanitize import no_surrogates
from zotsync.text import squash

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XOAI_NS = "http://www.lyncode.com/xoai"
DIM_NS = "http://www.dspace.org/xmlns/dspace/dim"
MARC_NS = "http://www.loc.gov/MARC21/slim"
CERIF_NS = "https://www.openaire.eu/cerif-profile/1.1/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SNIFF_NAMESPACES = ("openarchives.org/OAI/2.0", "lyncode.com/xoai", "dspace.org/xmlns/dspace/dim", "openaire.eu/cerif-profile",
                    "namespace.openaire.eu", "datacite.org/schema/kernel")
ROOTS = {"OAI-PMH", "record", "dc", "metadata", "METS", "dim", "resource", "entity", "result", "records", "ListRecords",
         "Publication", "Product", "Patent"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
DEGREE = re.compile(r"^(?:Ph\.?\s?D\.?|Sc\.?D\.?|Ed\.?D\.?|D\.?Phil\.?|S\.?M\.?|S\.?B\.?|M\.?\s?Eng\.?|M\.?A\.?|M\.?S\.?|"
                    r"M\.?Sc\.?|B\.?S\.?|B\.?A\.?|M\.?B\.?A\.?|M\.?Arch\.?|M\.?C\.?P\.?|Mgr\.|Bc\.|PhDr\.|Ing\.|"
                    r"Dr\.?\s?\w*\.?|Nav\.?\s?E\.?|Engineer'?s?)$")
CORPORATE = re.compile(r"\b(?:universit\w*|department|dept\.|institut\w*|laborator\w*|lab|school|faculty|facult\w+|"
                       r"cent(?:er|re)|program(?:me)?|group|society|association|inc|ltd|library|college|office|ministry|"
                       r"foundation|council|committee|agency|division|project|press|museum|academy|corporation|"
                       r"company|gmbh|s\.p\.a|research|organi[sz]ation|consorti\w*|network|unione?|service|survey|"
                       r"bureau|commission|board|collaboration|initiative|partnership|government|republic|nations)\b", re.I)
SKIPPED_CONTRIBUTORS = {"referee", "reviewer", "opponent", "department", "committeemember", "committee",
                        "institution", "organization", "orgunit", "faculty", "sponsor", "funder", "other"}
CODE_SUBJECTS = {"ddc", "udc", "lcc", "classification", "jel", "pacs", "msc", "miur", "erc", "ssd", "scopus", "wos",
                 "anzsrc", "rvk", "bk"}
PLACE_KEY = re.compile(r"(?:^|\.)(?:publication[-.]?place|publisher\.place|place\.publication|publisherplace)$", re.I)


@dataclass
class OaiPage:
    """What one OAI-PMH response holds: the items, the records it deleted, and where the list goes on."""

    items: list[Parsed] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    verb: str = ""
    resumption_token: str = ""
    complete_list_size: int | None = None
    error: str = ""


class OaiParser:
    name = "oai"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:8000]
        root = rf.root_name(head)
        if root in ROOTS and any(ns in head for ns in SNIFF_NAMESPACES):
            return 0.98
        return 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        page = oai_page(text, doc)
        if page.error and not page.items:
            raise doc.error(page.error)
        if not page.items and doc.problems:
            raise doc.problems.pop()
        if not page.items and not page.deleted:
            raise doc.error(f"OAI-PMH {page.verb or 'document'} without records".replace("  ", " "))
        return page.items


def records_from_oai(body: str | bytes, doc: Document) -> list[Parsed]:
    """Items of an OAI-PMH response or record document (deleted records left out)."""
    return oai_page(body, doc).items


def oai_page(body: str | bytes, doc: Document) -> OaiPage:
    root = parse_xml(body, doc)
    page = OaiPage()
    request = _child(root, "request")
    page.verb = (request.get("verb") or "") if request is not None else ""
    error = _child(root, "error")
    if error is not None:
        page.error = f"OAI-PMH error {error.get('code', '')}: {squash(error.text)}".strip(": ")
    token = next((e for e in root.iter() if _local(e) == "resumptionToken"), None)
    if token is not None:
        page.resumption_token = squash(token.text)
        size = token.get("completeListSize", "")
        page.complete_list_size = int(size) if size.isdigit() else None
    for number, record in enumerate(_records(root), start=1):
        header = _child(record, "header")
        identifier = squash(_text(_child(header, "identifier"))) if header is not None else ""
        where = identifier or f"record {number}"
        if header is not None and header.get("status") == "deleted":
            page.deleted.append(identifier)
            continue
        metadata = _child(record, "metadata") if header is not None else record
        if metadata is None:
            doc.report(doc.error(f"{where}: record without metadata"))
            continue
        try:
            found = _from_metadata(metadata, doc, where)
        except ParseError as exc:
            doc.report(exc)
            continue
        page.items.extend(found)
    return page


def parse_xml(body: str | bytes, doc: Document) -> Any:
    from lxml import etree  # here, not at start-up: sniffing needs none of it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    data = no_surrogates(body).encode("utf-8") if isinstance(body, str) else body
    if isinstance(body, str):
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data.lstrip(b"\xef\xbb\xbf"))
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise doc.error(f"not well-formed XML ({exc.msg})", line) from exc


def _local(element: Any) -> str:
    tag = element.tag  # "{namespace}name" or "name" (lxml's form)
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(element: Any) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _child(element: Any, name: str) -> Any:
    if element is None:
        return None
    return next((c for c in element if _local(c) == name), None)


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if _local(c) == name]


def _text(element: Any) -> str:
    return "" if element is None else "".join(element.itertext())


def _records(root: Any) -> list[Any]:
    """The OAI records of a response, or the root itself when it is one record or a bare metadata document."""
    if _local(root) in {"OAI-PMH", "ListRecords", "GetRecord", "records"}:
        return [e for e in root.iter() if _local(e) == "record" and _ns(e) in {OAI_NS, ""}
                and (_child(e, "header") is not None or _child(e, "metadata") is not None)]
    return [root]


def _from_metadata(metadata: Any, doc: Document, where: str) -> list[Parsed]:
    marc = next((e for e in metadata.iter() if (_ns(e), _local(e)) == (MARC_NS, "record")), None)
    if marc is not None:  # metadataPrefix marc21: the MARC reader's
        from lxml import etree

        return records_from_marcxml(etree.tostring(marc), doc)
    item = metadata_item(metadata)
    if item is None:
        raise doc.error(f"{where}: metadata in a form zotsync does not read")
    if not item.get("title"):
        raise doc.error(f"{where}: record without a title")
    return [Parsed(source=common.identity("oai", item, doc), item=_tidy(item), origin=doc.origin)]


def metadata_item(metadata: Any) -> dict[str, Any] | None:
    """The item of one record's metadata, by the form its namespaces show (None for a form not read)."""
    names = {(_ns(e), _local(e)) for e in metadata.iter()}
    namespaces = {ns for ns, _ in names}
    if XOAI_NS in namespaces:
        return item_from_qualified(xoai_fields(metadata))
    if CERIF_NS in namespaces:
        return item_from_cerif(metadata)
    if DIM_NS in namespaces:
        return item_from_qualified(dim_fields(metadata))
    if any(local == "resource" and ("datacite" in ns or "openaire" in ns) for ns, local in names):
        return item_from_datacite(metadata)
    if any(local == "entity" for _, local in names) or _oaf_result(metadata) is not None:
        return item_from_oaf_result(metadata)
    if DC_NS in namespaces:
        item = item_from_dc(dc_fields(metadata))
        _openaire_extras(item, metadata)
        return item
    return None


def _tidy(item: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in item.items() if v not in ("", None, [])}
    out.setdefault("creators", [])
    out["tags"] = common.tags([t["tag"] for t in item.get("tags", [])])
    return out


# ------------------------------------------------------------------ simple Dublin Core (oai_dc)


def dc_fields(metadata: Any) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for element in metadata.iter():
        if _ns(element) == DC_NS:
            value = _clean_text(_text(element))
            if value:
                fields.setdefault(_local(element), []).append(value)
    return fields


def _clean_text(text: str) -> str:
    """Whitespace collapsed within paragraphs; blank-line paragraph breaks kept."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(p for p in (squash(p) for p in paragraphs) if p)


def item_from_dc(dc: dict[str, list[str]]) -> dict[str, Any]:
    """An item from simple Dublin Core as DSpace's oai_dc crosswalk writes it."""
    identifiers = dc.get("identifier", [])
    citation = next((c for c in (parse_citation(v) for v in identifiers if _is_citation(v)) if c), {})
    found = best_type(dc.get("type", []))
    item_type = found[0] if found else ("journalArticle" if citation else "document")
    item: dict[str, Any] = {"itemType": item_type, "title": _title(dc.get("title", [""])[0])}
    creators = [_creator(v) for v in dc.get("creator", [])]
    creators += [rf.heading(v, "contributor") for v in dc.get("contributor", [])
                 if is_person_heading(v) and not _same_person(v, creators)]
    item["creators"] = creators
    item["date"] = next((d for d in dc.get("date", []) if not TIMESTAMP.match(d)), "")
    descriptions = dc.get("description", [])
    degree = next((d for d in descriptions if DEGREE.match(d)), "")
    item["abstractNote"] = next((d for d in descriptions if d != degree and len(d.split()) >= 4), "")
    item["language"] = rf.language_code((dc.get("language") or [""])[0])
    item["tags"] = [{"tag": s} for s in dc.get("subject", [])]
    _identifiers(item, identifiers, dc.get("relation", []))
    publisher = (dc.get("publisher") or [""])[0]
    place, publisher = split_imprint(publisher)
    _set_publisher(item, publisher, place)
    label = found[1] if found else ""
    if item_type == "thesis":
        item["thesisType"] = label or degree
    elif item_type == "report":
        item["reportType"] = label
        _report_relation(item, dc.get("relation", []))
    elif item_type == "presentation":
        item["presentationType"] = label
    if citation and item_type == "journalArticle":
        item.update({k: v for k, v in citation.items() if v})
    _source(item, (dc.get("source") or [""])[0], publisher)
    return item


def _title(text: str) -> str:
    return rf.strip_period(re.sub(r"\s+:\s+", ": ", squash(text)))


def is_person_heading(value: str) -> bool:
    """An inverted personal name ("Comin, Riccardo"), not a unit ("Massachusetts Institute of Technology. Department of Physics")."""
    text = squash(value)
    if "," not in text or CORPORATE.search(text):
        return False
    last = text.split(",", 1)[0]
    return 0 < len(last.split()) <= 5 and not re.search(r"\d", last)


def _creator(value: str, role: str = "author") -> dict[str, str]:
    """A name heading; one without a comma that names a body ("World Health Organization") is corporate."""
    return rf.corporate(value, role) if "," not in value and CORPORATE.search(value) else rf.heading(value, role)


def _name_key(creator: dict[str, str]) -> str:
    words = re.findall(r"\w+", f"{creator.get('firstName', '')} {creator.get('lastName', '')} {creator.get('name', '')}".lower())
    return " ".join(sorted(words))


def _same_person(value: str, creators: list[dict[str, str]]) -> bool:
    key = _name_key(rf.heading(value))
    return any(_name_key(c) == key for c in creators)


def _is_citation(value: str) -> bool:
    return len(value) > 12 and " " in value and not value.lower().startswith(("http", "urn:", "doi:", "info:"))


CITATION_TAIL = re.compile(r"^(?P<journal>[^\d()\"“”]{2,}?)[\s,.]+(?:vol\.?\s*)?(?P<volume>\d{1,5})\s*"
                           r"(?:\((?P<issue>[^)]{1,12})\))?\s*(?:[:,]\s*(?:pp?\.\s*)?"
                           r"(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?))?(?=$|[\s.,;(])")


def parse_citation(text: str) -> dict[str, str]:
    """Journal, volume, issue, pages of a free-text citation ("Polymers 15 (21): 4262 (2023)"); {} when it holds none.

    >>> parse_citation("ACM Transactions on Graphics, 24(3):1082-1089, August 2005.")["pages"]
    '1082-1089'
    >>> parse_citation('Swager, T. 2018. "Sensortechnologien." Angewandte Chemie, 130 (16).')["publicationTitle"]
    'Angewandte Chemie'
    """
    quoted = re.search(r"[\"“]([^\"”]{3,})[\"”]\s*\.?\s*(.*)$", text)
    rest = quoted.group(2) if quoted else text
    match = CITATION_TAIL.match(squash(rest))
    if not match or re.search(r"https?:|available at", match.group("journal"), re.I):
        return {}
    journal = match.group("journal").strip(" ,.")
    if len(journal.split()) > 12 or "," in journal and not quoted:
        return {}
    pages = re.sub(r"\s*[-–]\s*", "-", match.group("pages") or "")
    return {"publicationTitle": journal, "volume": match.group("volume"), "issue": match.group("issue") or "",
            "pages": pages}


def _identifiers(item: dict[str, Any], values: list[str], relations: tuple[str, ...] | list[str] = ()) -> None:
    """Handle, DOI, ISSN, ISBN among identifiers and relations; else the first identifier URL is the url."""
    for value in [*values, *relations]:
        text = value.strip()
        if ids.find_handle(text):
            item.setdefault("url", ids.find_handle(text))
        elif re.match(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.\d{4,9}/\S+$", text, re.I):
            item.setdefault("DOI", ids.clean_doi(text))
        elif re.fullmatch(r"(?:ISSN:?\s*)?\d{4}-?\d{3}[\dXx]", text) and ids.clean_issn(text):
            item.setdefault("ISSN", ids.clean_issn(text))
        elif re.fullmatch(r"(?:ISBN:?\s*)?[\d\- ]{9,17}[\dXx]", text) and ids.clean_isbns(text):
            item.setdefault("ISBN", ids.clean_isbns(text))
    if "url" not in item:
        url = next((v for v in values if re.match(r"^https?://\S+$", v) and not re.search(r"doi\.org/", v)), "")
        if url:
            item["url"] = url


def split_imprint(statement: str) -> tuple[str, str]:
    """(place, publisher) of an imprint statement ("En Madrid : por Lucas Antonio de Bedmar ... : vendese ..., 1715").

    A plain publisher name comes back unchanged with no place.
    """
    match = re.match(r"^(?:(?:en|in|à|a|im|at)\s+)?(?P<place>[^:;,\d]{2,40}?)\s+:\s+(?:(?:por|per|by|bei|chez|apud|printed by)\s+)?"
                     r"(?P<publisher>[^:;]+?)(?:\s*\.\.\.|\s*[:;]|,\s*\[?\d{4}|$)", statement, re.I)
    if not match or len(match.group("place").split()) > 4:
        return "", statement
    return match.group("place").strip(), rf.clean_value(match.group("publisher"))


def _set_publisher(item: dict[str, Any], publisher: str, place: str = "") -> None:
    field_name = {"thesis": "university", "report": "institution"}.get(item["itemType"], "publisher")
    if publisher:
        item[field_name] = publisher
    if place:
        item["place"] = place


def _report_relation(item: dict[str, Any], relations: list[str]) -> None:
    """DSpace writes dc.relation.ispartofseries as "Series;number"; a bare code is the report number."""
    for value in relations:
        if value.startswith("http") or ids.clean_doi(value):
            continue
        series, sep, number = value.partition(";")
        if sep and series.strip():
            item.setdefault("seriesTitle", series.strip())
            if number.strip():
                item.setdefault("reportNumber", number.strip())
        elif re.fullmatch(r"[A-Z][\w.]*[-\s/]?[\w\-/.]*\d[\w\-/.]*", value.strip()):
            item.setdefault("reportNumber", value.strip())


def _source(item: dict[str, Any], source: str, publisher: str) -> None:
    """dc:source names the conference or the container when it is not just the publisher again."""
    if not source or source == publisher or source.startswith("http"):
        return
    if item["itemType"] == "conferencePaper":
        item.setdefault("conferenceName", source)
    elif item["itemType"] == "bookSection":
        item.setdefault("bookTitle", source)


# ------------------------------------------------------------------ qualified Dublin Core (xoai, dim)

QualifiedFields = dict[str, list[tuple[str, str]]]


def xoai_fields(metadata: Any) -> QualifiedFields:
    """DSpace xoai: nested ``element`` names give the qualified name, the innermost one the language."""
    fields: QualifiedFields = {}
    for value in metadata.iter(f"{{{XOAI_NS}}}field"):
        if value.get("name") != "value":
            continue
        path: list[str] = []
        parent = value.getparent()
        while parent is not None and _local(parent) == "element":
            path.append(parent.get("name", ""))
            parent = parent.getparent()
        path.reverse()
        if len(path) < 2 or path[0] in {"bundles", "others", "repository", "license"}:
            continue
        lang = path[-1]
        key = ".".join(path[:-1])
        text = _clean_text(_text(value))
        if text:
            fields.setdefault(key, []).append((text, "" if lang == "none" else lang))
    return fields


def dim_fields(metadata: Any) -> QualifiedFields:
    fields: QualifiedFields = {}
    for value in metadata.iter(f"{{{DIM_NS}}}field"):
        key = ".".join(p for p in (value.get("mdschema"), value.get("element"), value.get("qualifier")) if p)
        text = _clean_text(_text(value))
        if text:
            fields.setdefault(key, []).append((text, value.get("lang") or ""))
    return fields


def _values(fields: QualifiedFields, *keys: str) -> list[str]:
    return [v for key in keys for v, _ in fields.get(key, [])]


def _in_language(fields: QualifiedFields, key: str, lang: str) -> str:
    values = fields.get(key, [])
    preferred = next((v for v, code in values if lang and code.split("_")[0].lower() == lang), "")
    return preferred or (values[0][0] if values else "")


def item_from_qualified(fields: QualifiedFields) -> dict[str, Any]:
    """An item from DSpace qualified Dublin Core (xoai or dim fields keyed ``dc.contributor.author``)."""
    lang = rf.language_code((_values(fields, "dc.language.iso", "dc.language") or [""])[0])
    found = best_type(_values(fields, "dc.type", "dc.type.coar", "dc.type.openaire", "dc.type.driver"))
    degree = (_values(fields, "thesis.degree.name", "dc.description.degree") or [""])[0]
    if found is None and (degree or any(k.startswith("thesis.degree") for k in fields)):
        found = ("thesis", "")
    item_type = found[0] if found else "document"
    item: dict[str, Any] = {"itemType": item_type, "title": _title(_in_language(fields, "dc.title", lang))}
    item["creators"] = _qualified_creators(fields)
    item["date"] = next((d for d in _values(fields, "dc.date.issued", "dcterms.issued", "dc.date") if not TIMESTAMP.match(d)), "")
    item["abstractNote"] = _in_language(fields, "dc.description.abstract", lang)
    item["language"] = lang
    _set_publisher(item, _in_language(fields, "dc.publisher", lang),
                   next((v[0][0] for k, v in fields.items() if PLACE_KEY.search(k) and v), ""))
    item["tags"] = [{"tag": v} for key, values in fields.items() if key.startswith("dc.subject")
                    and key.split(".")[-1].lower() not in CODE_SUBJECTS for v, _ in values]
    _identifiers(item, _values(fields, "dc.identifier.uri", "dc.identifier.doi", "dc.identifier.issn",
                               "dc.identifier.isbn"))
    _container(item, fields)
    label = found[1] if found else ""
    if item_type == "thesis":
        item["thesisType"] = label or degree
    elif item_type == "report":
        item["reportType"] = label
    elif item_type == "presentation":
        item["presentationType"] = label
    return item


def _qualified_creators(fields: QualifiedFields) -> list[dict[str, str]]:
    creators: list[dict[str, str]] = []
    roles = {"author": "author", "editor": "editor", "advisor": "contributor", "supervisor": "contributor",
             "director": "contributor", "translator": "translator", "illustrator": "contributor"}
    for key, values in fields.items():
        parts = key.split(".")
        if parts[0] != "dc" or parts[1:2] not in (["creator"], ["contributor"]):
            continue
        qualifier = parts[2].lower() if len(parts) > 2 else ""
        if parts[1] == "creator":
            role = "author"
        elif qualifier in SKIPPED_CONTRIBUTORS:
            continue
        else:
            role = roles.get(qualifier, "contributor" if not qualifier else "")
        for value, _ in values:
            if role and (role != "contributor" or qualifier or is_person_heading(value)) and not _same_person(value, creators):
                creators.append(_creator(value, role))
    order = {"author": 0, "editor": 1, "translator": 2, "contributor": 3}
    return sorted(creators, key=lambda c: order.get(c["creatorType"], 4))


def _container(item: dict[str, Any], fields: QualifiedFields) -> None:
    def first(*keys: str) -> str:
        return (_values(fields, *keys) or [""])[0]

    container = first("dc.relation.ispartof", "dc.title.parent", "dc.bibliographicCitation.title", "dc.relation.journal",
                      "dc.citation.title")
    if container:
        field_name = {"bookSection": "bookTitle", "conferencePaper": "proceedingsTitle"}.get(item["itemType"], "publicationTitle")
        item[field_name] = container
    item["volume"] = first("dc.bibliographicCitation.volume", "dc.citation.volume", "dc.relation.volume")
    item["issue"] = first("dc.bibliographicCitation.issue", "dc.citation.issue", "dc.relation.issue")
    if item["itemType"] == "book":
        item.pop("issue")
    pages = re.sub(r"^pp?\.\s*", "", first("dc.format.pagerange", "dc.bibliographicCitation.pagerange"))
    start, end = first("dc.bibliographicCitation.stpage", "dc.citation.spage"), first("dc.bibliographicCitation.endpage",
                                                                                       "dc.citation.epage")
    item["pages"] = pages or (f"{start}-{end}" if start and end else start)
    item["numPages"] = rf.extent_pages(first("dc.format.pages", "dc.format.extent")) or (
        first("dc.format.pages") if first("dc.format.pages").isdigit() else "")
    conference = first("dc.bibliographicCitation.conferencename", "dc.relation.conference")
    if conference and item["itemType"] == "conferencePaper":
        item["conferenceName"] = conference
    series = first("dc.relation.ispartofseries")
    if series:
        name, _, number = series.partition(";")
        if item["itemType"] == "report":
            item["seriesTitle"], item["reportNumber"] = name.strip(), number.strip()
        else:
            item["series"], item["seriesNumber"] = name.strip(), number.strip()


# ------------------------------------------------------------------ OpenAIRE: oai_openaire / DataCite, oaf


def item_from_datacite(metadata: Any) -> dict[str, Any]:
    """An item from an OpenAIRE Guidelines v4 record (``oaire:resource``) or a DataCite ``resource``."""
    resource = next(e for e in metadata.iter() if _local(e) == "resource")

    def all_named(name: str) -> list[Any]:
        return [e for e in resource.iter() if _local(e) == name]

    def texts(name: str) -> list[str]:
        return [t for t in (_clean_text(_text(e)) for e in all_named(name)) if t]

    type_values = [v for e in all_named("resourceType") for v in [_text(e), *e.attrib.values()] if v.strip()]
    found = best_type(type_values)
    item_type = found[0] if found else "document"
    titles = [e for e in all_named("title") if not e.get("titleType")]
    item: dict[str, Any] = {"itemType": item_type, "title": _title(_text(titles[0]) if titles else "")}
    item["creators"] = [c for c in (_datacite_person(e, "author") for e in all_named("creator")
                                    if _child(e, "creatorName") is not None) if c]
    for contributor in all_named("contributor"):
        role = {"supervisor": "contributor", "editor": "editor"}.get((contributor.get("contributorType") or "").lower())
        person = _datacite_person(contributor, role) if role else None
        if person:
            item["creators"].append(person)
    dates = {(e.get("dateType") or "").lower(): squash(_text(e)) for e in reversed(all_named("date"))}
    item["date"] = dates.get("issued") or dates.get("created") or dates.get("accepted") or ""
    abstracts = [_clean_text(_text(e)) for e in all_named("description")
                 if (e.get("descriptionType") or "abstract").lower() == "abstract"]
    item["abstractNote"] = next((a for a in abstracts if a), "")
    item["language"] = rf.language_code((texts("language") or [""])[0])
    _set_publisher(item, (texts("publisher") or [""])[0])
    item["tags"] = [{"tag": t} for t in texts("subject")]
    for element in all_named("identifier") + all_named("alternateIdentifier") + list(_oaf_identifiers(metadata)):
        _typed_identifier(item, element.get("identifierType") or element.get("alternateIdentifierType") or "", _text(element))
    citation = {"publicationTitle": "citationTitle", "volume": "citationVolume", "issue": "citationIssue",
                "edition": "citationEdition", "conferenceName": "citationConferencePlace"}
    for field_name, name in citation.items():
        value = (texts(name) or [""])[0]
        if value and field_name != "conferenceName":
            item[field_name] = value
    start, end = (texts("citationStartPage") or [""])[0], (texts("citationEndPage") or [""])[0]
    item["pages"] = f"{start}-{end}" if start and end else start
    if item_type == "bookSection" and item.get("publicationTitle"):
        item["bookTitle"] = item.pop("publicationTitle")
    if item_type == "presentation":
        item["presentationType"] = found[1] if found else ""
    elif item_type in {"thesis", "report"} and found and found[1]:
        item["thesisType" if item_type == "thesis" else "reportType"] = found[1]
    return item


def _datacite_person(element: Any, role: str) -> dict[str, str] | None:
    name_element = _child(element, "creatorName")
    if name_element is None:
        name_element = _child(element, "contributorName")
    given, family = squash(_text(_child(element, "givenName"))), squash(_text(_child(element, "familyName")))
    if family:
        return {"creatorType": role, "firstName": given, "lastName": family}
    name = squash(_text(name_element))
    if not name:
        return None
    if (name_element.get("nameType") or "").lower() == "organizational":
        return rf.corporate(name, role)
    return rf.heading(name, role)


def _oaf_identifiers(metadata: Any) -> list[Any]:
    return [e for e in metadata if _local(e) == "identifier" and "openaire.eu/oaf" in _ns(e)]


def _typed_identifier(item: dict[str, Any], kind: str, value: str) -> None:
    text, kind = squash(value), kind.lower()
    if not text:
        return
    if kind == "doi":
        item.setdefault("DOI", ids.clean_doi(text))
    elif kind == "handle":
        item.setdefault("url", text if text.startswith("http") else f"https://hdl.handle.net/{text}")
    elif kind == "pmid":
        item.setdefault("PMID", text)
    elif kind in {"pmc", "pmcid"}:
        item.setdefault("PMCID", text)
    elif kind == "isbn":
        item.setdefault("ISBN", ids.clean_isbns(text))
    elif kind in {"url", "landingpage", "uri"} and text.startswith("http"):
        item.setdefault("url", text)


def _openaire_extras(item: dict[str, Any], metadata: Any) -> None:
    """The oaf:* additions OpenAIRE makes beside a stored oai_dc record (DOI, PMID, landing page)."""
    for element in _oaf_identifiers(metadata):
        _typed_identifier(item, element.get("identifierType") or "", _text(element))


def _oaf_result(metadata: Any) -> Any:
    return next((e for e in metadata.iter() if _local(e) == "result" and _child(e, "title") is not None), None)


def item_from_oaf_result(metadata: Any) -> dict[str, Any] | None:
    """An item from an OpenAIRE Graph result (the ``oaf:entity`` served by OpenAIRE's own OAI-PMH)."""
    result = _oaf_result(metadata)
    if result is None:
        return None
    elements = list(result.iter())

    def named(name: str) -> list[Any]:
        return [e for e in elements if _local(e) == name]

    type_values = [e.get("classname") or "" for e in named("resourcetype") + named("instancetype")]
    found = best_type(type_values)
    item_type = found[0] if found else "document"
    titles = named("title")
    main = next((t for t in titles if (t.get("classid") or "") == "main title"), titles[0])
    item: dict[str, Any] = {"itemType": item_type, "title": _title(_text(main))}
    creators = []
    for creator in sorted(named("creator"), key=lambda e: int(e.get("rank") or 0)):
        if creator.get("surname"):
            creators.append({"creatorType": "author", "firstName": creator.get("name") or "", "lastName": creator.get("surname")})
        elif _text(creator).strip():
            creators.append(_creator(_text(creator)))
    item["creators"] = creators
    dates = {(e.get("classid") or "").lower(): squash(_text(e)) for e in reversed(named("relevantdate"))}
    accepted = squash(_text(next(iter(named("dateofacceptance")), None)))
    item["date"] = _placeholder_year(dates.get("issued") or dates.get("published") or accepted)
    language = next(iter(named("language")), None)
    item["language"] = rf.language_code(language.get("classid") if language is not None else "")
    _set_publisher(item, squash(_text(next(iter(named("publisher")), None))))
    item["abstractNote"] = next((t for t in (_clean_text(_text(e)) for e in named("description")) if t), "")
    item["tags"] = [{"tag": squash(_text(e))} for e in named("subject") if (e.get("classid") or "keyword") == "keyword"]
    url = next((squash(_text(e)) for e in named("url") if _text(e).strip()), "")
    if url:
        item["url"] = url
    for pid in named("pid"):
        _typed_identifier(item, pid.get("classid") or "", _text(pid))
    return item


def _placeholder_year(date: str) -> str:
    """OpenAIRE pads a bare year to YYYY-01-01; that day is not data."""
    return date[:4] if re.fullmatch(r"\d{4}-01-01", date) else date


# ------------------------------------------------------------------ OpenAIRE CERIF profile (oai_cerif_openaire)


def item_from_cerif(metadata: Any) -> dict[str, Any] | None:
    """An item from a CERIF ``Publication`` (the profile DSpace-CRIS serves as ``oai_cerif_openaire``)."""
    publication = next((e for e in metadata.iter() if _ns(e) == CERIF_NS and _local(e) == "Publication"), None)
    if publication is None:
        return None

    def own(name: str) -> list[Any]:
        return _children(publication, name)

    def first(name: str) -> str:
        return next((t for t in (_clean_text(_text(e)) for e in own(name)) if t), "")

    found = best_type([first("Type")])
    item_type = found[0] if found else "document"
    lang = rf.language_code(first("Language"))
    titles = own("Title")
    title = next((_text(t) for t in titles if (t.get(XML_LANG) or "").split("-")[0] == lang), _text(titles[0]) if titles else "")
    subtitle = first("Subtitle")
    item: dict[str, Any] = {"itemType": item_type, "title": _title(f"{squash(title)}: {subtitle}" if subtitle else title)}
    creators = [_cerif_person(e, "author") for group in own("Authors") for e in _children(group, "Author")]
    creators += [_cerif_person(e, "editor") for group in own("Editors") for e in _children(group, "Editor")]
    item["creators"] = [c for c in creators if c]
    item["date"] = first("PublicationDate")
    item["language"] = lang
    item["abstractNote"] = next((_clean_text(_text(e)) for e in own("Abstract") if (e.get(XML_LANG) or "").split("-")[0] == lang),
                                first("Abstract"))
    item["tags"] = [{"tag": _clean_text(_text(e))} for e in own("Keyword")]
    publisher = next((squash(_text(d)) for group in own("Publishers") for p in _children(group, "Publisher")
                      for d in p.iter() if _local(d) in {"DisplayName", "Name"} and _text(d).strip()), "")
    _set_publisher(item, publisher)
    container = next((c for name in ("PublishedIn", "PartOf") for holder in own(name)
                      for c in _children(holder, "Publication")), None)
    if container is not None:
        field_name = {"bookSection": "bookTitle", "conferencePaper": "proceedingsTitle"}.get(item_type, "publicationTitle")
        item[field_name] = squash(_text(_child(container, "Title")))
        item["ISSN"] = ids.clean_issn(_text(_child(container, "ISSN")))
        item["ISBN"] = ids.clean_isbns(_text(_child(container, "ISBN")))
    for name, field_name in (("Volume", "volume"), ("Issue", "issue"), ("Edition", "edition")):
        item[field_name] = first(name)
    start, end = first("StartPage"), first("EndPage")
    item["pages"] = f"{start}-{end}" if start and end else start
    for name in ("DOI", "Handle", "PMCID", "ISBN", "ISSN", "URL"):
        value = first(name)
        if name == "ISSN":
            item["ISSN"] = item.get("ISSN") or ids.clean_issn(value)
        elif value:
            _typed_identifier(item, name, value)
    if item_type == "conferencePaper":
        item["conferenceName"] = next((squash(_text(n)) for held in own("PresentedAt") for n in held.iter()
                                       if _local(n) == "Name" and _text(n).strip()), "")
    return item


def _cerif_person(element: Any, role: str) -> dict[str, str] | None:
    """A CERIF Author/Editor: the structured PersonName, else the display name; an OrgUnit alone is corporate."""
    person = _child(element, "Person")
    name = _child(person, "PersonName") if person is not None else None
    family = squash(_text(_child(name, "FamilyNames"))) if name is not None else ""
    if family:
        return {"creatorType": role, "firstName": squash(_text(_child(name, "FirstNames"))), "lastName": family}
    display = squash(_text(_child(element, "DisplayName")))
    if not display:
        return None
    return rf.heading(display, role) if person is not None or "," in display else rf.corporate(display, role)

