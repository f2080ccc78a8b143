"""VuFind records as JSON: raw Solr ``select`` responses (biblio core) and REST API responses.

Solr: ``author`` (a list, or a string in older schemas) and ``author2`` give the
creators, with ``author_role`` / ``author2_role`` where present; a role-less ``author2``
takes the role the statement of responsibility in ``title_full`` gives it ("ed. by",
"a cura di"), else contributor. The title is ``title`` (245 $a $b), never ``title_full``
(which carries that statement). ISBNs come from the MARC ``fullrecord`` when the doc
carries one (the ``isbn`` index field also holds derived and test values), else from
``isbn``. ``author_facet`` and ``spelling`` repeat other fields and are not read.

REST API (``/api/v1/record``, ``/api/v1/search``): ``authors.primary`` / ``primaryAuthors``
are authors, ``authors.secondary`` / ``secondaryAuthors`` contributors unless their
role says editor or translator, ``authors.corporate`` / ``corporateAuthors``
single-field contributors. Every record's identity is ``vufind:<id>``, as for a saved
VuFind page. ``records_from_solr`` and ``records_from_vufind_api`` take a fetched body.
"""

from __future__ import annotations

import json
import re
from typing import Any

from zotsync import ids
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources import record_fields as rf
from zotsync.sources.base import Document
from zotsync.sources.marc import records_from_marc, records_from_marcxml
from zotsync.text import squash

FORMATS = [
    (r"thesis|dissertation|hochschulschrift", "thesis"),
    (r"conference|proceeding", "conferencePaper"),
    (r"chapter|kapitel|aufsatz in", "bookSection"),
    (r"audio|sound|music recording|cd\b|cassette|hörbuch", "audioRecording"),
    (r"video|dvd|film|blu-?ray", "videoRecording"),
    (r"article|aufsatz|journal article", "journalArticle"),
    (r"book|ebook|monograph|buch", "book"),
    (r"\bmaps?\b|karte|atlas", "map"),
    (r"manuscript", "manuscript"),
    (r"report", "report"),
    (r"software|computer file", "computerProgram"),
]
ROLE_CODES = {"hrsg": "editor", "hg": "editor", "ed": "editor", "edt": "editor", "trl": "translator", "übers": "translator"}
CORPORATE_WORDS = re.compile(r"\b(?:universit\w*|department|institut\w*|society|association|unione|union|verein|"
                             r"gesellschaft|ministry|office|library|press|productions?|entertainment|pictures|"
                             r"company|corporation|inc|ltd|firm|council|commission|committee|academy)\b", re.I)


class VufindSolrParser:
    name = "solr"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:6000]
        if head.startswith("{") and '"responseHeader"' in head and re.search(r'"docs"\s*:\s*\[', text[:200_000]):
            return 0.96
        return 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        out = records_from_solr(text, doc)
        if not out:
            raise doc.problems.pop() if doc.problems else doc.error("Solr response without records")
        return out


class VufindApiParser:
    name = "vufind-api"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:6000]
        if (head.startswith("{") and re.search(r'"records"\s*:\s*\[', head)
                and re.search(r'"(?:formats|primaryAuthors|authors|resultCount)"', head) and '"id"' in head):
            return 0.96
        return 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        out = records_from_vufind_api(text, doc)
        if not out:
            raise doc.problems.pop() if doc.problems else doc.error("VuFind API response without records")
        return out


def _load(body: str | bytes | dict[str, Any], doc: Document) -> dict[str, Any]:
    if isinstance(body, dict):
        return body
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise doc.error(f"invalid JSON: {exc.msg}", exc.lineno) from exc
    except RecursionError as exc:
        raise doc.error("JSON nests too deeply to read") from exc
    if not isinstance(data, dict):
        raise doc.error("expected a JSON object")
    return data


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [squash(str(v)) for v in values if isinstance(v, (str, int, float)) and squash(str(v))]


def _first(doc: dict[str, Any], key: str) -> str:
    return (_list(doc.get(key)) or [""])[0]


def _item_type(formats: list[str], has_container: bool = False) -> str:
    text = " ".join(formats).lower()
    for pattern, item_type in FORMATS:
        if re.search(pattern, text):
            return item_type
    if has_container:
        return "journalArticle"
    return "document" if not text or "unknown" in text else "book"


# ------------------------------------------------------------------ Solr


def records_from_solr(body: str | bytes | dict[str, Any], doc: Document) -> list[Parsed]:
    """Items of a Solr select response, one per doc in response order; docs without a title are reported."""
    data = _load(body, doc)
    response = data.get("response")
    docs = response.get("docs") if isinstance(response, dict) else None
    if not isinstance(docs, list):
        raise doc.error("Solr response without response.docs")
    out: list[Parsed] = []
    for number, record in enumerate(docs, start=1):
        if not isinstance(record, dict):
            doc.report(doc.error(f"doc {number} is not an object"))
            continue
        item = solr_doc_to_item(record)
        if not item.get("title"):
            doc.report(doc.error(f"doc {number} ({record.get('id', 'no id')}) has no title"))
            continue
        out.append(Parsed(source=common.identity("vufind", item, doc, native=_first(record, "id")), item=item,
                          origin=doc.origin))
    return out


