"""One label-driven record reader for the text of VuFind and DSpace / DSpace-CRIS / IRIS pages.

A record page prints each field behind the label its interface uses for it, in the
interface's language (``labels.py``). The reader finds those labels in every layout such
pages take once saved as text, and returns the values per field, in page order:

* ``Label: value`` and ``Label:value`` on one line (also with a full-width colon);
* a table row, cells split by ``|`` or tabs (``Main Authors | Rossi, Paolo``), including
  DSpace ``dc.*`` full-record rows whose last cell is the value's language (``en``, ``-``, ``*``);
* a label glued to its value (``LanguageEnglish``, ``Published inJournal of ...``);
* a label alone on its line with its values on the lines below (DSpace 7, DSpace-CRIS, XMLUI);
  a label with nothing below runs straight into the next label and gives nothing;
* untranslated ``???key???`` and ``item.page.*`` markers, mapped through the interfaces' keys.

Lines that are interface strings (tab names, buttons, notices) are dropped; the other
unlabelled lines are kept in order for the parsers that read page shapes. The reader knows
no source: what a family calls a field is all in the lexicon, plus the ``extra`` labels a
parser passes for wording the lexicon lacks (IRIS's own labels are not public).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from zotsync.sources import labels
from zotsync.text import squash

LIST_FIELDS = frozenset({"authors", "contributors", "editors", "advisor", "corporate", "keywords", "url", "isbn",
                         "issn", "genre", "published"})
VOCABULARY_FIELDS = frozenset({"type", "format", "language", "genre"})
IGNORED = frozenset({"other", "noise", "section", "table", "stop", "unknown"})  # labels whose values are not kept
MARKER = re.compile(r"\?\?\?([\w.\-\[\]]+)\?\?\?|^((?:item\.page|item\.preview|metadata|itemlist)\.[\w.\-]+)")
DC_ROW = re.compile(r"^(dc(?:terms)?\.[a-zA-Z]+(?:\.[a-zA-Z]+)*)(?:\s*[|\t]\s*|\s{2,}|\s+(?=\S))(.*)$")
VALUE_LANGUAGE = re.compile(r"^(?:[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?|\*|-|none|null)$")
UNKNOWN_LABEL = re.compile(r"^[^\W\d_][^:：\d]{1,39}[^\s:：][:：]$")
LABEL_COLON = re.compile(r"^([^:：|\t]{2,60}?)\s*[:：]\s*(.*)$")
CAMEL = re.compile(r"(?<=[a-zà-ÿ)])(?=[A-ZÀ-Ý])")
# DSpace ``dc.*`` qualified names that are not spelled out as labels anywhere.
DC_FIELDS = {
    "dc.title": "title", "dc.title.alternative": "other", "dc.contributor.author": "authors", "dc.creator": "authors",
    "dc.contributor.editor": "editors", "dc.contributor.advisor": "advisor", "dc.contributor": "contributors",
    "dc.date.issued": "date", "dc.description.abstract": "abstract", "dc.subject": "keywords",
    "dc.subject.keywords": "keywords", "dc.subject.other": "keywords", "dc.type": "type",
    "dc.relation.ispartof": "container", "dc.relation.ispartofjournal": "container",
    "dc.relation.ispartofbook": "book", "dc.relation.ispartofseries": "series", "dc.publisher": "publisher",
    "dc.publisher.place": "place", "dc.identifier.isbn": "isbn", "dc.identifier.issn": "issn",
    "dc.relation.issn": "issn", "dc.identifier.doi": "doi", "dc.identifier.uri": "url",
    "dc.identifier.citation": "citation", "dc.language.iso": "language", "dc.language": "language",
    "dc.relation.firstpage": "first_page", "dc.relation.lastpage": "last_page", "dc.citation.spage": "first_page",
    "dc.citation.epage": "last_page", "dc.relation.volume": "volume", "dc.citation.volume": "volume",
    "dc.relation.issue": "issue", "dc.citation.issue": "issue", "dc.identifier.pmid": "pmid",
    "dc.format.pagerange": "pages", "dc.relation.conferencename": "conference", "dc.description.degree": "thesis_type",
    "dc.subject.miur": "settore",
}
# The last part of an untranslated key, when the lexicon has no key for it (``item.page.pageinfo``).
KEY_WORDS = {"title": "title", "pageinfo": "pages", "pages": "pages", "issn": "issn", "isbn": "isbn",
             "volume": "volume", "issue": "issue", "date": "date", "dateissued": "date", "authors": "authors",
             "author": "authors", "editors": "editors", "editor": "editors", "publisher": "publisher",
             "journal": "container", "abstract": "abstract", "keywords": "keywords", "subject": "keywords",
             "doi": "doi", "uri": "url", "type": "type", "language": "language", "citation": "citation"}


@dataclass
class Record:
    """What the reader found: values per field in page order, and the unlabelled lines."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    language: str = ""
    labels: int = 0  # how many labels the page printed
    head: int = -1  # how many unlabelled lines came before the first label (the heading of a record page)

    def first(self, name: str) -> str:
        return (self.fields.get(name) or [""])[0]

    def add(self, name: str, value: str) -> None:
        value = squash(value)
        if value and name not in IGNORED:
            self.fields.setdefault(name, []).append(value)


