"""BibTeX / BibLaTeX files, read with bibtexparser 1.4 and mapped as Zotero's BibTeX import does.

@string macros, month macros and crossref are resolved by bibtexparser; LaTeX
becomes Unicode and Zotero rich text; braced names become single-field
creators; the entry key becomes ``citationKey``. An entry bibtexparser could
not read is reported with its line, and the rest of the file is still parsed.
"""

from __future__ import annotations

import re
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser

from zotsync import dates, latex, names, schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document, suffix

TYPES = {
    "article": "journalArticle", "book": "book", "inbook": "bookSection", "incollection": "bookSection",
    "inproceedings": "conferencePaper", "conference": "conferencePaper", "proceedings": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
    "report": "report", "manual": "book", "booklet": "book", "collection": "book", "mvbook": "book",
    "unpublished": "manuscript", "misc": "document", "online": "webpage", "electronic": "webpage",
    "www": "webpage", "webpage": "webpage", "patent": "patent", "inreference": "encyclopediaArticle",
    "software": "computerProgram", "dataset": "dataset", "movie": "film", "video": "videoRecording",
    "audio": "audioRecording", "legislation": "statute", "jurisdiction": "case", "periodical": "book",
    "standard": "standard", "mvcollection": "book", "mvproceedings": "book", "bookinbook": "bookSection",
    "suppbook": "bookSection", "suppcollection": "bookSection", "article-journal": "journalArticle",
}
THESIS_TYPES = {"phdthesis": "PhD Thesis", "mastersthesis": "Master's Thesis"}
SIMPLE_FIELDS = {
    "abstract": "abstractNote", "address": "place", "edition": "edition", "isbn": "ISBN", "issn": "ISSN",
    "doi": "DOI", "url": "url", "language": "language", "langid": "language", "shorttitle": "shortTitle",
    "series": "series", "volume": "volume", "copyright": "rights", "type": "type", "pmid": "PMID",
    "pmcid": "PMCID", "booktitle": "publicationTitle", "eventtitle": "conferenceName",
    "venue": "eventPlace", "pagetotal": "numPages", "library": "libraryCatalog", "annote": "",
    "callnumber": "callNumber", "archiveprefix": "", "titleaddon": "",
}
EXTRA_FIELDS = {"lccn": "LCCN", "mrnumber": "MR", "zmnumber": "Zbl", "pmid": "PMID", "pmcid": "PMCID"}
CREATOR_FIELDS = {"author": "author", "editor": "editor", "translator": "translator",
                  "bookauthor": "bookAuthor", "collaborator": "contributor", "editora": "editor",
                  "editorb": "editor", "holder": "author", "commentator": "commenter"}
ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", re.M)
AND = re.compile(r"\s+and\s+", re.I)


class BibtexParser:
    name = "bibtex"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:100_000]
        entries = len(ENTRY_START.findall(head))
        if entries:
            return 0.95 if suffix(filename) in {"bib", "bibtex", "biblatex"} or entries > 1 else 0.86
        return 0.3 if suffix(filename) in {"bib", "bibtex"} else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        found = _entry_lines(text)
        entries = _load(text, doc.origin)
        parsed_keys = {e.get("ID") for e in entries}
        problems = [doc.error(f"entry {key!r} could not be parsed (check its braces and commas)", line)
                    for key, line in found.items() if key not in parsed_keys]
        out: list[Parsed] = []
        for entry in entries:
            try:
                out.append(_to_parsed(entry, doc, found.get(entry.get("ID", ""))))
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(doc.error(f"entry {entry.get('ID')!r}: {exc}", found.get(entry.get("ID", ""))))
        if problems and not out:
            raise problems[0]
        if not out:
            raise ParseError("no BibTeX entries found", doc.origin)
        for problem in problems:
            doc.report(problem)
        return out


def _entry_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in ENTRY_START.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(1).lower() not in {"string", "preamble", "comment"}:
            lines.setdefault(match.group(2), line)
    return lines


def _load(text: str, origin: str) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True,
                          add_missing_from_crossref=True)
    try:
        return list(bibtexparser.loads(text, parser).entries)
    except Exception as exc:  # bibtexparser/pyparsing raise many types on broken input
        raise ParseError(f"not readable as BibTeX ({type(exc).__name__}: {exc})", origin) from exc