def _responsibility(title_full: str) -> str:
    return title_full.split(" / ", 1)[1] if " / " in title_full else ""


def solr_doc_to_item(record: dict[str, Any]) -> dict[str, Any]:
    """One VuFind biblio-core Solr doc to a Zotero item."""
    container = _first(record, "container_title")
    item_type = _item_type(_list(record.get("format")), bool(container))
    title = _first(record, "title") or (_first(record, "title_short") + " " + _first(record, "title_sub")).strip()
    if not title:
        title = re.sub(r"\s/\s.*$", "", _first(record, "title_full"))
    item: dict[str, Any] = {"itemType": item_type, "title": rf.isbd_title(title)}
    item["creators"] = _solr_creators(record, _responsibility(_first(record, "title_full")))
    item["date"] = rf.year_in(_first(record, "publishDate"))
    item["publisher"] = rf.clean_value(_first(record, "publisher"))
    item["edition"] = rf.strip_period(rf.clean_value(_first(record, "edition")))
    item["language"] = rf.language_code(_first(record, "language"))
    item["ISBN"] = _marc_isbns(record) or " ".join(i for i in (ids.clean_isbns(v) for v in _list(record.get("isbn"))) if i)
    item["ISSN"] = ids.clean_issn(_first(record, "issn"))
    item["DOI"] = ids.clean_doi(_first(record, "doi_str_mv"))
    if item_type in {"book", "thesis"}:
        item["numPages"] = rf.extent_pages(_first(record, "physical"))
    # series2 is the series as transcribed (490), series the controlled heading (800/830, may lead with a name)
    series = rf.strip_period(rf.clean_value(_first(record, "series2") or _first(record, "series")))
    item["seriesTitle" if item_type in {"audioRecording", "report", "journalArticle"} else "series"] = series
    item["abstractNote"] = _first(record, "description")
    item["url"] = _first(record, "url")
    item["tags"] = [{"tag": t} for t in _list(record.get("topic"))]
    if container:
        item["publicationTitle" if item_type != "bookSection" else "bookTitle"] = container
        item["volume"] = _first(record, "container_volume")
        item["issue"] = _first(record, "container_issue")
        item["pages"] = _first(record, "container_start_page")
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": item["tags"]}


def _solr_creators(record: dict[str, Any], statement: str) -> list[dict[str, str]]:
    creators: list[dict[str, str]] = []
    roles = _list(record.get("author_role"))
    for i, name in enumerate(_list(record.get("author"))):
        role = _role(roles[i] if i < len(roles) else "") or "author"
        creators.append(_solr_name(name, role if role != "contributor" else "author"))
    roles2 = _list(record.get("author2_role"))
    for i, name in enumerate(_list(record.get("author2"))):
        creator = _solr_name(name, "contributor")
        role = _role(roles2[i] if i < len(roles2) else "")
        creator["creatorType"] = role or (rf.role_from_statement(creator, statement) if "name" not in creator else "") \
            or "contributor"
        creators.append(creator)
    creators += [rf.corporate(c) for c in _list(record.get("author_corporate"))]
    return creators


def _solr_name(name: str, role: str) -> dict[str, str]:
    """A heading; one without a comma that reads as a body ("Unione matematica italiana") is corporate."""
    text = rf.clean_value(name)
    if "," not in text and (len(text.split()) >= 3 or CORPORATE_WORDS.search(text)):
        return rf.corporate(text, role)
    return rf.heading(text, role)


def _role(value: str) -> str:
    key = squash(value).lower().strip(" .[]()")
    return ROLE_CODES.get(key) or rf.relator_role([value])


def _marc_isbns(record: dict[str, Any]) -> str:
    """ISBNs of the doc's own MARC record (``fullrecord``, binary or MARCXML); "" when it carries none."""
    full = record.get("fullrecord")
    if not isinstance(full, str):
        return ""
    if full.lstrip().startswith("<") and "MARC21/slim" in full[:2000]:
        try:
            found = records_from_marcxml(full, Document("fullrecord"))
        except ParseError:
            return ""
    elif full[:5].isdigit() and "\x1e" in full:
        found = records_from_marc(full.encode("utf-8"), Document("fullrecord"))
    else:
        return ""
    return str(found[0].item.get("ISBN", "")) if found else ""


# ------------------------------------------------------------------ REST API


