"""IRIS / DSpace / DSpace-CRIS item pages saved as plain text.

Labelled fields are read by the shared record reader (``reader.py``) through the DSpace
family's own labels in any interface language (JSPUI/XMLUI ``Label: value`` rows, DSpace 7
and DSpace-CRIS labels alone on their lines, ``dc.*`` full-record rows, ``???key???`` and
``item.page.*`` markers), plus IRIS's own wording, which Cineca does not publish. The
unlabelled IRIS layouts (full, compact, citation-first, title-only and cut-off pages) are read
by the shape of each line: a citation (ISBD, APA-like, bracketed), an author list, a date, a
type label, a keyword list, a long abstract; the title is the line above the author list.
IRIS's own noise (file rows, copyright notices, citation counts) is dropped first; a page
saved only up to its first ~2000 characters loses its cut last line. Nothing is invented: a
field the page does not give stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zotsync import ids, names
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common, labels
from zotsync.sources.base import Document
from zotsync.sources.citation import Citation, looks_like_citation, parse_citation
from zotsync.sources.reader import Reader, default_continues
from zotsync.sources.repository_types import looks_like_type_label, type_from_label
from zotsync.text import normalise_title, repair_caps, squash

NOTICES = re.compile(
    r"(I documenti in IRIS sono protetti da copyright[^.]*\.|Items in (?:IRIS|DSpace) are protected by copyright[^.]*\.|"
    r"Gli elementi in IRIS sono protetti[^.]*\.)", re.I)
NOISE_LINE = re.compile(
    r"^(?:•\s*)?(?:iris$|institutional research information system|file in questo prodotto|"
    r"files? in this (?:item|product)|file dimensione formato|"
    r"accesso (?:aperto|riservato|chiuso)|open access|restricted access|embargo|tipologia:|dimensione|formato|"
    r"\d+(?:[.,]\d+)?\s*[kKmM]B\b|visualizza/apri|view/open|richiedi una copia|request a copy|"
    r"pubblicazioni consigliate|recommended publications|utilizza questo identificativo|use this identifier|"
    r"scopus\b|web of science|wos\b|isi\b|nd$|altmetric|mostra (?:tutti|record)|show (?:full|simple) item|"
    r"cargando|loading|caricamento|appears in collections|"
    r".+\.(?:pdf|docx?|zip)$)", re.I)
END_MARKERS = re.compile(r"^(?:citazioni|citations|metriche|metrics)\s*:?$", re.I)
DATE_LINE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")
SETTORE = re.compile(r"^(?:settore|ssd)\s+\S+", re.I)
NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Ý][\w'’\-]*\.?|[A-ZÀ-Ý]\.(?:-?[A-ZÀ-Ý]\.)*|d'|de|di|da|del|della|van|von|der|den|dos|du|la|le)$")

# IRIS wording the lexicon lacks (Cineca's label files are not public), in the reader's field names.
IRIS_LABELS: dict[str, str] = {}
for _key, _words in {
    "title": "titolo|titolo del contributo",
    "authors": "autori|autore|autori interni|contributors|autore/i",
    "editors": "curatori|curatore|editors|a cura di",
    "advisor": "tutor|relatore|supervisor|supervisors|advisor|coordinatore",
    "date": "data di pubblicazione|anno di pubblicazione|anno|issue date|date issued|publication date|year",
    "abstract": "abstract|riassunto|sommario|summary|abstract (inglese)|abstract (italiano)",
    "keywords": "parole chiave|keywords|subject keywords|soggetti|subjects|key words",
    "type": "tipologia|item type|publication type|typology|tipologia iris|appare nelle tipologie|"
            "appare nella tipologia|appears in type|appears in types",
    "container": "rivista|periodico|titolo del periodico|source title|journal title|zeitschrift|revista",
    "book": "titolo del libro|book title|titolo del volume|volume title",
    "conference": "titolo del convegno|nome del convegno|convegno|conference name|event",
    "publisher": "editore|casa editrice",
    "place": "luogo di pubblicazione|place of publication|luogo",
    "series": "collana|serie",
    "issn": "e-issn|eissn",
    "doi": "digital object identifier (doi)",
    "url": "handle|permalink",
    "pages": "pagine|pagina",
    "first_page": "pagina iniziale|first page|start page",
    "last_page": "pagina finale|last page|end page",
    "issue": "numero|fascicolo",
    "language": "lingua|lingua del contributo",
    "citation": "citazione|citazione bibliografica|cita come|citazione (apa)",
    "settore": "settore scientifico disciplinare|ssd|scientific field",
    "pmid": "pmid|pubmed id",
    "thesis_type": "tipo di tesi|thesis type|degree",
    "university": "università|university|ateneo|institution",
    "noise": "number of citations|numero di citazioni",
}.items():
    for _word in _words.split("|"):
        IRIS_LABELS[_word] = _key
READER = Reader("dspace", IRIS_LABELS, continues=lambda key, line: _continues(key, line))

@dataclass
class Page:
    labelled: dict[str, list[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    url: str = ""

    def first(self, key: str) -> str:
        return (self.labelled.get(key) or [""])[0]

    def add(self, key: str, value: str) -> None:
        value = squash(value)
        if value:
            self.labelled.setdefault(key, []).append(value)


class IrisTextParser:
    name = "iris"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:200_000]
        lines = [squash(line) for line in head.splitlines()[:600] if line.strip()]
        score = 0.15 * min(labels.family_hits(lines, "dspace"), 4)
        if "hdl.handle.net/" in head or re.search(r"^dc\.contributor\.author", head, re.M):
            score += 0.4
        if re.search(r"\bIRIS\b|DSpace|\?\?\?jsp\.|item\.page\.|Utilizza questo identificativo", head):
            score += 0.3
        if re.search(r"^(?:Settore|Abstract|Tipologia|Parole chiave)\b", head, re.M):
            score += 0.2
        if any(looks_like_type_label(line) for line in lines[:400]):
            score += 0.1
        if any(looks_like_citation(line) for line in lines[:200]):
            score += 0.2
        if any(";" in line and _looks_like_authors(line) for line in lines[:200]):
            score += 0.2  # "S. Gilardi;C. Guglielmetti", "ROSSI, Mario; Bianchi, Anna"
        found = {READER.field(m) for m in re.findall(r"^([^:\n]{2,40}):", head[:20_000], re.M)}
        if len(found & {"title", "authors", "date", "abstract", "keywords", "type", "url", "settore"}) >= 3:
            score += 0.3
        if labels.family_hits(lines, "vufind") > labels.family_hits(lines, "dspace") + 1:
            score -= 0.3  # a catalogue record
        return max(min(score, 0.85), 0.0)  # the fallback for text pages: dedicated formats outrank it

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        page = read_page(text)
        item = build_item(page)
        if not item.get("title"):
            raise ParseError("no title found on the repository page", doc.origin)
        return [Parsed(source=common.identity("iris", item, doc), item=item, origin=doc.origin)]


def read_page(text: str) -> Page:
    """The page through the shared record reader; IRIS's own noise (file rows, notices) first."""
    text = _without_cut_line(NOTICES.sub(" ", text))
    kept: list[str] = []
    for line in text.splitlines():
        line = squash(line)
        if END_MARKERS.match(line) and kept:
            break
        if line and not NOISE_LINE.match(line):
            kept.append(line)
    record = READER.read("\n".join(kept))
    page = Page(labelled=record.fields, url=ids.find_handle(text))
    page.lines = [line for line in record.lines if not _dc_row(line)]
    return page


