"""MARC21 records, binary (ISO 2709) and MARCXML, to items, read through pymarc.

The leader and 008 give the type (a 502 dissertation note or 008 nature-of-contents
``m`` makes a thesis; a 773 host entry makes a chapter or an article, with the host's
title, volume, issue and pages); 1XX/7XX the creators, with their relator terms (``$e``)
and codes (``$4``), or, for an added entry without either, the role the statement of
responsibility (245 ``$c``: "ed. by", "a cura di", "hrsg. von") gives that person;
245 the title; 250 the edition; 264/260 the imprint; 020/022/024 the identifiers; 300
the extent; 490 (else 830) the series. Scripts are kept as catalogued, right-to-left
included.

Parsers receive text. A binary file reaches this parser decoded as UTF-8 (also with
``surrogateescape``) or as Latin-1; ``record_bytes`` recovers the original bytes (Latin-1
maps every byte to one character; UTF-8 text is re-encoded) and keeps the encoding under
which the first record's declared length lands on its record terminator. ``records_from_marc`` takes
the bytes of a fetched body directly.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from zotsync import ids
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources import record_fields as rf
from zotsync.sources.base import Document
from zotsync.text import squash

LEADER = re.compile(r"^\d{5}[acdnposx ][acdefgijkmoprt][abcdims ]")
RECORD_END = 0x1D
TYPE_BY_LEADER = {"e": "map", "f": "map", "g": "videoRecording", "i": "audioRecording", "j": "audioRecording",
                  "k": "artwork", "m": "computerProgram", "t": "manuscript"}


class MarcParser:
    name = "marc"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:20_000]
        if LEADER.match(head) and "\x1e" in head and "\x1f" in head:
            return 0.96
        if rf.root_name(head) in {"record", "collection"} and "loc.gov/MARC21/slim" in head[:4000]:
            return 0.98
        return 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        out = records_from_marcxml(text, doc) if text.lstrip("\ufeff \r\n\t").startswith("<") else records_from_marc(text, doc)
        if not out:
            raise doc.problems.pop() if doc.problems else doc.error("no MARC records found")
        return out


def record_bytes(text: str) -> bytes:
    """The bytes of a binary MARC file that was decoded as Latin-1 or as UTF-8."""
    candidates: list[bytes] = []
    for encoding, errors in (("latin-1", "strict"), ("utf-8", "surrogateescape")):
        try:
            candidates.append(text.encode(encoding, errors))
        except UnicodeEncodeError:
            continue
    for data in candidates:
        length = data[:5]
        if length.isdigit() and len(data) >= int(length) > 0 and data[int(length) - 1] == RECORD_END:
            return data
    return candidates[-1] if candidates else text.encode("utf-8", errors="replace")


@contextmanager
def _quiet_pymarc() -> Iterator[None]:
    """pymarc logs each tolerated defect (e.g. three indicators); the record is still read, so keep it quiet."""
    logger = logging.getLogger("pymarc")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def records_from_marc(data: str | bytes, doc: Document, id_kind: str = "") -> list[Parsed]:
    """Items of an ISO 2709 file (bytes, or text decoded as Latin-1 / UTF-8); unreadable records are reported.

    ``id_kind`` names a catalogue whose record id is the 001 (``"vufind"`` for a VuFind MARC
    export): the identity is then ``<id_kind>:<001>``, the same as that record's page or API
    record. Without it the 001 is only unique within this document.
    """
    raw = data if isinstance(data, bytes) else record_bytes(data)
    import pymarc  # here, not at start-up: sniffing needs none of it

    out: list[Parsed] = []
    with _quiet_pymarc():
        reader = pymarc.MARCReader(raw, to_unicode=True, force_utf8=False, utf8_handling="replace")
        for number, record in enumerate(reader, start=1):
            if record is None:
                doc.report(doc.error(f"MARC record {number} could not be read ({reader.current_exception})"))
                continue
            out += _parsed(record, doc, number, id_kind)
    return out


def records_from_marcxml(data: str | bytes, doc: Document, id_kind: str = "") -> list[Parsed]:
    """Items of a MARCXML document (a ``collection`` or a single ``record``); ``id_kind`` as for ``records_from_marc``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if isinstance(data, str):
        raw = re.sub(rb"^\s*<\?xml[^>]*\?>", b'<?xml version="1.0" encoding="UTF-8"?>', raw.lstrip(b"\xef\xbb\xbf"))
    import pymarc

    try:
        with _quiet_pymarc():
            records = pymarc.parse_xml_to_array(io.BytesIO(raw), strict=False)
    except Exception as exc:  # xml.sax raises SAXParseException and pymarc its own errors on bad MARCXML
        raise doc.error(f"not readable as MARCXML ({exc})") from exc
    out: list[Parsed] = []
    for number, record in enumerate(records, start=1):
        out += _parsed(record, doc, number, id_kind)
    return out


