"""BibTeX / BibLaTeX files, read by our own exact scanner (bibscan) and mapped as Zotero's BibTeX import does.

@string macros, month macros, ``#`` concatenation and crossref are resolved here;
LaTeX becomes Unicode and Zotero rich text; braced names become single-field
creators; the entry key becomes ``citationKey``; fields the item type has no place
for are kept as Better BibTeX's ``tex.field: value`` lines in Extra. Nothing is
dropped silently: an undefined macro is kept as its name and reported, an entry
that cannot be read is reported with its line while the rest of the file is read,
and a citation key used twice keeps both entries (both reported).
"""

from __future__ import annotations

import re
from typing import Any

from zotsync import dates, latex, names, schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sentence_case import is_english, sentence_case, title_cased
from zotsync.sources import bibscan, common
from zotsync.sources.base import Document, suffix

TYPES = {
    "article": "journalArticle", "book": "book", "inbook": "bookSection", "incollection": "bookSection",
    "inproceedings": "conferencePaper", "conference": "conferencePaper", "proceedings": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
    "report": "report", "manual": "book", "booklet": "book", "collection": "book", "mvbook": "book",
    "unpublished": "manuscript", "misc": "document", "online": "webpage", "electronic": "webpage",
    "www": "webpage", "webpage": "webpage", "web_page": "webpage", "patent": "patent",
    "inreference": "encyclopediaArticle", "software": "computerProgram", "codefragment": "computerProgram",
    "softwareversion": "computerProgram", "softwaremodule": "computerProgram", "dataset": "dataset",
    "movie": "film", "video": "videoRecording", "audio": "audioRecording", "legislation": "statute",
    "jurisdiction": "case", "periodical": "book", "standard": "standard", "mvcollection": "book",
    "mvproceedings": "book", "bookinbook": "bookSection", "suppbook": "bookSection",
    "suppcollection": "bookSection", "article-journal": "journalArticle", "talk": "presentation",
    "presentation": "presentation", "letter": "letter", "artwork": "artwork", "music": "audioRecording",
    "performance": "presentation", "review": "journalArticle", "map": "map", "misc-preprint": "preprint",
}
SUBTYPES = {("article", "magazine"): "magazineArticle", ("article", "newspaper"): "newspaperArticle",
            ("video", "film"): "film", ("video", "tvbroadcast"): "tvBroadcast", ("video", "tvepisode"): "tvBroadcast",
            ("movie", "tvbroadcast"): "tvBroadcast"}
THESIS_TYPES = {"phdthesis": "PhD Thesis", "mastersthesis": "Master's Thesis"}
SIMPLE_FIELDS = {
    "abstract": "abstractNote", "edition": "edition", "isbn": "ISBN", "issn": "ISSN", "doi": "DOI", "url": "url",
    "langid": "language", "language": "language", "shorttitle": "shortTitle", "series": "series",
    "volume": "volume", "copyright": "rights", "license": "rights", "type": "type", "pmid": "PMID",
    "pmcid": "PMCID", "booktitle": "publicationTitle", "eventtitle": "conferenceName", "venue": "eventPlace",
    "pagetotal": "numPages", "library": "libraryCatalog", "callnumber": "callNumber", "call-number": "callNumber",
    "chapter": "section", "version": "versionNumber", "origdate": "originalDate", "origlocation": "originalPlace",
    "origpublisher": "originalPublisher", "address": "place",
}
PROTECTED = {"title", "subtitle", "titleaddon", "booktitle", "shorttitle", "series", "eventtitle"}
# Sentence-cased on request (Better BibTeX's choice): titles and series; journal and event names are names.
SENTENCE_CASED = {"title", "subtitle", "titleaddon", "booktitle", "shorttitle", "series"}
EXTRA_FIELDS = {"lccn": "LCCN", "mrnumber": "MR", "zmnumber": "Zbl"}
CREATOR_FIELDS = {"author": "author", "editor": "editor", "translator": "translator", "bookauthor": "bookAuthor",
                  "collaborator": "contributor", "editora": "editor", "editorb": "editor", "commentator": "commenter",
                  "director": "director", "scriptwriter": "scriptwriter", "writer": "scriptwriter",
                  "producer": "producer", "holder": "contributor"}
EDITOR_TYPES = {"director": "director", "collaborator": "contributor", "compiler": "editor",
                "redactor": "editor", "organizer": "contributor", "producer": "producer", "writer": "scriptwriter"}