def _without_cut_line(text: str) -> str:
    """A page saved only up to its first ~2000 characters stops inside its last line: that
    line (or, for an author list, its last name) is cut off and is not read."""
    if len(text) < 1000 or text.endswith(("\n", "\r")):
        return text
    head, _, last = text.rpartition("\n")
    if ";" in last and _looks_like_authors(last.rsplit(";", 1)[0]):
        return head + "\n" + last.rsplit(";", 1)[0] + "\n"
    return head + "\n"


def _dc_row(line: str) -> bool:
    """A ``dc.*`` row the reader does not map (``dc.date.accessioned``): not a page line."""
    return bool(re.match(r"^dc\.[a-z]+(?:\.[a-zA-Z]+)*\b", line))


def _continues(key: str, line: str) -> bool:
    """Whether another line under a label still belongs to it (one author, keyword, paragraph per line)."""
    if key in {"authors", "editors", "advisor", "contributors"}:
        return _looks_like_authors(line)
    if key == "keywords":
        return len(line) <= 80 and not line.endswith(".")
    if key == "settore":
        return bool(SETTORE.match(line))
    if key in {"url", "isbn", "issn"}:
        return default_continues(key, line)
    return key == "abstract" and _is_abstract(line)


# ---------------------------------------------------------------- unlabelled lines