def _parsed(record: Any, doc: Document, number: int, id_kind: str = "") -> list[Parsed]:
    item = record_to_item(record)
    if not item.get("title"):
        doc.report(doc.error(f"MARC record {number} has no title (245)"))
        return []
    control = _control(record, "001").strip()
    if id_kind and control:
        source = common.identity(id_kind, item, doc, native=control)
    else:
        source = common.identity("marc", item, doc, local=control or f"record-{number}")
    return [Parsed(source=source, item=item, origin=doc.origin)]


def _control(record: Any, tag: str) -> str:
    fields = record.get_fields(tag)
    return str(fields[0].data or "") if fields and fields[0].is_control_field() else ""  # positions matter: no squash


def _sub(field: Any, code: str) -> str:
    values = field.get_subfields(code)
    return squash(values[0]) if values else ""


def _first(record: Any, tag: str, code: str) -> str:
    for field in record.get_fields(tag):
        value = _sub(field, code)
        if value:
            return value
    return ""


def record_to_item(record: Any) -> dict[str, Any]:
    """One MARC record (a pymarc Record) to a Zotero item."""
    item_type = _item_type(record)
    item: dict[str, Any] = {"itemType": item_type, "title": _title(record)}
    statement = _first(record, "245", "c")
    item["creators"] = _creators(record, statement)
    item["edition"] = rf.strip_period(rf.clean_value(_first(record, "250", "a")))
    _imprint(item, record)
    item["ISBN"] = " ".join(i for i in (ids.clean_isbns(v) for f in record.get_fields("020") for v in f.get_subfields("a")) if i)
    item["ISSN"] = ids.clean_issn(_first(record, "022", "a"))
    for field in record.get_fields("024"):
        if (_sub(field, "2").lower() == "doi" or ids.clean_doi(_sub(field, "a"))) and not item.get("DOI"):
            item["DOI"] = ids.clean_doi(_sub(field, "a"))
    if item_type in {"book", "thesis", "manuscript"}:
        item["numPages"] = rf.extent_pages(_first(record, "300", "a"))
    _series(item, record)
    language = rf.language_code(_first(record, "041", "a") or _fixed(record, 35, 38))
    item["language"] = language if rf.language_fits_script(language, item["title"]) else ""
    item["abstractNote"] = rf.strip_period(squash(_first(record, "520", "a")))  # the ISBD terminal period goes
    item["url"] = _first(record, "856", "u")
    item["tags"] = [{"tag": " -- ".join(rf.clean_value(v).rstrip(".") for v in f.get_subfields("a", "x", "y", "z", "v"))}
                    for tag in ("650", "651", "653") for f in record.get_fields(tag) if f.get_subfields("a")]
    if item_type == "thesis":
        _thesis(item, record)
    _host(item, record)
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": item["tags"]}


def _fixed(record: Any, start: int, end: int) -> str:
    data = _control(record, "008")
    return data[start:end].strip(" |#") if len(data) >= end else ""


def _item_type(record: Any) -> str:
    leader = str(record.leader)
    kind, level = leader[6:7], leader[7:8]
    if kind in TYPE_BY_LEADER:
        return TYPE_BY_LEADER[kind]
    if record.get_fields("502") or (kind in {"a", "t"} and "m" in _fixed(record, 24, 28)):
        return "thesis"
    host = record.get_fields("773")
    if level == "b" or (host and _host_is_serial(host[0])):
        return "journalArticle"
    if level in {"a", "d"} or host:
        return "bookSection"
    if level == "s":
        return "document"
    return "book"


def _host_is_serial(field: Any) -> bool:
    return bool(_sub(field, "x")) or bool(re.search(r"\b(?:vol|jg|bd|no|heft|nr|issue)\b\.?", _sub(field, "g"), re.I))


def _title(record: Any) -> str:
    fields = record.get_fields("245")
    if not fields:
        return ""
    parts: list[str] = []
    for sub in fields[0].subfields:
        if sub.code not in {"a", "b", "n", "p"}:
            continue
        value = squash(sub.value)
        if sub.code == "b" and parts and not re.search(r"[:;=/.,]$", parts[-1]):
            parts[-1] += " :"
        parts.append(value)
    return rf.isbd_title(" ".join(parts))


