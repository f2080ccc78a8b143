"""Parse the citation line of a repository page into fields.

Three shapes are common on IRIS / DSpace-CRIS pages:

* ISBD: ``Title / Authors (Series). - In: Book / [a cura di] Editors. - Edition.
  - Place : Publisher, 2016. - ISBN ... - pp. 77-95 [DOI]``
* APA-like: ``Surname, I. (2019). Title. JOURNAL, 539 ss.``
* Journal line: ``JOURNAL 34:6(2023), pp. 1-26``

Classic DSpace (JSPUI) pages compose the citation from bracketed labels instead:
``[Journal:] Nature [ISSN:] 0028-0836 [Volume:] 577 [Issue:] 7789 [Pages:] 1-5``; the labels
are looked up in the interfaces' lexicon, so any interface language reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zotsync import ids, names
from zotsync.text import repair_caps, squash

ISBD_SEP = re.compile(r"\.\s+[-–]\s+")
SINE_LOCO = re.compile(r"^\[?\s*s\.\s*l\.?\s*\]?$|^\[?\s*s\.\s*n\.?\s*\]?$", re.I)
EDITOR_MARK = re.compile(r"\[?\s*(?:a cura di|edited by|eds?\.|hrsg\.? v\.|ed\. by|curatori?)\s*\]?", re.I)
EDITION_WORDS = {"prima": "1", "seconda": "2", "terza": "3", "quarta": "4", "quinta": "5",
                 "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"}
PAGES_RE = re.compile(r"\b(?:pp?\.|pages?|pagine|pag\.)\s*([0-9ivxlcdmIVXLCDM]+(?:\s*[-–—]\s*[0-9ivxlcdmIVXLCDM]+)?)")
VOL_ISSUE_RE = re.compile(r"(?:^|\s)(\d{1,4})\s*:\s*(\d{1,4}(?:[-/]\d{1,4})?)?\s*\((\d{4})\)")
VOL_RE = re.compile(r"\b(?:vol\.?|volume|v\.)\s*(\d+)", re.I)
ISSUE_RE = re.compile(r"\b(?:n\.|no\.|num\.|fasc\.|issue)\s*(\d+(?:[-/]\d+)?)", re.I)
YEAR_RE = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
APA_RE = re.compile(r"^(?P<authors>.+?)\s*\((?P<year>\d{4})[a-z]?\)\.?\s+(?P<title>.+?)[.?!]\s+(?P<rest>.+)$")
JOURNAL_LINE_RE = re.compile(
    r"^(?P<journal>\D.+?)\s+(?P<volume>\d{1,4})\s*:\s*(?P<issue>\d{1,4}(?:[-/]\d{1,4})?)?\s*"
    r"\((?P<year>\d{4})\)(?:,\s*(?P<rest>.*))?$")


@dataclass
class Citation:
    fields: dict[str, str] = field(default_factory=dict)
    authors: list[dict[str, str]] = field(default_factory=list)
    editors: list[dict[str, str]] = field(default_factory=list)
    container_kind: str = ""  # "book", "journal", "proceedings" or ""

    def guess_type(self) -> str:
        if self.container_kind == "proceedings":
            return "conferencePaper"
        if self.container_kind == "journal":
            return "journalArticle"
        if self.container_kind == "book" or self.editors:
            return "bookSection"
        if self.fields.get("ISBN"):
            return "book"
        return ""


BRACKETED = re.compile(r"\[\s*([^\[\]:]{2,40}?)\s*:\s*\]\s*([^\[]*)")
BRACKET_FIELDS = {"container": "publicationTitle", "book": "publicationTitle", "issn": "ISSN", "isbn": "ISBN",
                  "volume": "volume", "issue": "issue", "pages": "pages", "date": "date", "publisher": "publisher",
                  "place": "place", "doi": "DOI", "conference": "conferenceName", "series": "series"}

# Words of bracketed citations that are no field label of their own in the lexicon.
BRACKET_WORDS = {"pages": "pages", "páginas": "pages", "pagine": "pages", "seiten": "pages", "pp": "pages",
                 "year": "date", "año": "date", "anno": "date", "jahr": "date", "number": "issue", "número": "issue"}


def parse_bracketed(line: str) -> Citation | None:
    """A ``[Label:] value`` citation (classic DSpace), or None when the line is not one.

    >>> parse_bracketed("[Journal:] Marine Policy [ISSN:] 0308-597X [Volume:] 44 [Issue:] [Pages:] 112-120").fields
    {'publicationTitle': 'Marine Policy', 'ISSN': '0308-597X', 'volume': '44', 'pages': '112-120'}
    """
    from zotsync.sources import labels  # the lexicon names the labels in every language

    pairs = BRACKETED.findall(line)
    if len(pairs) < 2:
        return None
    cit = Citation()
    for label, value in pairs:
        key = labels.norm(label)
        name = BRACKET_FIELDS.get(BRACKET_WORDS.get(key) or labels.any_field(key) or labels.field_of(key, "vufind"), "")
        value = squash(value).strip(" ,;.")
        if name and value:
            cit.fields.setdefault(name, re.sub(r"\s*[-–—]\s*", "-", value) if name == "pages" else value)
    if "ISSN" in cit.fields or "volume" in cit.fields:
        cit.container_kind = "journal"
    elif "ISBN" in cit.fields and "publicationTitle" in cit.fields:
        cit.container_kind = "book"
    return cit


def looks_like_citation(line: str) -> bool:
    if len(line) < 30 and len(BRACKETED.findall(line)) < 2:
        return False
    if len(BRACKETED.findall(line)) >= 2:
        return True
    if " / " in line and ISBD_SEP.search(line):
        return True
    apa = APA_RE.match(line)
    if apa and _apa_authors(apa.group("authors")) and re.search(r"\(\d{4}\)", line):
        return True
    return bool(JOURNAL_LINE_RE.match(line))


def parse_citation(line: str) -> Citation:
    line = squash(line)
    bracketed = parse_bracketed(line)
    if bracketed:
        return bracketed
    if " / " in line and ISBD_SEP.search(line):
        return _parse_isbd(line)
    match = APA_RE.match(line)
    if match and _apa_authors(match.group("authors")):
        return _parse_apa(match)
    match = JOURNAL_LINE_RE.match(line)
    if match:
        cit = Citation(container_kind="journal")
        _journal_line(cit, match)
        return cit
    return Citation()


APA_AUTHORS = re.compile(r"^(?:[A-ZÀ-Ý][\w'’\-]*(?:\s+[\w'’\-]+){0,3},\s*(?:[A-ZÀ-Ý]\.\s*-?\s*)+(?:,|;|&|and|e|y|\s)*)+$")


def _apa_authors(text: str) -> bool:
    """``Surname, I.`` names only (``Galli, F.``, ``Rossi, M. & Verdi, A. B.``), never a sentence of an abstract."""
    return len(text) <= 300 and bool(APA_AUTHORS.match(text.strip()))


def _take_doi(text: str, cit: Citation) -> str:
    bracket = re.search(r"\[\s*(10\.\d{4,9}/[^\]\s]+)\s*\]", text)
    doi = ids.find_doi(bracket.group(1) if bracket else text)
    if doi:
        cit.fields.setdefault("DOI", doi)
        text = text.replace(bracket.group(0) if bracket else doi, " ")
    return squash(text)


def _parse_isbd(line: str) -> Citation:
    cit = Citation()
    line = _take_doi(line, cit)
    segments = [s.strip() for s in ISBD_SEP.split(line) if s.strip()]
    head = segments.pop(0)
    title, _, responsibility = head.partition(" / ")
    cit.fields["title"] = _title(title)
    series = re.search(r"\(([^()]+)\)\s*$", responsibility)
    if series:
        cit.fields["series"] = repair_caps(series.group(1).strip())
        responsibility = responsibility[: series.start()]
    cit.authors = _people(responsibility, "author")
    for segment in segments:
        _isbd_segment(cit, segment)
    return cit


def _isbd_segment(cit: Citation, segment: str) -> None:
    lowered = segment.lower()
    if lowered.startswith(("in:", "in ")):
        _container(cit, segment[3:].strip())
    elif re.search(r"\bisbn\b", lowered):
        isbns = ids.clean_isbns(segment)
        if isbns:
            cit.fields["ISBN"] = isbns
    elif re.search(r"\bissn\b", lowered):
        issn = ids.clean_issn(segment)
        if issn:
            cit.fields["ISSN"] = issn
            cit.container_kind = cit.container_kind or "journal"
    elif re.search(r"\b(edizione|edition|ed\.|auflage)\b", lowered):
        cit.fields["edition"] = _edition(segment)
    elif PAGES_RE.search(segment) or VOL_ISSUE_RE.search(segment):
        _numbers(cit, segment)
    elif " : " in segment or re.search(r",\s*\d{4}\s*$", segment):
        _imprint(cit, segment)


def _container(cit: Citation, text: str) -> None:
    container, _, editors = text.partition(" / ")
    if EDITOR_MARK.search(editors):
        cit.editors = _people(EDITOR_MARK.sub(" ", editors), "editor")
    match = VOL_ISSUE_RE.search(container)
    if match:
        _numbers(cit, container[match.start():])
        container = container[: match.start()]
        cit.container_kind = "journal"
    name = _title(container)
    cit.fields["publicationTitle"] = name
    low = name.lower()
    if re.search(r"\b(atti|proceedings|conference|convegno|congress|symposium|workshop)\b", low):
        cit.container_kind = "proceedings"
    elif not cit.container_kind:
        cit.container_kind = "book" if cit.editors or " : " in container else "journal"


def _imprint(cit: Citation, segment: str) -> None:
    year = YEAR_RE.search(segment)
    if year:
        cit.fields.setdefault("date", year.group(1))
        segment = segment[: year.start()].rstrip(" ,")
    place, sep, publisher = segment.partition(":")
    if not sep:
        place, publisher = "", segment
    place = place.strip(" []")
    if place and not SINE_LOCO.match(f"[{place}]") and not SINE_LOCO.match(place):
        cit.fields["place"] = place
    publisher = publisher.strip(" ,[]")
    if publisher and not SINE_LOCO.match(publisher):
        cit.fields["publisher"] = publisher


def _numbers(cit: Citation, segment: str) -> None:
    match = VOL_ISSUE_RE.search(segment)
    if match:
        cit.fields["volume"] = match.group(1)
        if match.group(2):
            cit.fields["issue"] = match.group(2)
        cit.fields.setdefault("date", match.group(3))
    else:
        vol = VOL_RE.search(segment)
        if vol:
            cit.fields["volume"] = vol.group(1)
        issue = ISSUE_RE.search(segment)
        if issue:
            cit.fields["issue"] = issue.group(1)
    pages = PAGES_RE.search(segment)
    if pages:
        cit.fields["pages"] = re.sub(r"\s*[-–—]\s*", "-", pages.group(1))


def _parse_apa(match: re.Match[str]) -> Citation:
    cit = Citation()
    cit.authors = _people(match.group("authors"), "author", inverted=True)
    cit.fields["date"] = match.group("year")
    cit.fields["title"] = _title(match.group("title"))
    rest = _take_doi(match.group("rest"), cit).rstrip(". ")
    parts = [p.strip() for p in rest.split(",")]
    container = parts[0]
    if container:
        cit.fields["publicationTitle"] = repair_caps(container)
        cit.container_kind = "journal"
    for part in parts[1:]:
        numbers = re.match(r"^(\d+)\s*(?:\((\d+)\))?$", part)
        pages = re.match(r"^(?:pp?\.\s*)?(\d+(?:\s*[-–]\s*\d+)?)(?:\s*ss\.?)?$", part)
        if numbers and "volume" not in cit.fields and not part.endswith("ss"):
            cit.fields["volume"] = numbers.group(1)
            if numbers.group(2):
                cit.fields["issue"] = numbers.group(2)
        elif pages:
            cit.fields["pages"] = re.sub(r"\s*[-–]\s*", "-", pages.group(1))
    if len(parts) == 1:
        tail = re.search(r"\s(\d+)\s*ss\.?$", container)
        if tail:
            cit.fields["publicationTitle"] = repair_caps(container[: tail.start()].strip(" ,"))
            cit.fields["pages"] = tail.group(1)
    return cit


def _journal_line(cit: Citation, match: re.Match[str]) -> None:
    cit.fields["publicationTitle"] = repair_caps(match.group("journal").strip(" ,"))
    cit.fields["volume"] = match.group("volume")
    if match.group("issue"):
        cit.fields["issue"] = match.group("issue")
    cit.fields["date"] = match.group("year")
    rest = match.group("rest") or ""
    pages = PAGES_RE.search(rest)
    if pages:
        cit.fields["pages"] = re.sub(r"\s*[-–—]\s*", "-", pages.group(1))


def _title(text: str) -> str:
    text = squash(text).strip(" .")
    text = re.sub(r"\s+:\s+", ": ", text)
    return repair_caps(text)


def _people(text: str, role: str, inverted: bool = False) -> list[dict[str, Any]]:
    text = squash(text).strip(" .;")
    if not text:
        return []
    if inverted or re.search(r"[A-Za-z]+,\s*(?:[A-Z]\.\s*)+(?:,|&|$)", text):
        parts = re.split(r"(?<=\.)\s*,\s*|\s*&\s*|\s*;\s*", text)
        return [names.person(p, role) for p in parts if p.strip(" ,.")]
    parts = re.split(r"\s*[,;]\s*|\s+(?:and|e|&)\s+", text)
    return [names.person(p, role) for p in parts if p.strip()]


def _edition(segment: str) -> str:
    """'Prima edizione' -> '1', '2nd ed.' -> '2' (Zotero wants a plain numeral)."""
    text = segment.lower()
    digits = re.search(r"\b(\d+)", text)
    if digits:
        return digits.group(1)
    for word, number in EDITION_WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return number
    return squash(segment)
