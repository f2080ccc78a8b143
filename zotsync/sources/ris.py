"""RIS files, split into records and tags by a small line reader and mapped as Zotero's RIS import does.

The reader knows each record's first line, so a record is never lost silently: a
record whose ``ER`` is missing is read up to the next ``TY`` (or the end of the
file) and reported; text outside records is reported. ``N1`` notes become child
notes, as Zotero makes them. (rispy was the tokenizer before; it loses line
numbers and an unterminated last record, and cost 3x our whole parse.)
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from zotsync import dates, names, schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document, suffix

# A tag line: two characters, up to two spaces, "-", then a space or the end ("TY - JOUR" spacing too);
# any other line continues the value before it. The usual "XY  - " form is told without a regex (TAG_NAMES).
TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {0,2}-(?: |(?=\r?$))")
TAG_NAMES = frozenset(a + b for a in string.ascii_uppercase for b in string.ascii_uppercase + string.digits)
FIELD_TAGS = TAG_NAMES - {"TY", "ER"}
YEAR_FIRST = re.compile(r"\d{4}")  # matched at the start: ET and Y2 holding a date
KEYWORD_BREAKS = re.compile(r"\n|;")
TYPES = {
    "JOUR": "journalArticle", "JFULL": "journalArticle", "EJOUR": "journalArticle", "ABST": "journalArticle",
    "INPR": "manuscript", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CLSWK": "book", "SER": "book",
    "CHAP": "bookSection", "ECHAP": "bookSection", "CONF": "conferencePaper", "CPAPER": "conferencePaper",
    "THES": "thesis", "RPRT": "report", "GOVDOC": "report", "STAND": "report", "ELEC": "webpage", "WEB": "webpage",
    "UNPD": "manuscript", "PAMP": "manuscript", "MANSCPT": "manuscript", "DATA": "dataset", "DBASE": "dataset",
    "MGZN": "magazineArticle", "NEWS": "newspaperArticle", "PAT": "patent", "CASE": "case", "BILL": "bill",
    "STAT": "statute", "HEAR": "hearing", "MAP": "map", "COMP": "computerProgram", "ART": "artwork",
    "ADVS": "film", "MPCT": "film", "VIDEO": "videoRecording", "SOUND": "audioRecording", "MUSIC": "audioRecording",
    "PCOMM": "letter", "ICOMM": "email", "BLOG": "blogPost", "DICT": "dictionaryEntry", "ENCYC": "encyclopediaArticle",
    "GEN": "journalArticle", "CTLG": "magazineArticle", "UNBILL": "manuscript",
    "AGGR": "document", "ANCIENT": "document", "CHART": "artwork",
    "FIGURE": "artwork", "EQUA": "document", "LEGAL": "case", "MULTI": "videoRecording", "GRANT": "journalArticle",
}
TITLE_TAGS = ("TI", "T1", "CT", "BT")
# tag -> candidate fields (or base fields), the first one the item type has wins
TYPED_TAGS: dict[str, tuple[str, ...]] = {
    "NV": ("numberOfVolumes",), "SE": ("section",), "OP": ("history", "originalPublisher"),
    "M3": ("type", "medium"), "C5": ("medium",), "SV": ("seriesNumber", "number"),
}
# tags whose meaning on some types comes first (Zotero's RIS import: C1 is a map's scale, C3 an artwork's size,
# C5 a recording's format, IS a program's version, C4 a film's genre, SP its running time, NV a dataset's number)
TYPE_TAGS: dict[str, dict[str, str]] = {
    "map": {"C1": "scale"}, "artwork": {"C3": "artworkSize"}, "audioRecording": {"C5": "audioRecordingFormat"},
    "computerProgram": {"IS": "versionNumber"}, "film": {"C4": "genre", "C5": "videoRecordingFormat", "SP": "runningTime"},
    "videoRecording": {"C5": "videoRecordingFormat"}, "dataset": {"NV": "identifier", "IS": "versionNumber"},
}
# M1 is a book's series number and an EndNote journal article's issue; EndNote gives it a per-type meaning of
# its own on chapters (its "Number of Volumes") and e-book chapters ("Series Volume"). Elsewhere its meaning
# varies (folio, start page, status, area...), so it is a bare Extra line, as Zotero keeps it; M2 too.
M1_BY_TY = {"CHAP": "numberOfVolumes", "ECHAP": "seriesNumber"}
# Names cited for a case and a statute: EndNote's "Abbreviated Case Name" and the act's "Short Title" (ST);
# Zotero's RIS import makes them the caseName and nameOfAct, and the full TI becomes a note.
NAMED_BY_SHORT_TITLE = frozenset({"case", "statute"})
T2_TARGET = {"bookSection": "publicationTitle", "conferencePaper": "conferenceName", "book": "series",
             "report": "seriesTitle", "thesis": "", "webpage": "websiteTitle", "blogPost": "blogTitle",
             "computerProgram": "seriesTitle", "map": "seriesTitle"}
PUBLISHER_TARGET = {"report": "institution", "thesis": "university"}


class RisParser:
    name = "ris"

    def sniff(self, text: str, filename: str) -> float:
        if re.search(r"^TY  - \w+", text[:20_000], re.M):
            return 0.95
        return 0.3 if suffix(filename) == "ris" else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        with common.bulk():
            out = self._parsed(text, doc)
        if not out:
            raise ParseError("no RIS records found", doc.origin)
        return out

    def _parsed(self, text: str, doc: Document) -> list[Parsed]:
        out: list[Parsed] = []
        for place, (record, line) in enumerate(read_records(text, doc), 1):
            item = record_to_item(record)
            if len(item) <= 3:
                doc.report(doc.error("record has no title, creator or date; not imported", line))
                continue
            out.append(Parsed(source=common.identity("ris", item, doc, place=place), item=item,
                              origin=f"{doc.origin}:{line}", notes=_notes(record, item)))
        return out


def read_records(text: str, doc: Document) -> Iterator[tuple[dict[str, list[str]], int]]:
    """Each record (tag -> values, in file order) with its first line; what cannot be read is reported."""
    record: dict[str, list[str]] | None = None
    start = stray = 0
    last: list[str] | None = None
    for number, text_line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        tag, sep, value = text_line.partition("  - ")
        if not (sep and record is not None and tag in FIELD_TAGS):  # not a field line of the open record (most are)
            if not sep or tag not in TAG_NAMES:
                tag, value = _split_line(text_line)
            if not tag:
                line = value.strip()
                if last is not None and line:
                    last[-1] += "\n" + line  # a value wrapped onto the next line
                elif line and record is None:
                    stray = stray or number
                continue
            if tag == "TY":
                if record is not None:
                    doc.warn("record has no ER line; read up to the next TY", start)
                    yield record, start
                record, start, last = {"TY": [value.strip()]}, number, None
                continue
            if record is None:
                stray = stray or number
                continue
            if tag == "ER":
                yield record, start
                record = last = None
                continue
        value = value.strip()
        if value:
            last = record.get(tag)
            if last is None:
                last = record[tag] = []
            last.append(value)
        else:
            last = None
    if record is not None:
        doc.warn("last record has no ER line; read to the end of the file", start)
        yield record, start
    if stray:
        doc.warn("text outside any TY … ER record was ignored", stray)


def _split_line(line: str) -> tuple[str, str]:
    """(tag, value) of a line not in the usual "XY  - " form: a tag line spaced otherwise, or ("", line)."""
    match = TAG_LINE.match(line)
    return (match.group(1), line[match.end():]) if match else ("", line)


def _notes(record: dict[str, list[str]], item: dict[str, Any]) -> list[str]:
    """N1 notes become child notes, as Zotero's RIS import makes them; a labelled note that became a field
    of ``item`` is not kept twice. A case or statute named by its ST keeps its full TI as a note."""
    used = {note for note, field, value in _labelled(record, item["itemType"]) if item.get(field) == value}
    notes = [value.strip() for value in record.get("N1", []) if value.strip() and value not in used]
    title = _one(record, *TITLE_TAGS)
    if item["itemType"] in NAMED_BY_SHORT_TITLE and title and item.get("title") not in ("", title):
        notes.append(f"Title: {title}")
    return notes


def _one(record: dict[str, list[str]], *tags: str, sep: str = " ") -> str:
    """The first of ``tags`` present: its values joined, wrapped lines unwrapped."""
    for tag in tags:
        values = record.get(tag)
        if values:
            if len(values) == 1:
                value = values[0]
                return value if "\n" not in value else " ".join(value.split())
            return sep.join(v if "\n" not in v else " ".join(v.split()) for v in values)
    return ""


def record_to_item(record: dict[str, Any]) -> dict[str, Any]:
    ty = _one(record, "TY").upper() or "GEN"
    item_type = TYPES.get(ty, "journalArticle")
    item: dict[str, Any] = {"itemType": item_type, "tags": []}
    item["title"] = _one(record, *TITLE_TAGS)
    named = item_type in NAMED_BY_SHORT_TITLE and bool(_one(record, "ST"))
    if named:
        item["title"] = _one(record, "ST")
    item["creators"] = _creators(record, item_type)
    _containers(item, record, item_type)
    item["date"] = _date(record)
    item["abstractNote"] = _one(record, "AB", "N2", sep="\n")
    item["volume"] = _one(record, "VL")
    item["issue"] = _one(record, "IS")
    edition = _one(record, "ET")
    if edition and not YEAR_FIRST.match(edition):  # some exporters put the e-pub date in ET
        target = _first_field(item_type, ("edition", "versionNumber", "session"))
        if target:
            item[target] = edition
    item["place"] = _one(record, "CY", "PP")
    if item_type == "conferencePaper" and _one(record, "C1"):  # C1 the place published, CY where it was held
        item["place"], item["eventPlace"] = _one(record, "C1"), item["place"]
    refman = _refman(record)
    _book_volume(item, record, item_type, refman)
    item[PUBLISHER_TARGET.get(item_type, "publisher")] = _one(record, "PB")
    _pages(item, record, item_type)
    _serial(item, record, item_type)
    item["DOI"] = _one(record, "DO")
    url = _one(record, "UR", "L2")
    item["url"] = url.split()[0] if url else ""
    item[_first_field(item_type, ("language", "programmingLanguage")) or "language"] = _one(record, "LA")
    item["shortTitle"] = "" if named else _one(record, "ST")
    item["archive"] = _one(record, "DB")
    item["archiveLocation"] = _one(record, "AN", "AV")
    item["callNumber"] = (record.get("CN") or record.get("H2") or [""])[0].strip()
    item["libraryCatalog"] = _one(record, "DP")
    accessed = _one(record, "Y2")
    item["accessDate"] = dates.to_iso(accessed) if YEAR_FIRST.match(accessed) else ""
    for tag, field in TYPE_TAGS.get(item_type, {}).items():
        if _one(record, tag):
            item.setdefault(field, _one(record, tag))
    _typed_tags(item, record, item_type)
    _legal_tags(item, record, item_type, LEGAL_TAGS.get(item_type))
    if refman:
        _legal_tags(item, record, item_type, REFMAN_TAGS.get(ty))
    item["tags"] = common.tags(_keywords(record))
    kept = _kept(item_type)
    return {k: v for k, v in item.items() if v not in ("", None) and k in kept}


# Patents, cases, statutes, bills and hearings give many tags a meaning of their own (as Zotero's
# RIS import reads EndNote's exports); each tag's value replaces the generic mapping for that type.
LEGAL_TAGS: dict[str, dict[str, str]] = {
    "patent": {"PB": "assignee", "A2": "issuingAuthority", "M1": "applicationNumber", "SN": "patentNumber",
               "C3": "country", "C5": "references", "C6": "legalStatus", "OP": "priorityNumbers", "CY": "place"},
    "case": {"PB": "court", "A2": "reporter", "SV": "docketNumber", "SP": "firstPage", "VL": "reporterVolume",
             "OP": "history"},
    "statute": {"T2": "code", "VL": "codeNumber", "M1": "publicLawNumber", "SE": "section", "ET": "session",
                "OP": "history", "SP": "pages"},
    "bill": {"M1": "billNumber", "T2": "code", "SP": "codePages", "VL": "codeVolume", "OP": "history",
             "T3": "legislativeBody", "SE": "section", "ET": "session"},
    "hearing": {"T2": "committee", "T3": "legislativeBody", "M1": "documentNumber", "ET": "session",
                "OP": "history", "NV": "numberOfVolumes", "SP": "pages"},
}
LEGAL_CREATORS = {"patent": {"C4": "attorneyAgent"}}
# Reference Manager's own meaning of some tags, per RIS type (its labels: a bill's CY is its "Code", VL its
# "Bill/Res Number", SP its "Section(s)"; an artwork's M1 its "Medium"...), where EndNote's differs.
REFMAN_TAGS: dict[str, dict[str, str]] = {
    "BILL": {"CY": "code", "VL": "billNumber", "SP": "section"},
    "STAT": {"CY": "code", "SP": "section", "T3": "history"},
    "CASE": {"CY": "reporter", "T3": "history"},
    "HEAR": {"CY": "committee"},
    "ART": {"M1": "artworkMedium"},
}
# Tags the 2011 RIS spec (EndNote's exports) added; a Reference Manager record (the first spec) has none.
SECOND_SPEC_TAGS = frozenset("AN C1 C2 C3 C4 C5 C6 C7 C8 CA CN DA DB DO DP ET LA LB NV OP RI RN SE ST SV TA TT".split())
# Reference Manager writes fields that have no tag as "N1  - Label: value" notes. Its labels that are not
# Zotero's field labels -> candidate fields (or base fields); "Histroy" is its own spelling of a bill's history.
REFMAN_LABELS: dict[str, tuple[str, ...]] = {
    "volume id": ("volume",), "issue id": ("issue",), "series title": ("series", "seriesTitle"),
    "series volume id": ("seriesNumber",), "size": ("artworkSize",), "histroy": ("history",),
    "place of publication": ("place",), "publisher name": ("publisher",),
}
REFMAN_MARKS = frozenset(REFMAN_LABELS) | {"record id", "record number"}


def _refman(record: dict[str, list[str]]) -> bool:
    """A Reference Manager record: first-spec tags only, and RefMan's labelled notes ("Record ID: 10", "Volume ID: 3")."""
    return not SECOND_SPEC_TAGS.intersection(record) and \
        any(note.partition(":")[0].strip().lower() in REFMAN_MARKS for note in record.get("N1", ()))