EPRINT_LABELS = {"arxiv": "arXiv", "pubmed": "PMID", "jstor": "JSTOR", "hdl": "HDL", "googlebooks": "GoogleBooksID"}
# Consumed by the mapping below (not kept as tex.* lines), or bookkeeping with no place in Zotero.
CONSUMED = {"title", "subtitle", "titleaddon", "journal", "journaltitle", "fjournal", "shortjournal", "number",
            "issue", "publisher", "school", "institution", "organization", "location", "pages", "date", "year",
            "month", "day", "urldate", "lastchecked", "keywords", "keyword", "howpublished", "note", "annote",
            "annotation", "comment", "eprint", "eprinttype", "archiveprefix", "primaryclass", "eprintclass",
            "crossref", "file", "pdf", "groups", "entrysubtype", "editortype", "origtitle"}
NOTE_FIELDS = ("note", "annote", "annotation", "comment")
ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s{}()]+)[ \t]*,", re.M)
AND = re.compile(r"\s+and\s+", re.I)
IDENTIFIER_NOTE = re.compile(r"^\s*(LCCN|MR|Zbl|PMCID|PMID|DOI|arXiv):")
VERBATIM = {"url", "doi", "isbn", "issn", "eprint", "pmid", "pmcid", "lccn", "mrnumber", "zmnumber", "urldate",
            "lastchecked", "callnumber", "call-number"}
TAG_FIELDS = ("keywords", "keyword", "tags", "mesh")  # mesh: MeSH headings (PubMed exports)
BIBDESK_URL = re.compile(r"^bdsk-url-\d+$")  # BibDesk's links; bdsk-file-N are aliases of attached files
BIBDESK_FILE = re.compile(r"^bdsk-file-\d+$")
ORDINAL_EDITION = re.compile(r"^(\d+)\s*(?:st|nd|rd|th)$", re.I)
# biblatex patent types (its localisation keys: patentus = "U.S. patent") -> the office's number prefix.
PATENT_OFFICES = {"au": "AU", "ch": "CH", "de": "DE", "dk": "DK", "eu": "EP", "fr": "FR", "uk": "GB", "us": "US"}
PATENT_TYPE = re.compile(r"^pat(?:ent|req)([a-z]{2})$")
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?$")


class BibtexParser:
    name = "bibtex"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:100_000]
        entries = len(ENTRY_START.findall(head))
        if entries:
            return 0.95 if suffix(filename) in {"bib", "bibtex", "biblatex"} or entries > 1 else 0.86
        return 0.3 if suffix(filename) in {"bib", "bibtex"} else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        entries, problems = read_entries(text)
        for problem in problems:  # read anyway (a macro kept as its name, a duplicate key): a warning
            if problem.fatal:
                doc.report(doc.error(problem.message, problem.line))
            else:
                doc.warn(problem.message, problem.line)
        out: list[Parsed] = []
        occurrences: dict[str, int] = {}
        for place, entry in enumerate(entries, 1):
            seen = occurrences[entry.key] = occurrences.get(entry.key, 0) + 1
            try:
                out.append(_to_parsed(entry, doc, seen, place))
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                doc.report(doc.error(f"entry {entry.key!r}: {exc}", entry.line))
        if not out:
            raise ParseError("no readable BibTeX entries" if doc.problems else "no BibTeX entries found",
                             doc.origin)
        return out


def read_entries(text: str) -> tuple[list[bibscan.Entry], list[bibscan.Problem]]:
    """Every readable entry of ``text`` (crossref resolved) and what could not be read, by line."""
    macros: dict[str, str] = {}
    entries: list[bibscan.Entry] = []
    problems: list[bibscan.Problem] = []
    for chunk in bibscan.split(text):
        if chunk.kind == "string":
            problems += bibscan.read_string(chunk, macros)
            continue
        if chunk.kind in bibscan.SPECIAL:
            continue
        entry = bibscan.read(chunk, macros)
        label = f"entry {entry.key!r}" if entry.key else f"@{entry.kind} entry"
        fatal = any(p.fatal for p in entry.problems)
        problems += [_located(label, entry.line, p) for p in entry.problems]
        if not fatal:
            entries.append(entry)
    problems += _duplicates(entries)
    _resolve_crossrefs(entries)
    return entries, problems


def _located(label: str, entry_line: int, problem: bibscan.Problem) -> bibscan.Problem:
    """A problem as reported: an entry that is not imported is reported at its first line."""
    if not problem.fatal:
        return bibscan.Problem(f"{label}: {problem.message}", problem.line, fatal=False)
    where = f" (line {problem.line})" if problem.line != entry_line else ""
    return bibscan.Problem(f"{label} could not be parsed: {problem.message}{where}; entry not imported", entry_line)