@dataclass
class _Pending:
    name: str = ""
    taken: int = 0
    head: int = -1  # the record's heading ends where this label was printed


class Reader:
    """Reads one family's pages; ``extra`` maps further normalised labels to fields."""

    def __init__(self, family: str, extra: dict[str, str] | None = None,
                 continues: Callable[[str, str], bool] | None = None) -> None:
        self.family = family
        self.extra = {labels.norm(k): v for k, v in (extra or {}).items()}
        self.continues = continues or default_continues

    def field(self, label: str, lang: str = "") -> str:
        key = labels.norm(label)
        if not key or len(key) > 60:
            return ""
        found = labels.field_of(key, self.family, lang)
        if found and found not in labels.UNNAMED:  # the interface's own word wins over a parser's extra
            return found
        return self.extra.get(key) or found

    def read(self, text: str) -> Record:
        lines = [squash(line) for line in text.replace("\r", "\n").splitlines()]
        lines = [line for line in lines if line]
        record = Record(language=labels.best_language([_label_part(line) for line in lines[:400]], self.family))
        pending = _Pending()
        for line in lines:
            if self.field(line, record.language) == "stop":  # other records follow ("Similar Items")
                break
            pending = self._line(record, line, pending)
        if record.head < 0:
            record.head = len(record.lines)
        return record

    def _line(self, record: Record, line: str, pending: _Pending) -> _Pending:
        marker = MARKER.search(line)
        if marker:
            return self._marker(record, line, marker, pending)
        if DC_ROW.match(line):
            self._dc_row(record, line)
            return _Pending()
        found = self._labelled(line, record.language)
        if found is not None and found[0] in labels.UNNAMED and pending.name in VOCABULARY_FIELDS and not pending.taken:
            found = None  # "Type" / "Article": a type word that the interface also prints as a badge
        if found is not None:
            name, values, row = found
            record.labels += 1
            if record.head < 0 and (values and name not in IGNORED or name == "noise" and line.rstrip().endswith((":", "："))):
                record.head = len(record.lines)
            if name in {"noise", "section", "stop"}:
                return _Pending()
            for value in values:
                record.add(name, value)
            if values and name in LIST_FIELDS:  # a multi-line cell: more values may follow, one a line
                return _Pending(name, 1)
            return _Pending() if values or row else _Pending(name, 0, len(record.lines))
        waiting = bool(pending.name) and pending.taken == 0  # "Veröffentlicht:" / "Salzburg:" is a value
        if UNKNOWN_LABEL.match(line) and not waiting and not self.field(line, record.language):
            return _Pending("unknown")  # a label of no known field: its value is not this reader's
        if pending.name and (value_fits(pending.name, line) if pending.taken == 0 else self.continues(pending.name, line)):
            if record.head < 0 and pending.name not in IGNORED:
                record.head = pending.head
            if pending.name == "abstract" and pending.taken:
                record.fields["abstract"][-1] += "\n\n" + line
            else:
                record.add(pending.name, line)
            return _Pending(pending.name, pending.taken + 1, pending.head)
        if not labels.interface_line(line, self.family, record.language):
            record.lines.append(line)
        return _Pending()

    def _labelled(self, line: str, lang: str) -> tuple[str, list[str], bool] | None:
        """(field, values, in a table row) when the line starts with a label, else None."""
        cells = [c.strip() for c in re.split(r"\s*\|\s*|\t+", line)] if re.search(r"\||\t", line) else []
        if cells and not cells[0] and len(cells) > 1:
            cells = cells[1:]
        if len(cells) > 1:
            name = self.field(cells[0], lang)
            if name:
                return name, [c for c in cells[1:] if c and not re.fullmatch(r"[\s,;.]+", c)], True
        bare = self.field(line, lang)
        if bare:
            return bare, [], False
        match = LABEL_COLON.match(line)
        if match:
            name = self.field(match.group(1), lang)
            if name:
                return name, [match.group(2)] if match.group(2).strip() else [], False
        for cut in CAMEL.finditer(line[:62]):
            name = self.field(line[: cut.start()], lang)
            if name and cut.start() >= 4:
                return name, [line[cut.start():]], False
        return None

    def _marker(self, record: Record, line: str, marker: re.Match[str], pending: _Pending) -> _Pending:
        key = marker.group(1) or marker.group(2)
        name = labels.key_field(key)
        if not name or name == "other":
            name = KEY_WORDS.get(key.rsplit(".", 1)[-1].lower(), name or "noise")
        rest = squash(line[: marker.start()] + " " + line[marker.end():]).strip(" :")
        record.labels += 1
        if name in {"noise", "section", "other"}:  # what follows an interface key is its own value (a count)
            return _Pending()
        if rest:
            record.add(name, rest)
            return _Pending()
        return _Pending(name)

    def _dc_row(self, record: Record, line: str) -> None:
        match = DC_ROW.match(line)
        assert match is not None
        qualified, value = match.group(1), match.group(2)
        cells = [c.strip() for c in re.split(r"\s*\|\s*|\t+|\s{2,}", value) if c.strip()]
        if len(cells) > 1 and VALUE_LANGUAGE.match(cells[-1]):
            cells = cells[:-1]
        text = " ".join(cells)
        if len(cells) == 1:
            parts = text.rsplit(" ", 1)
            if len(parts) == 2 and parts[1] in {"en", "it", "es", "de", "fr", "pt", "*", "-"} and _is_language_cell(parts):
                text = parts[0]
        record.labels += 1
        name = DC_FIELDS.get(qualified) or DC_FIELDS.get(qualified.rsplit(".", 1)[0] if qualified.count(".") > 2 else "")
        if name:
            record.add(name, text)


