"""CSL-JSON (a list of items, one item, ``{"items": [...]}`` or a Crossref ``message``), mapped
through the schema's own ``csl`` tables.

Only JSON whose records look like CSL (a known CSL or Crossref ``type`` with a title, names or a
date in CSL shape) is taken: a ``package.json`` is not. Every field is read by its shape: a value
of the wrong shape is read when its meaning is plain (an author given as a string is a literal
name, ``"date-parts": "2020"`` a date) and dropped otherwise, never turned into a Python repr.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document, suffix

CREATOR_FROM_CSL = {"author": "author", "container-author": "bookAuthor", "editor": "editor",
                    "collection-editor": "seriesEditor", "translator": "translator", "contributor": "contributor",
                    "reviewed-author": "reviewedAuthor", "original-author": "originalCreator",
                    "director": "director", "interviewer": "interviewer", "recipient": "recipient",
                    "composer": "composer", "chair": "chair", "organizer": "organizer", "guest": "guest",
                    "narrator": "narrator", "producer": "producer", "executive-producer": "executiveProducer",
                    "script-writer": "scriptwriter", "performer": "castMember", "host": "host"}
# Crossref work types (api.crossref.org, and its /transform CSL) named as CSL types.
CROSSREF_TYPES = {"journal-article": "article-journal", "book-chapter": "chapter", "book-section": "chapter",
                  "book-part": "chapter", "proceedings-article": "paper-conference", "posted-content": "article",
                  "dissertation": "thesis", "monograph": "book", "edited-book": "book", "reference-book": "book",
                  "report-component": "report", "database": "dataset"}
# Crossref types without a closer CSL type: still CSL records (read as a document).
CROSSREF_OTHER_TYPES = {"book-track", "book-set", "book-series", "journal", "journal-issue", "journal-volume",
                        "proceedings", "proceedings-series", "report-series", "reference-entry", "component",
                        "peer-review", "grant", "other"}
# Variables that are lists in Crossref's CSL but one value in Zotero: the first is the value.
IDENTIFIER_LISTS = {"ISSN", "ISBN"}
# The item's date when ``issued`` is missing, in Crossref's order of preference.
ISSUED_FALLBACKS = ("issued", "published-print", "published-online", "published")
MARKUP = re.compile(r"</?(?:jats:)?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>")
ABSTRACT_HEADING = re.compile(r"^\s*(?:<jats:title>\s*abstract\s*</jats:title>|abstract:)\s*", re.I)
# Variables whose value may be a JSON number; any other text variable must be a string.
NUMERIC_VARIABLES = {"volume", "issue", "page", "number", "number-of-pages", "number-of-volumes", "edition",
                     "collection-number", "chapter-number", "part-number", "version", "ISBN", "PMID", "PMCID"}
NAME_PARTS = ("family", "given", "non-dropping-particle", "dropping-particle", "suffix", "literal", "name")


class CslJsonParser:
    name = "csljson"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:1]
        if head not in {"[", "{"}:
            return 0.0
        data = _load(text)
        if isinstance(data, ParseError):
            # Unreadable JSON: only a broken CSL file is worth a clear "invalid JSON" error.
            start = text.lstrip()[:2000]
            looks = '"type"' in start and ('"title"' in start or '"author"' in start)
            return 0.5 if looks or suffix(filename) == "csl" else 0.0
        records = _records(data)
        if not records:
            return 0.0
        csl = sum(1 for r in records if looks_like_csl(r))
        return 0.95 if csl * 2 >= len(records) else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        data = _load(text)
        _last.clear()
        if isinstance(data, ParseError):
            raise ParseError(data.message, doc.origin, data.line)
        records = _records(data)
        out = []
        for n, record in enumerate(records, 1):
            if not isinstance(record, dict) or not looks_like_csl(record):
                doc.report(doc.error(f"record {n} is not a CSL item ({_shape(record)}): not read"))
                continue
            item = csl_to_item(record)
            if not item.get("title"):
                doc.report(doc.error(f"record {n} has no title: not read"))
                continue
            cid = _scalar(record.get("id"))
            out.append(Parsed(source=common.identity("csl", item, doc, local=cid, place=n), item=item, origin=doc.origin))
        if not out:
            raise ParseError("no CSL-JSON items found", doc.origin)
        return out


# The last text sniffed and its JSON value: parse gets the same str object right after sniff, so it is
# not decoded twice. Matched by identity (no hashing of a large text) and dropped once parsed.
_last: list[tuple[str, Any]] = []


def _load(text: str) -> Any:
    """The JSON value of ``text``, or a ParseError saying why it is not JSON."""
    if _last and _last[0][0] is text:
        return _last[0][1]
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        value = ParseError(f"invalid JSON: {exc.msg}", "", exc.lineno)
    except RecursionError:
        value = ParseError("invalid JSON: nested too deeply")
    _last[:] = [(text, value)]
    return value


def _records(data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("message"), dict) and str(data.get("status")) == "ok":
        data = data["message"]  # a Crossref REST answer: {"status": "ok", "message": {...}}
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return list(data["items"])
    if isinstance(data, list):
        return data
    return [data] if isinstance(data, dict) else []


def _shape(value: Any) -> str:
    return f"a JSON {type(value).__name__.replace('str', 'string').replace('dict', 'object')}"


def csl_type(record: dict[str, Any]) -> str:
    raw = record.get("type")
    name = raw.strip() if isinstance(raw, str) else ""
    return CROSSREF_TYPES.get(name, name)


def looks_like_csl(record: Any) -> bool:
    """A CSL item: a known type and a title, names or a date in CSL shape (``type`` alone is not enough);
    without a type, a title and CSL names or a CSL date."""
    if not isinstance(record, dict):
        return False
    kind = csl_type(record)
    known_type = kind in schema.csl_types() or kind in CROSSREF_OTHER_TYPES
    has_title = _is_text(record.get("title")) and bool(_text(record.get("title")))
    has_names = any(isinstance(record.get(v), list) and any(isinstance(n, dict) and _name(n) for n in record[v])
                    for v in ("author", "editor"))
    has_date = any(isinstance(record.get(v), dict) and ("date-parts" in record[v] or "raw" in record[v])
                   for v in ISSUED_FALLBACKS)
    if record.get("type") in (None, ""):  # no type: only the full CSL shape will do
        return has_title and (has_names or has_date)
    return known_type and (has_title or has_names or has_date)




def csl_to_item(record: dict[str, Any]) -> dict[str, Any]:
    item_type = (schema.csl_types().get(csl_type(record)) or ["document"])[0]
    item: dict[str, Any] = {"itemType": item_type, "creators": [], "tags": []}
    for variable, fields in schema.csl_text_fields().items():
        value = _value(variable, record.get(variable))
        target = next((t for f in fields if (t := schema.field_for_type(item_type, f))), None)
        if value and target and target not in item:
            item[target] = value
    _extra_variables(record, item)
    for variable in ISSUED_FALLBACKS:
        date = csl_date(record.get(variable))
        if date and schema.field_for_type(item_type, "date"):
            item[schema.field_for_type(item_type, "date")] = date  # type: ignore[index]
            break
    for variable, field in schema.csl_date_fields().items():
        target = schema.field_for_type(item_type, field)
        if variable != "issued" and target and (date := csl_date(record.get(variable))):
            item[target] = date
    for variable, role in CREATOR_FROM_CSL.items():
        item["creators"] += [{"creatorType": role, **name} for name in _names(record.get(variable))]
    item["tags"] = common.tags(_keywords(record.get("keyword")))
    return item


def _extra_variables(record: dict[str, Any], item: dict[str, Any]) -> None:
    """Variables the schema's csl table does not map, or maps to a field a Crossref record misses."""
    item_type = item["itemType"]
    short = _text(record.get("container-title-short")) or _text(record.get("short-container-title"))
    target = schema.field_for_type(item_type, "journalAbbreviation")
    if short and target and target not in item:
        item[target] = short
    if "abstractNote" in item:
        item["abstractNote"] = plain_abstract(item["abstractNote"])
    rights = schema.field_for_type(item_type, "rights")
    if rights and rights not in item and (text := license_text(record.get("license"))):
        item[rights] = text