def _duplicates(entries: list[bibscan.Entry]) -> list[bibscan.Problem]:
    lines: dict[str, list[int]] = {}
    for entry in entries:
        if entry.key:
            lines.setdefault(entry.key, []).append(entry.line)
    out: list[bibscan.Problem] = []
    for key, found in lines.items():
        if len(found) > 1:
            where = ", ".join(str(line) for line in found)
            out += [bibscan.Problem(f"citation key {key!r} is used {len(found)} times (lines {where}); "
                                    "every entry is kept", line, fatal=False) for line in found]
    return out


def _resolve_crossrefs(entries: list[bibscan.Entry]) -> None:
    """A child inherits what it lacks from its ``crossref`` parent, as BibTeX does, and the parent's title
    as its booktitle (biblatex). A parent's own parent is resolved first; cycles are cut."""
    by_key = {e.key.lower(): e for e in entries if e.key}
    done: set[int] = set()

    def resolve(entry: bibscan.Entry, path: frozenset[int]) -> None:
        if id(entry) in done or id(entry) in path:
            return
        parent = by_key.get(entry.fields.get("crossref", "").strip().lower())
        if parent is not None and parent is not entry:
            resolve(parent, path | {id(entry)})
            for name, value in parent.fields.items():
                if name not in entry.fields and name not in {"crossref", "ids", "entryset", "shorttitle"}:
                    entry.fields[name] = value
            if "booktitle" not in entry.fields and "title" in parent.fields:
                entry.fields["booktitle"] = parent.fields["title"]
        done.add(id(entry))

    for entry in entries:
        if "crossref" in entry.fields:
            resolve(entry, frozenset())


def _to_parsed(entry: bibscan.Entry, doc: Document, occurrence: int, place: int) -> Parsed:
    item, notes = entry_to_item(entry.kind, entry.fields, entry.key, doc.options.sentence_case)
    local = (entry.key if occurrence == 1 else f"{entry.key}~{occurrence}") if entry.key else ""
    return Parsed(source=common.identity("bibtex", item, doc, local=local, place=place), item=item,
                  origin=f"{doc.origin}:{entry.line}", notes=notes)


def entry_to_item(entry_type: str, fields: dict[str, str], key: str = "",
                  sentence_cased: bool = False) -> tuple[dict[str, Any], list[str]]:
    """A Zotero item (before schema fit) and its child notes from one entry's raw fields.

    ``sentence_cased``: titles of English entries (and of entries without a language) in sentence case."""
    entry_type = entry_type.lower()
    item_type = _item_type(entry_type, fields)
    item: dict[str, Any] = {"itemType": item_type, "creators": [], "tags": []}
    extra: list[str] = []
    cased = sentence_cased and is_english(_text(fields.get("langid") or fields.get("language") or ""))
    item["title"] = _title(fields, cased)
    _creators(item, fields, item_type, extra)
    for name, target in SIMPLE_FIELDS.items():
        if target and fields.get(name):
            item.setdefault(target, _field(fields, name, cased))
    _journal(item, fields)
    _container(item, item_type)
    _number(item, fields, item_type)
    _publisher(item, fields)
    _location(item, fields, item_type)
    _pages(item, fields, item_type)
    item["date"] = _date(fields)
    _access_date(item, fields, extra)
    if entry_type in THESIS_TYPES and not item.get("type"):
        item["type"] = THESIS_TYPES[entry_type]
    item["tags"] = common.tags([tag for name in TAG_FIELDS if fields.get(name)
                                for tag in re.split(r"\s*[,;]\s*", _text(fields[name]))])
    taken = _bibdesk_url(item, fields)
    _edition(item)
    _patent(item, fields, item_type)
    _howpublished(item, fields, extra)
    _identifier_fields(fields, extra)
    if fields.get("origtitle"):
        extra.append(f"Original title: {_text(fields['origtitle'])}")
    if item_type == "document" and entry_type not in TYPES:
        extra.append(f"tex.entrytype: {entry_type}")
    extra += _tex_lines(fields, taken)
    if key:
        item["citationKey"] = key
    if extra:
        item["extra"] = "\n".join(extra)
    notes = [latex.to_text(fields[n]) for n in NOTE_FIELDS
             if fields.get(n, "").strip() and not (n == "note" and _only_identifiers(fields[n]))]
    return {k: v for k, v in item.items() if v not in ("", None)}, notes


def _item_type(entry_type: str, fields: dict[str, str]) -> str:
    subtype = fields.get("entrysubtype", "").strip().lower()
    item_type = SUBTYPES.get((entry_type, subtype)) or TYPES.get(entry_type, "document")
    if entry_type == "book" and fields.get("booktitle") and fields.get("title") and \
            _text(fields["booktitle"]).lower() != _text(fields["title"]).lower():
        return "bookSection"  # Better BibTeX: a "book" inside another book is a chapter
    return item_type