def _to_parsed(entry: dict[str, str], doc: Document, line: int | None) -> Parsed:
    item = entry_to_item(entry)
    key = entry.get("ID", "")
    notes = [latex.to_text(entry["note"])] if entry.get("note") and not _identifier_note(entry["note"]) else []
    return Parsed(source=common.identity("bibtex", item, doc, local=key), item=item,
                  origin=f"{doc.origin}:{line}" if line else doc.origin, notes=notes)


def entry_to_item(entry: dict[str, str]) -> dict[str, Any]:
    fields = {k.lower(): v for k, v in entry.items() if k not in {"ENTRYTYPE", "ID"}}
    entry_type = entry.get("ENTRYTYPE", "misc").lower()
    item_type = TYPES.get(entry_type, "document")
    item: dict[str, Any] = {"itemType": item_type, "creators": [], "tags": []}
    extra: list[str] = []
    item["title"] = _title(fields)
    for name, role in CREATOR_FIELDS.items():
        if fields.get(name):
            item["creators"] += parse_names(fields[name], role)
    for name, target in SIMPLE_FIELDS.items():
        if target and fields.get(name) and name not in EXTRA_FIELDS:
            item.setdefault(target, _field(fields, name))
    _journal(item, fields)
    _container(item, item_type)
    _number(item, fields, item_type)
    _publisher(item, fields)
    _location(item, fields, item_type)
    _pages(item, fields, item_type)
    item["date"] = _date(fields)
    if fields.get("urldate"):
        item["accessDate"] = dates.to_iso(_field(fields, "urldate"))
    if entry_type in THESIS_TYPES and not item.get("type"):
        item["type"] = THESIS_TYPES[entry_type]
    item["tags"] = common.tags(re.split(r"\s*[,;]\s*", _text(fields.get("keywords", fields.get("keyword", "")))))
    _howpublished(item, fields, extra)
    _identifier_fields(item, fields, extra)
    if entry.get("ID"):
        item["citationKey"] = entry["ID"]
    if extra:
        item["extra"] = "\n".join(extra)
    return {k: v for k, v in item.items() if v not in ("", None)}


VERBATIM = {"url", "doi", "isbn", "issn", "eprint", "pmid", "pmcid", "lccn", "mrnumber", "zmnumber", "urldate"}


def _text(value: str) -> str:
    return latex.to_text(value)


def _field(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "")
    return latex.verbatim(value) if name in VERBATIM else latex.to_text(value)


def _title(fields: dict[str, str]) -> str:
    title = _text(fields.get("title", ""))
    subtitle = _text(fields.get("subtitle", ""))
    if subtitle:
        title = f"{title}{'' if title.endswith(('?', '!', ':', '.')) else ':'} {subtitle}"
    return title


def parse_names(value: str, role: str) -> list[dict[str, str]]:
    """BibTeX name list: ``and``-separated, braces protect corporate names and ``and``."""
    out: list[dict[str, str]] = []
    for raw in _split_and(value):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.lower() == "others":
            continue
        if stripped.startswith("{") and stripped.endswith("}") and _balanced_outer(stripped):
            out.append(names.corporate(_text(stripped[1:-1]), role))
            continue
        text = _text(stripped)
        if "," in _unbraced(stripped):
            parts = [p.strip() for p in _split_unbraced(stripped, ",")]
            last = _text(parts[0])
            first = _text(parts[-1]) if len(parts) > 1 else ""
            if len(parts) == 3:
                first = f"{first}, {_text(parts[1])}"
            out.append(names.person(f"{last}, {first}", role) if first else names.corporate(last, role))
        else:
            out.append(names.person(text, role))
    return out


def _split_and(value: str) -> list[str]:
    return _split_unbraced(value, " and ", AND)