def _value(variable: str, value: Any) -> str:
    if variable == "license":
        return license_text(value)
    if variable in IDENTIFIER_LISTS and isinstance(value, list):
        return ", ".join(t for v in value if (t := _scalar(v)))
    if variable not in NUMERIC_VARIABLES and not _is_text(value):
        return ""
    return _text(value)


def _is_text(value: Any) -> bool:
    """A string, or a list whose first value is one (Crossref's ``"title": ["..."]``)."""
    first = next((v for v in value if v not in (None, "")), None) if isinstance(value, list) else value
    return isinstance(first, str)


def _scalar(value: Any) -> str:
    """A string or number as text; anything else (objects, lists, booleans, null) is no value."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value) if value == value and abs(value) != float("inf") else ""
    if isinstance(value, str):
        return " ".join(value.split())
    return ""


def _text(value: Any) -> str:
    """One text value: a scalar, or the first non-empty scalar of a list (Crossref lists titles)."""
    if isinstance(value, list):
        return next((t for v in value if (t := _scalar(v))), "")
    return _scalar(value)


def plain_abstract(text: str) -> str:
    """Crossref abstracts are JATS XML: keep the words, drop the tags and an "Abstract" heading."""
    if "<" not in text:
        return text
    stripped = MARKUP.sub(" ", ABSTRACT_HEADING.sub("", text, count=1))
    return " ".join(html.unescape(stripped).split())


def license_text(value: Any) -> str:
    """CSL ``license`` is text, or (Crossref) a list of ``{"URL": ...}``: the distinct URLs or names."""
    entries = value if isinstance(value, list) else [value]
    out: list[str] = []
    for entry in entries:
        text = _scalar(entry) if not isinstance(entry, dict) else next(
            (t for k in ("URL", "url", "name", "title", "literal") if (t := _scalar(entry.get(k)))), "")
        if text and text not in out:
            out.append(text)
    return "; ".join(out)


def _names(value: Any) -> list[dict[str, str]]:
    """CSL names: a list of name objects; a bare string or object is read as a list of one."""
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    return [name for v in values if (name := _name(v))]


def _name(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        literal = _scalar(value) if isinstance(value, str) else ""
        return {"name": literal} if literal else {}
    part = {k: _scalar(value.get(k)) for k in NAME_PARTS}
    if part["literal"] or not part["family"]:
        literal = part["literal"] or part["name"] or part["given"]
        return {"name": literal} if literal else {}
    family = " ".join(p for p in (part["non-dropping-particle"], part["family"]) if p)
    given = " ".join(p for p in (part["given"], part["dropping-particle"]) if p)
    if part["suffix"]:
        given = f"{given}, {part['suffix']}"
    return {"firstName": given, "lastName": family}


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list):
        return [t for v in value if (t := _scalar(v))]
    return []


def csl_date(value: Any) -> str:
    """A CSL date as ISO text (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or its literal/raw text; "" if none.

    ``date-parts`` is read in the shapes found in the wild: ``[[y, m, d]]``, ``[y, m]``, ``"2020"``,
    numbers as strings; a range gives its start. A part out of range ends the date there.
    """
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return _scalar(value)
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        parts = parts[0]
    if isinstance(parts, (str, int)) and not isinstance(parts, bool):
        parts = [parts] if isinstance(parts, int) or _scalar(parts).lstrip("-").isdigit() else []
        if not parts:
            return _scalar(value.get("date-parts"))
    numbers = _date_numbers(parts if isinstance(parts, list) else [])
    if numbers:
        return "-".join([f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:]])
    return _scalar(value.get("literal")) or _scalar(value.get("raw"))


def _date_numbers(parts: list[Any]) -> list[int]:
    """Year (non-zero, at most four digits), month 1-12, day 1-31; seasons (13-24) end the date."""
    numbers: list[int] = []
    for lowest, highest, part in zip((-9999, 1, 1), (9999, 12, 31), parts[:3], strict=False):
        text = _scalar(part)
        if not text.lstrip("-").isdigit() or not lowest <= int(text) <= highest or int(text) == 0:
            break
        numbers.append(int(text))
    return numbers