def _tex_lines(fields: dict[str, str], taken: str = "") -> list[str]:
    """Better BibTeX's convention for fields with no Zotero place: ``tex.field: value`` (``taken``: a field
    read into one)."""
    known = CONSUMED | SIMPLE_FIELDS.keys() | CREATOR_FIELDS.keys() | EXTRA_FIELDS.keys() | set(TAG_FIELDS)
    return [f"tex.{name}: {_field(fields, name)}" for name in fields
            if name not in known and name != taken and fields[name].strip()
            and not (name.startswith("bdsk-file-") and BIBDESK_FILE.match(name))]


def _text(value: str) -> str:
    return latex.to_text(value)


def _field(fields: dict[str, str], name: str, cased: bool = False) -> str:
    value = fields.get(name, "")
    if name in VERBATIM:
        return latex.verbatim(value)
    if cased and name in SENTENCE_CASED:
        marked = latex.to_text(value, protect=True, marks=True)
        if title_cased(marked):
            return sentence_case(marked)
    return latex.to_text(value, protect=name in PROTECTED)


def _title(fields: dict[str, str], cased: bool = False) -> str:
    title = _field(fields, "title", cased)
    subtitle = _field(fields, "subtitle", cased)
    if subtitle:
        title = f"{title}{'' if title.endswith(('?', '!', ':', '.')) else ':'} {subtitle}"
    addon = _field(fields, "titleaddon", cased)
    if addon:
        title = f"{title}{'' if title.endswith(('?', '!', '.')) else '.'} {addon}"
    return title


def _creators(item: dict[str, Any], fields: dict[str, str], item_type: str, extra: list[str]) -> None:
    primary = schema.primary_creator_type(item_type) if schema.is_valid_type(item_type) else "author"
    film = item_type in {"film", "videoRecording", "tvBroadcast"}
    for name, role in CREATOR_FIELDS.items():
        value = fields.get(name)
        if not value:
            continue
        if name == "author":
            role = primary
        elif name == "editor":
            editortype = fields.get("editortype", "").strip().lower()
            role = EDITOR_TYPES.get(editortype, "scriptwriter" if film and item_type == "film" else "editor")
        elif name == "holder" and item_type == "patent":
            item["assignee"] = "; ".join(c.get("name") or f"{c['firstName']} {c['lastName']}".strip()
                                         for c in parse_names(value, "contributor"))
            continue
        found = parse_names(value, role)
        item["creators"] += found
        if _has_others(value):
            extra.append(f"tex.{name}: {_text(value)}")  # "and others": the list is longer than given


def _has_others(value: str) -> bool:
    return any(part.strip().lower() == "others" for part in _split_and(value))


def parse_names(value: str, role: str) -> list[dict[str, str]]:
    """BibTeX name list: ``and``-separated, braces protect corporate names and ``and``; ``others`` is not a name."""
    out: list[dict[str, str]] = []
    for raw in _split_and(value):
        stripped = raw.strip()
        if not stripped or stripped.lower() == "others":
            continue
        if stripped.startswith("{") and stripped.endswith("}") and _balanced_outer(stripped):
            out.append(names.corporate(_text(stripped[1:-1]), role))
            continue
        if "," in _unbraced(stripped):
            parts = [p.strip() for p in _split_unbraced(stripped, ",")]
            last = _text(parts[0])
            first = _text(parts[-1]) if len(parts) > 1 else ""
            if len(parts) == 3:
                first = f"{first}, {_text(parts[1])}"
            out.append(names.person(f"{last}, {first}", role) if first else names.corporate(last, role))
        else:
            out.append(names.person(_text(stripped), role))
    return [c for c in out if c.get("name") or c.get("lastName")]  # a stray "{" decodes to no one at all


def _split_and(value: str) -> list[str]:
    return _split_unbraced(value, " and ", AND)