def _split_unbraced(value: str, sep: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    """Split on ``sep`` where it is not inside braces."""
    masked = _unbraced(value)
    regex = pattern or re.compile(re.escape(sep))
    parts, start = [], 0
    for match in regex.finditer(masked):
        parts.append(value[start:match.start()])
        start = match.end()
    parts.append(value[start:])
    return parts


def _unbraced(value: str) -> str:
    """``value`` with everything inside braces replaced by underscores (same length)."""
    depth, out = 0, []
    for char in value:
        if char == "{":
            depth += 1
        out.append(char if depth == 0 else "_")
        if char == "}":
            depth = max(depth - 1, 0)
    return "".join(out)


def _balanced_outer(value: str) -> bool:
    depth = 0
    for i, char in enumerate(value):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and i < len(value) - 1:
            return False
    return True


def _journal(item: dict[str, Any], fields: dict[str, str]) -> None:
    full = fields.get("fjournal") or fields.get("journaltitle")
    short = fields.get("journal") or fields.get("shortjournal")
    if full:
        item["publicationTitle"] = _text(full)
        if short and _text(short) != item["publicationTitle"]:
            item["journalAbbreviation"] = _text(short)
    elif short:
        item["publicationTitle"] = _text(short)


def _container(item: dict[str, Any], item_type: str) -> None:
    """A booktitle on a type without a container (a @proceedings or @book) is its own title, not Extra."""
    if "publicationTitle" in item and schema.field_for_type(item_type, "publicationTitle") is None:
        container = item.pop("publicationTitle")
        item["title"] = item.get("title") or container


def _number(item: dict[str, Any], fields: dict[str, str], item_type: str) -> None:
    number = _text(fields.get("number", "")) or _text(fields.get("issue", ""))
    if not number:
        return
    target = {"report": "reportNumber", "book": "seriesNumber", "bookSection": "seriesNumber",
              "patent": "patentNumber"}.get(item_type, "issue")
    item[target] = number
    if fields.get("issue") and fields.get("number") and target != "issue":
        item["issue"] = _text(fields["issue"])


def _publisher(item: dict[str, Any], fields: dict[str, str]) -> None:
    for name in ("publisher", "school", "institution", "organization"):
        if fields.get(name):
            item.setdefault("publisher", _text(fields[name]))


def _location(item: dict[str, Any], fields: dict[str, str], item_type: str) -> None:
    """biblatex ``location``: the place of publication, or where a conference was held."""
    location = _text(fields.get("location", ""))
    if not location:
        return
    if item_type == "conferencePaper":
        item.setdefault("eventPlace", location)
    else:
        item.setdefault("place", location)


def _pages(item: dict[str, Any], fields: dict[str, str], item_type: str) -> None:
    pages = fields.get("pages", "")
    if not pages.strip():
        return
    text = _text(pages)
    if item_type in {"book", "thesis", "manuscript"}:
        item["numPages"] = text
    else:
        item["pages"] = text


def _date(fields: dict[str, str]) -> str:
    if fields.get("date"):
        return dates.to_iso(_text(fields["date"]))
    year = _text(fields.get("year", ""))
    if not year:
        return ""
    month = _month(_text(fields.get("month", "")))
    day = _text(fields.get("day", ""))
    if month and re.fullmatch(r"\d{4}", year):
        return dates.to_iso(f"{year}-{month:02d}" + (f"-{int(day):02d}" if day.isdigit() else ""))
    return year


def _month(value: str) -> int:
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else 0
    return dates.MONTHS.get(value, dates.MONTHS.get(value[:3], 0))


def _howpublished(item: dict[str, Any], fields: dict[str, str], extra: list[str]) -> None:
    raw = fields.get("howpublished", "")
    link = re.search(r"\\(?:href|url)\s*\{\s*([^{}\s]+)\s*\}", raw)
    value = link.group(1) if link else _text(raw)
    if not value:
        return
    if re.match(r"^(https?://|mailto:)", value):
        item.setdefault("url", value)
    else:
        extra.append(f"Published: {value}")


def _identifier_fields(item: dict[str, Any], fields: dict[str, str], extra: list[str]) -> None:
    for name, label in EXTRA_FIELDS.items():
        value = _field(fields, name)
        if value and label in {"PMID", "PMCID"}:
            item[label] = value
        elif value:
            extra.append(f"{label}: {value}")
    eprint = _field(fields, "eprint")
    kind = _text(fields.get("eprinttype", "") or fields.get("archiveprefix", "")).lower()
    if eprint:
        label = {"arxiv": "arXiv", "pubmed": "PMID", "jstor": "JSTOR", "hdl": "HDL",
                 "googlebooks": "GoogleBooksID"}.get(kind, kind or "arXiv")
        extra.append(f"{label}: {eprint}")
    note = fields.get("note", "")
    for line in note.splitlines():
        if _identifier_note(line):
            extra.append(_text(line))


def _identifier_note(text: str) -> bool:
    return bool(re.match(r"^\s*(LCCN|MR|Zbl|PMCID|PMID|DOI|arXiv):", text))