def _is_language_cell(parts: list[str]) -> bool:
    """``Rossi, Mario en``: the last word is the language column, not part of the value."""
    return not parts[0].endswith(("of", "de", "di", "the"))


def _label_part(line: str) -> str:
    match = LABEL_COLON.match(line)
    if match:
        return match.group(1)
    return re.split(r"\s*\|\s*|\t", line, maxsplit=1)[0]


def value_fits(name: str, line: str) -> bool:
    """Whether the first line below a bare label can be its value (a search form's option list cannot)."""
    if name in {"isbn", "issn", "volume", "issue", "pages", "first_page", "last_page", "date", "pmid"}:
        return bool(re.search(r"\d", line))
    if name == "doi":
        return "10." in line
    if name == "url":
        return bool(re.match(r"^(?:https?://|hdl:|doi:)", line))
    if name in {"authors", "contributors", "editors", "advisor"}:  # a person is "Last, First" or "F. Last"
        return ("," in line or " " in line.strip()) and default_continues(name, line)
    return name != "unknown"


def default_continues(name: str, line: str) -> bool:
    """Whether a further line below a label is another of its values (generic shapes only)."""
    if name in {"authors", "contributors", "editors", "advisor", "corporate"}:
        return len(line) <= 120 and not re.search(r"\d{3,}|[.!?]\s+\S.*[.!?]$", line)
    if name in {"keywords", "genre"}:
        return len(line) <= 120 and not re.search(r"[.!?]\s+\S", line)
    if name in {"url", "isbn", "issn"}:
        return bool(re.match(r"^(?:https?://|[\dXx\-\s()a-z]+$)", line))
    if name == "published":  # place, publisher and year printed as spans, one a line
        return len(line) <= 80 and not re.search(r"[.!?]\s+\S", line)
    return name == "abstract" and len(line) >= 120