def records_from_vufind_api(body: str | bytes | dict[str, Any], doc: Document) -> list[Parsed]:
    """Items of a VuFind API ``record`` or ``search`` response, in response order."""
    data = _load(body, doc)
    if data.get("status") not in (None, "OK"):
        raise doc.error(f"VuFind API status {data.get('status')!r}: {squash(str(data.get('statusMessage', '')))}".rstrip(": "))
    records = data.get("records")
    if not isinstance(records, list):
        raise doc.error("VuFind API response without records")
    out: list[Parsed] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            doc.report(doc.error(f"record {number} is not an object"))
            continue
        item = api_record_to_item(record)
        if not item.get("title"):
            doc.report(doc.error(f"record {number} ({record.get('id', 'no id')}) has no title"))
            continue
        out.append(Parsed(source=common.identity("vufind", item, doc, native=str(record.get("id") or "")), item=item,
                          origin=doc.origin))
    return out


def _api_names(value: Any) -> list[tuple[str, list[str]]]:
    """Names with their roles, from ``{"Name": {"role": [...]}}``, ``{"Name": []}`` or ``["Name", ...]``."""
    if isinstance(value, dict):
        out = []
        for name, info in value.items():
            roles = info.get("role", []) if isinstance(info, dict) else []
            out.append((str(name), [str(r) for r in (roles if isinstance(roles, list) else [roles])]))
        return out
    return [(name, []) for name in _list(value)]


def api_record_to_item(record: dict[str, Any]) -> dict[str, Any]:
    """One VuFind API record to a Zotero item."""
    container = _first(record, "containerTitle")
    item_type = _item_type(_list(record.get("formats")), bool(container))
    title = str(record.get("title") or "")
    sub = str(record.get("subTitle") or "")
    if sub and sub.strip(" /") not in title:
        title = f"{title.rstrip(' /')} : {sub}"
    item: dict[str, Any] = {"itemType": item_type, "title": rf.isbd_title(title)}
    authors = record.get("authors") if isinstance(record.get("authors"), dict) else {}
    primary = _api_names(authors.get("primary") if authors else record.get("primaryAuthors"))
    secondary = _api_names(authors.get("secondary") if authors else record.get("secondaryAuthors"))
    corporate = _api_names(authors.get("corporate") if authors else record.get("corporateAuthors"))
    creators = [rf.heading(name, _role_of(roles, "author")) for name, roles in primary]
    creators += [rf.heading(name, _role_of(roles, "contributor")) for name, roles in secondary]
    creators += [rf.corporate(name, "contributor") for name, _ in corporate]
    item["creators"] = creators
    item["date"] = rf.year_in(_first(record, "publicationDates"))
    item["publisher"] = rf.clean_value(_first(record, "publishers"))
    item["place"] = rf.clean_value(_first(record, "placesOfPublication"))
    item["edition"] = rf.strip_period(rf.clean_value(_first(record, "edition")))
    item["language"] = rf.language_code(_first(record, "languages"))
    isbns = _list(record.get("cleanIsbn")) or _list(record.get("isbns"))
    item["ISBN"] = " ".join(i for i in (ids.clean_isbns(v) for v in isbns) if i)
    item["ISSN"] = ids.clean_issn(_first(record, "cleanIssn") or _first(record, "issns"))
    item["DOI"] = ids.clean_doi(_first(record, "cleanDoi"))
    if item_type in {"book", "thesis"}:
        item["numPages"] = rf.extent_pages(_first(record, "physicalDescriptions"))
    _api_series(item, record.get("series"))
    item["abstractNote"] = _first(record, "summary")
    urls = record.get("urls")
    urls = urls if isinstance(urls, list) else []
    item["url"] = next((str(u.get("url")) for u in urls if isinstance(u, dict) and u.get("url")), "")
    if container:
        item["publicationTitle" if item_type != "bookSection" else "bookTitle"] = container
        item["volume"] = _first(record, "containerVolume")
        item["issue"] = _first(record, "containerIssue")
        start, end = _first(record, "containerStartPage"), _first(record, "containerEndPage")
        item["pages"] = f"{start}-{end}" if start and end else start
    item["tags"] = []  # API subjects are LCSH heading strings, not keywords
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": item["tags"]}


def _role_of(roles: list[str], default: str) -> str:
    role = next((r for r in (_role(v) for v in roles) if r), "")
    return role if role in {"editor", "translator"} else default


def _api_series(item: dict[str, Any], series: Any) -> None:
    if not isinstance(series, list) or not series:
        return
    first = series[0]
    name, number = (first.get("name", ""), first.get("number", "")) if isinstance(first, dict) else (str(first), "")
    name = rf.strip_period(rf.clean_value(str(name)))
    number = rf.strip_period(rf.clean_value(str(number)))
    if item["itemType"] in {"audioRecording", "journalArticle", "report"}:
        item["seriesTitle"] = name
        if item["itemType"] == "audioRecording":
            item["volume"] = number
    else:
        item["series"], item["seriesNumber"] = name, number