def _legal_tags(item: dict[str, Any], record: dict[str, list[str]], item_type: str,
                table: dict[str, str] | None) -> None:
    """Give the tags of ``table`` their meaning for this type, in place of their generic mapping."""
    if not table:
        return
    claimed = {_one(record, tag) for tag in table}
    for field in [f for f, v in item.items() if f not in {"title", "creators", "tags"} and v in claimed]:
        del item[field]  # a generic mapping of a tag this type reads differently
    for tag, field in table.items():
        value = _one(record, tag)
        if value:
            item[field] = value
    if table is not LEGAL_TAGS.get(item_type):
        return
    if item_type == "patent" and "A2" in record:  # the issuing authority, not a person
        item["creators"] = [c for c in item["creators"] if c.get("name") != _one(record, "A2")
                            and f"{c.get('lastName')},{c.get('firstName')}" != _one(record, "A2").replace(", ", ",")]
    for tag, role in LEGAL_CREATORS.get(item_type, {}).items():
        item["creators"] += [names.corporate(v, role) if "," not in v else
                             {"creatorType": role, "lastName": v.partition(",")[0].strip(),
                              "firstName": v.partition(",")[2].strip()} for v in record.get(tag, [])]


@cache
def _kept(item_type: str) -> frozenset[str]:
    """Like Zotero's RIS import: a value with no field on this type is dropped, identifiers excepted."""
    names = schema.all_fields() | schema.base_fields()
    return frozenset({"itemType", "creators", "tags", "extra", "DOI", "ISBN", "ISSN", "PMID", "PMCID"}
                     | {name for name in names if schema.field_for_type(item_type, name) is not None})