def _looks_like_authors(line: str) -> bool:
    if len(line) > 2000 or re.search(r"\d|[:?!\"()]", line):
        return False
    parts = [p.strip() for p in line.split(";")] if ";" in line else _comma_names(line)
    return bool(parts) and all(_looks_like_name(p) for p in parts)


def _comma_names(line: str) -> list[str]:
    if line.count(",") == 1:
        return [line]
    return [p.strip() for p in line.split(",")] if "," in line else [line]


def _looks_like_name(part: str) -> bool:
    if names.looks_institutional(part):
        return False
    if "," in part:
        last, _, first = part.partition(",")
        tokens = last.split() + first.split()
    else:
        tokens = part.split()
    if not 2 <= len(tokens) <= 6:
        return False
    return all(NAME_TOKEN.match(t) for t in tokens) and any(len(t.strip(".")) > 1 for t in tokens)


def _is_abstract(line: str) -> bool:
    return len(line) >= 200 and len(re.findall(r"[.!?](?:\s|$)", line)) >= 2


def _is_keywords(line: str) -> bool:
    parts = [p.strip() for p in line.split(";") if p.strip()]
    return len(parts) >= 2 and all(len(p) <= 80 for p in parts)


def classify(lines: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lines:
        found.setdefault(_kind(line), []).append(line)
    return found


def _kind(line: str) -> str:
    if DATE_LINE.match(line):
        return "date"
    if SETTORE.match(line):
        return "settore"
    if looks_like_citation(line):
        return "citation"
    if _is_abstract(line):
        return "abstract"
    if looks_like_type_label(line):
        return "type"
    if _looks_like_authors(line):
        return "authors"
    if _is_keywords(line):
        return "keywords"
    return "other"


# ---------------------------------------------------------------- item


def build_item(page: Page) -> dict[str, Any]:
    found = classify(page.lines)
    citation_text = page.first("citation") or (found.get("citation") or [""])[0]
    cit = parse_citation(citation_text) if citation_text else Citation()
    title = _title(page, found, cit)
    item_type, hint = _item_type(page, found, cit)
    item: dict[str, Any] = {"itemType": item_type, "title": title}
    item["creators"] = _creators(page, found, cit, hint)
    item["date"] = _date(page, found, cit)
    item["abstractNote"] = _abstract(page, found)
    _container_fields(item, page, cit)
    item["url"] = page.first("url") if "handle" in page.first("url") else page.url or page.first("url")
    item["language"] = page.first("language")
    if item_type == "thesis":
        item["thesisType"] = _thesis_type(page, found)
        item["university"] = page.first("university")
    item["tags"] = common.tags(_keywords(page, found) + page.labelled.get("settore", []) + found.get("settore", []))
    if page.first("pmid"):
        item["PMID"] = page.first("pmid")
    return {k: v for k, v in item.items() if v not in ("", None, [])} | {"creators": item["creators"], "tags": item["tags"]}


def _title(page: Page, found: dict[str, list[str]], cit: Citation) -> str:
    if page.first("title"):
        return repair_caps(page.first("title"))
    wanted = normalise_title(cit.fields.get("title", ""))
    for line in found.get("other", []) + found.get("authors", []):
        if wanted and normalise_title(line) == wanted:
            return repair_caps(line)
    others = [line for line in found.get("other", []) if len(line) <= 500]
    authors = _author_line(found.get("authors", []))
    if others and authors and authors[0] in page.lines:  # IRIS prints the title right above its authors
        above = [line for line in page.lines[: page.lines.index(authors[0])] if line in others]
        if above:
            return repair_caps(above[-1].strip())
    if others:
        return repair_caps(others[0].strip())
    return cit.fields.get("title", "")


def _item_type(page: Page, found: dict[str, list[str]], cit: Citation) -> tuple[str, str]:
    for label in page.labelled.get("type", []) + found.get("type", []):
        mapped = type_from_label(label)
        if mapped:
            return mapped
    guessed = cit.guess_type()
    if guessed:
        return guessed, ""
    if page.first("book"):
        return "bookSection", ""
    if page.first("conference"):
        return "conferencePaper", ""
    return "journalArticle", ""


def _creators(page: Page, found: dict[str, list[str]], cit: Citation, hint: str) -> list[dict[str, str]]:
    role = "editor" if hint == "editor" else "author"
    authors: list[dict[str, str]] = []
    for value in page.labelled.get("authors", []) or _author_line(found.get("authors", [])):
        authors += [names.person(p, role) for p in _split_people(value)]
    if not authors:
        authors = [dict(c, creatorType=role) for c in cit.authors]
    editors = [names.person(p, "editor") for v in page.labelled.get("editors", []) for p in _split_people(v)]
    editors = editors or list(cit.editors)
    supervisors = [names.person(p, "contributor") for v in page.labelled.get("advisor", [])
                   for p in _split_people(v)]
    return authors + [e for e in editors if e not in authors] + supervisors


def _author_line(lines: list[str]) -> list[str]:
    """The page's author list: a ';' or ',' list wins over a lone capitalised line (a heading)."""
    listed = [line for line in lines if ";" in line or "," in line]
    return (listed or lines)[:1]


def _split_people(value: str) -> list[str]:
    if ";" in value:
        return [p.strip() for p in value.split(";") if p.strip()]
    return [p for p in _comma_names(value) if p.strip()]


def _date(page: Page, found: dict[str, list[str]], cit: Citation) -> str:
    value = page.first("date") or (found.get("date") or [""])[0] or cit.fields.get("date", "")
    match = DATE_LINE.match(value)
    if match and match.group(2) == "01" and match.group(3) == "01":
        return match.group(1)  # IRIS stores a year-only date as YYYY-01-01
    return value


def _abstract(page: Page, found: dict[str, list[str]]) -> str:
    candidates = page.labelled.get("abstract", []) + found.get("abstract", [])
    return max(candidates, key=len) if candidates else ""


def _container_fields(item: dict[str, Any], page: Page, cit: Citation) -> None:
    fields = dict(cit.fields)
    fields.pop("title", None)
    labelled = {"publicationTitle": page.first("container") or page.first("book"),
                "conferenceName": page.first("conference"), "publisher": page.first("publisher"),
                "place": page.first("place"), "series": page.first("series"), "ISBN": page.first("isbn"),
                "ISSN": page.first("issn"), "DOI": page.first("doi"), "volume": _number(page.first("volume")),
                "issue": _number(page.first("issue")), "pages": _pages(page)}
    for name, value in labelled.items():
        if value:
            fields[name] = value
    if fields.get("date") and item.get("date"):
        fields.pop("date")
    for name, value in fields.items():
        item.setdefault(name, value)


def _pages(page: Page) -> str:
    if page.first("pages"):
        return re.sub(r"\s*[-–]\s*", "-", re.sub(r"^(?:pp?\.|S\.|Seiten?|p[áa]gs?\.|pagg?\.)\s*", "", page.first("pages")))
    first, last = (re.sub(r"^(?:pp?\.|S\.)\s*", "", page.first(k)) for k in ("first_page", "last_page"))
    return f"{first}-{last}" if first and last else first


def _number(value: str) -> str:
    """A volume or issue without its word (DSpace-CRIS prints ``Nr. 3``, ``Bd. 12``, ``Heft 4``)."""
    return re.sub(r"^(?:vol\.?|volume|bd\.?|band|jg\.?|nr\.?|no\.?|n\.|num\.?|heft|fasc\.?|issue)\s*", "", value, flags=re.I)


def _keywords(page: Page, found: dict[str, list[str]]) -> list[str]:
    values = page.labelled.get("keywords", []) or found.get("keywords", [])[:1]
    out: list[str] = []
    for value in values:
        sep = ";" if ";" in value else ","
        out += [k.strip() for k in value.split(sep)]
    return out


def _thesis_type(page: Page, found: dict[str, list[str]]) -> str:
    labels = page.labelled.get("thesis_type", []) + page.labelled.get("type", []) + found.get("type", [])
    text = " ".join(labels).lower()
    if "dottorato" in text:
        return "Tesi di dottorato"
    if re.search(r"doctoral|ph\.? ?d", text):
        return "Doctoral thesis"
    return page.first("thesis_type")