def _split_unbraced(value: str, sep: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    """Split on ``sep`` where it is not inside braces."""
    masked = _unbraced(value) if "{" in value else value
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
    short = fields.get("shortjournal") or (fields.get("journal") if full else "")
    if full:
        item["publicationTitle"] = _text(full)
    elif fields.get("journal"):
        item["publicationTitle"] = _text(fields["journal"])
    if short and _text(short) != item.get("publicationTitle"):
        item["journalAbbreviation"] = _text(short)
    elif not short and _abbreviated(item.get("publicationTitle", "")):
        item["journalAbbreviation"] = item["publicationTitle"]  # the only name given is the abbreviation


def _abbreviated(journal: str) -> bool:
    """An abbreviated journal name (ISO 4 style, ``Phys. Rev. Lett.``): at least half of its words of two
    letters or more end in a period. ``St. Louis University Law Journal`` is not."""
    words = [w for w in journal.split() if sum(c.isalpha() for c in w) >= 2]
    return bool(words) and 2 * sum(w.endswith(".") for w in words) >= len(words)


def _container(item: dict[str, Any], item_type: str) -> None:
    """A booktitle on a type without a container (a @proceedings or @book) is its own title, not Extra."""
    if "publicationTitle" in item and schema.is_valid_type(item_type) and \
            schema.field_for_type(item_type, "publicationTitle") is None:
        container = item.pop("publicationTitle")
        item["title"] = item.get("title") or container


def _number(item: dict[str, Any], fields: dict[str, str], item_type: str) -> None:
    number = _text(fields.get("number", "")) or _text(fields.get("issue", ""))
    if not number:
        return
    target = {"report": "reportNumber", "book": "seriesNumber", "bookSection": "seriesNumber",
              "patent": "patentNumber"}.get(item_type, "issue")
    if target == "issue" and schema.is_valid_type(item_type) and not schema.has_field(item_type, "issue"):
        target = schema.field_for_type(item_type, "number") or "issue"
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


def _access_date(item: dict[str, Any], fields: dict[str, str], extra: list[str]) -> None:
    """``urldate``: a full date is the access date; a partial one (``2021-05``) is kept in Extra."""
    raw = _field(fields, "urldate") or _field(fields, "lastchecked")
    if not raw:
        return
    iso = dates.to_iso(raw)
    if FULL_DATE.match(iso):
        item["accessDate"] = iso
    else:
        extra.append(f"Accessed: {iso}")


def _month(value: str) -> int:
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else 0
    return dates.MONTHS.get(value, dates.MONTHS.get(value[:3], 0))


def _bibdesk_url(item: dict[str, Any], fields: dict[str, str]) -> str:
    """An entry without ``url`` gets BibDesk's first link, ``bdsk-url-1`` (the others stay ``tex.bdsk-url-N``
    lines); the name of the field read, or ""."""
    links = sorted((int(name.rsplit("-", 1)[1]), name) for name, value in fields.items()
                   if name.startswith("bdsk-url-") and BIBDESK_URL.match(name) and value.strip())
    if not links or item.get("url"):
        return ""
    name = links[0][1]
    item["url"] = latex.verbatim(fields[name].strip())
    return name


def _edition(item: dict[str, Any]) -> None:
    """``2nd`` is edition 2: Zotero's edition is a number, the citation style says "2nd ed."."""
    match = ORDINAL_EDITION.match(item.get("edition", ""))
    if match:
        item["edition"] = match.group(1)


def _patent(item: dict[str, Any], fields: dict[str, str], item_type: str) -> None:
    """biblatex ``type = patentus`` (or ``patreqeu``, an application): the office, written before the number
    as patent numbers are (``US5668842``); the type is consumed, not an Extra line."""
    office = PATENT_TYPE.match(item.get("type", "").strip().lower()) if item_type == "patent" else None
    if office is None or office.group(1) not in PATENT_OFFICES:
        return
    del item["type"]
    number = item.get("patentNumber", "")
    if number.isdigit():
        item["patentNumber"] = PATENT_OFFICES[office.group(1)] + number


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


def _identifier_fields(fields: dict[str, str], extra: list[str]) -> None:
    for name, label in EXTRA_FIELDS.items():
        value = _field(fields, name)
        if value:
            extra.append(f"{label}: {value}")
    eprint = _field(fields, "eprint")
    kind = _text(fields.get("eprinttype", "") or fields.get("archiveprefix", "")).lower()
    if eprint:
        label = EPRINT_LABELS.get(kind, "arXiv" if not kind else "")
        if label == "arXiv":
            eprint = re.sub(r"^arxiv:\s*", "", eprint, flags=re.I)
        extra.append(f"{label}: {eprint}" if label else f"tex.eprint: {eprint}")
        if not label:
            extra.append(f"tex.eprinttype: {kind}")
    for line in fields.get("note", "").splitlines():
        if IDENTIFIER_NOTE.match(_text(line)):  # read as text: "{PMID:} 23439512" is an identifier line too
            extra.append(_text(line))


def _only_identifiers(note: str) -> bool:
    return all(IDENTIFIER_NOTE.match(_text(line)) for line in note.splitlines() if line.strip())