@cache
def _first_field(item_type: str, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` (field or base-field names) that ``item_type`` has."""
    return next((f for c in candidates if (f := schema.field_for_type(item_type, c))), None)


def _typed_tags(item: dict[str, Any], record: dict[str, list[str]], item_type: str) -> None:
    """Tags whose field depends on the item type: each goes to the first candidate the type has."""
    for tag, candidates in TYPED_TAGS.items():
        value = _one(record, tag)
        target = _first_field(item_type, candidates) if value else None
        if target and not item.get(target):
            item[target] = value
    for _, target, value in _labelled(record, item_type):
        if not item.get(target):
            item[target] = value
    claimed = LEGAL_TAGS.get(item_type, {})
    m1 = "" if "M1" in claimed else _one(record, "M1")
    target = "seriesNumber" if item_type == "book" else M1_BY_TY.get(_one(record, "TY").upper())
    if item_type == "journalArticle" and not item.get("issue"):
        target = "issue"  # EndNote writes a journal's issue as M1
    if m1 and target and not item.get(target):
        item[target] = m1
    elif m1:
        _extra(item, m1)
    if "M2" not in claimed and _one(record, "M2"):
        _extra(item, _one(record, "M2"))


def _extra(item: dict[str, Any], line: str) -> None:
    """Zotero keeps an M1/M2 with no field of its own as a bare Extra line."""
    item["extra"] = f"{item['extra']}\n{line}" if item.get("extra") else line


def _labelled(record: dict[str, list[str]], item_type: str) -> Iterator[tuple[str, str, str]]:
    """(note, field, value) for each ``N1  - Label: value`` note whose label names a field of ``item_type``.

    EndNote and Reference Manager write some fields so; Zotero's field labels and RefMan's own are known."""
    for note in record.get("N1", ()):
        label, sep, value = note.partition(":")
        target = _label_field(item_type, label.strip().lower()) if sep else None
        if target and value.strip():
            yield note, target, value.strip()


@lru_cache(maxsize=4096)
def _label_field(item_type: str, label: str) -> str | None:
    if label in REFMAN_LABELS:
        return _first_field(item_type, REFMAN_LABELS[label])
    field = schema.field_by_label().get(label)
    return schema.field_for_type(item_type, field) if field else None


CREATOR_TAGS: dict[str, dict[str, tuple[str, ...]]] = {
    # tag -> {zotero item type or "*": candidate roles}; the first role the type allows wins, none: dropped
    "AU": {"audioRecording": ("composer",), "film": ("director",), "videoRecording": ("director",), "*": ("author",)},
    "A1": {"audioRecording": ("composer",), "film": ("director",), "videoRecording": ("director",), "*": ("author",)},
    "ED": {"*": ("editor",)},
    "A2": {"book": ("seriesEditor",), "report": ("seriesEditor",), "letter": ("recipient",), "email": ("recipient",),
           "instantMessage": ("recipient",), "audioRecording": ("performer",), "bill": ("sponsor",),
           "*": ("editor",)},
    "A3": {"book": ("editor",), "thesis": ("contributor",), "film": ("producer",), "videoRecording": ("producer",),
           "report": (), "*": ("seriesEditor",)},  # EndNote's report A3 is its publisher, no one
    "A4": {"case": ("counsel",), "conferencePaper": ("contributor",), "dataset": ("contributor",),
           "film": ("contributor",), "*": ("translator", "contributor")},
    "C2": {"bookSection": ("bookAuthor",)},
    "C1": {"videoRecording": ("castMember",)}, "C4": {"audioRecording": ("wordsBy",)},
}


@cache
def _role(tag: str, item_type: str, ty: str) -> str:
    if tag == "AU" and ty == "EDBOOK":
        return "editor"
    table = CREATOR_TAGS[tag]
    allowed = set(schema.creator_types(item_type)) | {"author"}
    return next((r for r in table.get(item_type, table.get("*", ())) if r in allowed), "")


def _creators(record: dict[str, list[str]], item_type: str) -> list[dict[str, str]]:
    ty = _one(record, "TY").upper()
    out: list[dict[str, str]] = []
    for tag in [t for t in record if t in CREATOR_TAGS]:  # file order, as Zotero keeps it
        role = _role(tag, item_type, ty)
        for value in record.get(tag, []) if role else []:
            value = value.strip()
            if not value:
                continue
            if "," in value:
                last, _, first = value.partition(",")
                out.append({"creatorType": role, "firstName": first.strip(), "lastName": last.strip()})
            else:
                out.append(names.corporate(value, role))
    return out


def _containers(item: dict[str, Any], record: dict[str, list[str]], item_type: str) -> None:
    t2 = _one(record, "T2")
    jo = _one(record, "JF", "JO", "T2" if item_type in {"journalArticle", "magazineArticle", "newspaperArticle"} else "__")
    if item_type in {"journalArticle", "magazineArticle", "newspaperArticle"}:
        item["publicationTitle"] = _one(record, "JF", "T2", "JO")
        if item_type == "journalArticle" and not item["publicationTitle"]:
            item["publicationTitle"] = _one(record, "J2", "JA")  # the journal by its abbreviation, as JO alone
        item["journalAbbreviation"] = _one(record, "J2", "JA", "JO")  # JO is the abbreviation, even alone
        item["series"] = _one(record, "T3")
        return
    if item_type == "conferencePaper":
        item["conferenceName"] = t2 if _one(record, "C3") or _one(record, "TY") == "CPAPER" else ""
        item["proceedingsTitle"] = _one(record, "C3", "BT") or (t2 if not item["conferenceName"] else "")
        item["series"] = _one(record, "T3")
        return
    if item_type == "bookSection":
        item["bookTitle"] = _one(record, "T2", "BT")
        item["series"] = _one(record, "T3")
        return
    target = T2_TARGET.get(item_type, "publicationTitle")
    if target and t2:
        item[target] = t2
    if item_type == "webpage" and _one(record, "J2"):
        item["websiteTitle"] = _one(record, "J2")  # EndNote's "Periodical Title" of a web page; its T2 is a series
    if jo and "publicationTitle" not in item:
        item["publicationTitle"] = jo
    series = _first_field(item_type, ("series", "seriesTitle"))
    if _one(record, "T3") and series:
        item.setdefault(series, _one(record, "T3"))


def _book_volume(item: dict[str, Any], record: dict[str, list[str]], item_type: str, refman: bool) -> None:
    """A book (or chapter) with both VL and IS follows the first RIS spec: IS its volume, VL its edition.

    Reference Manager does so on every type with an edition, also when the volume is a labelled note."""
    book = item_type in {"book", "bookSection"} and bool(_one(record, "IS"))
    if _one(record, "VL") and (book or refman and schema.field_for_type(item_type, "edition") == "edition"):
        item.setdefault("edition", item["volume"])
        item["volume"] = _one(record, "IS")


def _date(record: dict[str, list[str]]) -> str:
    return _ris_date(_one(record, "DA", "Y1", "PY"))


@lru_cache(maxsize=16384)
def _ris_date(raw: str) -> str:
    """``YYYY/MM/DD/other`` (zero parts dropped) to ISO, as Zotero reads RIS dates."""
    parts = raw.split("/")
    if len(parts) >= 2 and parts[0].isdigit():
        numbers = [p for p in parts[:3] if p.strip().isdigit() and int(p)]
        return dates.to_iso("-".join(f"{int(p):02d}" if i else p for i, p in enumerate(numbers)))
    return dates.to_iso(raw) if raw else ""


def _pages(item: dict[str, Any], record: dict[str, list[str]], item_type: str) -> None:
    start, end = _one(record, "SP"), _one(record, "EP")
    if item_type in {"book", "thesis", "manuscript"}:
        item["numPages"] = start
        return
    if start and end and "-" not in start:
        item["pages"] = f"{start}-{end}"
    else:
        item["pages"] = start or end


def _serial(item: dict[str, Any], record: dict[str, list[str]], item_type: str) -> None:
    serial = _one(record, "SN")
    if not serial:
        return
    if item_type in {"journalArticle", "magazineArticle", "newspaperArticle"}:
        item["ISSN"] = serial
    elif item_type == "report":
        item["reportNumber"] = serial
    else:
        item["ISBN"] = serial


def _keywords(record: dict[str, list[str]]) -> list[str]:
    values = [v for v in record.get("KW", []) if v and v.strip()]
    out: list[str] = []
    for value in values:
        out += [v.strip() for v in KEYWORD_BREAKS.split(value) if v.strip()]
    if len(out) == 1 and "," in out[0]:
        out = [v.strip() for v in out[0].split(",")]
    return out