def _creators(record: Any, statement: str) -> list[dict[str, str]]:
    creators: list[dict[str, str]] = []
    for tag in ("100", "110", "111", "700", "710", "711"):
        for field in record.get_fields(tag):
            if tag.startswith("7") and field.get_subfields("t"):
                continue  # a name/title added entry names a related work, not a creator of this one
            name = _sub(field, "a")
            if not name:
                continue
            role = rf.relator_role(field.get_subfields("e", "4", "j"))
            if tag == "100":
                creators.append(rf.heading(name, role or "author"))
            elif tag in {"110", "111"}:
                creators.append(rf.corporate(" ".join(field.get_subfields("a", "b")), role or "author"))
            elif tag == "700":
                person = rf.heading(name)
                person["creatorType"] = role or rf.role_from_statement(person, statement) or "contributor"
                creators.append(person)
            else:
                creators.append(rf.corporate(" ".join(field.get_subfields("a", "b")), role or "contributor"))
    return creators


def _imprint(item: dict[str, Any], record: Any) -> None:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] or record.get_fields("260")
    if fields:
        field = fields[0]
        item["place"] = rf.clean_value(_sub(field, "a"))
        publisher = rf.clean_value(_sub(field, "b"))
        item["institution" if item["itemType"] == "report" else "publisher"] = publisher
        item["date"] = rf.year_in(_sub(field, "c"))
    if not item.get("date"):
        fixed = _fixed(record, 7, 11)
        item["date"] = fixed if re.fullmatch(r"1[4-9]\d\d|20\d\d", fixed) else ""


def _series(item: dict[str, Any], record: Any) -> None:
    fields = record.get_fields("490") or record.get_fields("830")
    if not fields:
        return
    name = rf.strip_period(rf.clean_value(_sub(fields[0], "a")))
    number = rf.clean_value(_sub(fields[0], "v"))
    if item["itemType"] in {"journalArticle", "report", "audioRecording"}:
        item["seriesTitle"] = name
    else:
        item["series"], item["seriesNumber"] = name, number


def _thesis(item: dict[str, Any], record: Any) -> None:
    note = record.get_fields("502")
    if note:
        item["thesisType"] = rf.clean_value(_sub(note[0], "b"))
        university = rf.clean_value(_sub(note[0], "c"))
        if university:
            item["university"] = university
            item.pop("publisher", None)
    if "publisher" in item:
        item["university"] = item.pop("publisher")


HOST_PARTS = re.compile(r"(?:vol\.?|bd\.?|jg\.?|v\.)\s*(?P<volume>\d+)|(?:no\.?|nr\.?|heft|issue|h\.)\s*(?P<issue>\d+)|"
                        r"(?:pp?\.|s\.|pages?)\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?)", re.I)


def _host(item: dict[str, Any], record: Any) -> None:
    """773: the journal issue or book a component part was published in."""
    fields = record.get_fields("773")
    if not fields:
        return
    host = fields[0]
    title = rf.strip_period(rf.clean_value(_sub(host, "t")))
    if not title:
        return
    if item["itemType"] == "journalArticle":
        item["publicationTitle"] = title
        item["ISSN"] = item.get("ISSN") or ids.clean_issn(_sub(host, "x"))
    else:
        item["itemType"] = "bookSection"
        item["bookTitle"] = title
        item["ISBN"] = item.get("ISBN") or ids.clean_isbns(_sub(host, "z"))
        item.pop("numPages", None)
        for key in ("series", "seriesNumber"):
            item.pop(key, None)
    related = " ".join(host.get_subfields("g"))
    for match in HOST_PARTS.finditer(related):
        for key in ("volume", "issue", "pages"):
            if match.group(key) and not item.get(key):
                item[key] = re.sub(r"\s*[-–]\s*", "-", match.group(key))
    if item["itemType"] == "bookSection":
        item.pop("issue", None)
    if not item.get("date"):
        item["date"] = rf.year_in(_sub(host, "d") or related)
    if not item.get("publisher") and _sub(host, "d") and item["itemType"] == "bookSection":
        place, _, publisher = _sub(host, "d").partition(":")
        if publisher:
            item["place"] = item.get("place") or rf.clean_value(place)
            item["publisher"] = rf.clean_value(re.sub(r",?\s*\[?\d{4}\]?\.?$", "", publisher))

