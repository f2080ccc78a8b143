"""VuFind catalogue record pages, with or without their raw Solr fields (staff view).

Solr fields win where present: ``author`` and ``author2`` give the creators
(never ``author_facet``, which repeats them), ``description`` the abstract,
``topic`` the tags, ``id`` and the PMC / PubMed / DOI links the identifiers.
Without a Solr dump the page's own labels are read, in whatever interface
language the catalogue uses. ``spelling`` is VuFind's spell-check catch-all,
used only as a heuristic source for the journal abbreviation and exact date.
"""

from __future__ import annotations

import re
from typing import Any

from zotsync import dates, ids, names
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document
from zotsync.text import squash

SOLR_FIELDS = frozenset(
    "id author author2 author_role author2_role author_corporate author_facet author_sort "
    "author_variant author2_variant author_fuller title title_full title_short title_sub "
    "title_sort title_fullStr title_full_unstemmed title_auth title_alt title_old title_new "
    "publisher publishDate publishDateSort physical format language description contents topic "
    "topic_facet genre genre_facet geographic geographic_facet url isbn issn doi_str_mv oclc_num "
    "callnumber-first callnumber-subject callnumber-label series series2 spelling spellingShingle "
    "collection institution building record_format fullrecord container_title container_volume "
    "container_issue container_start_page container_reference edition era dewey-full lccn ctrlnum "
    "work_keys_str_mv first_indexed last_indexed recordtype allfields dateSpan hierarchytype "
    "is_hierarchy_id is_hierarchy_title".split()
)
SOLR_LINE = re.compile(r"^(_version_|[a-zA-Z][a-zA-Z0-9_\-]*)(?:\s+(.*))?$")
PAGE_LABELS: dict[str, str] = {}
for _key, _words in {
    "authors": "autores principales|autor principal|main authors|main author|authors|author|hauptverfasser|"
               "verfasser|autori principali|autore principale|autori|autore|מחברים ראשיים|מחבר",
    "other_authors": "otros autores|other authors|weitere verfasser|altri autori|מחברים אחרים",
    "corporate": "autor corporativo|corporate author|körperschaft|autore ente",
    "format": "formato|format|tipo|type|פורמט",
    "language": "lenguaje|idioma|language|sprache|lingua|שפה",
    "published": "publicado|published|veröffentlicht|pubblicazione|pubblicato|publication|יצא לאור|הוצאה לאור",
    "source": "publicado en|published in|enthalten in|in|journal|revista|rivista|fuente|source|זמין ב",
    "subjects": "materias|subjects|schlagworte|soggetti|temas|נושאים",
    "online": "acceso en línea|online access|online-zugang|accesso online|גישה מקוונת",
    "isbn": "isbn", "issn": "issn", "doi": "doi",
    "series": "serie|series|schriftenreihe|collana|סדרה",
    "edition": "edición|edition|ausgabe|edizione|מהדורה",
}.items():
    for _word in _words.split("|"):
        PAGE_LABELS[_word] = _key
MARKERS = re.compile(r"^(?:_version_|author_facet|title_full|record_format|spellingShingle)\b|"
                     r"Detalles Bibliográficos|Bibliographic Details|Staff View|Descripción completa|"
                     r"Full description|Bibliografische Detailangaben|Dettagli bibliografici|Vista del personal", re.M)
CATALOGUE_LABELS = {"authors", "other_authors", "format", "published", "online", "subjects", "source"}
LABEL_LINE = re.compile(r"^([^:\n\d]{2,40}):", re.M)
FORMAT_TYPES = [
    (r"thesis|tesis|tesi|dissertation|hochschulschrift", "thesis"),
    (r"conference|proceeding|congreso|kongress|convegno", "conferencePaper"),
    (r"chapter|cap[ií]tulo|kapitel|capitolo", "bookSection"),
    (r"article|art[ií]culo|aufsatz|articolo|journal|מאמר", "journalArticle"),
    (r"book|libro|buch|ebook|monograph", "book"),
    (r"video|film", "videoRecording"),
    (r"map|mapa|karte", "map"),
    (r"report|informe|bericht", "report"),
]
ROLE_TYPES = {"edt": "editor", "ed": "editor", "trl": "translator", "tr": "translator", "aut": "author",
              "ths": "contributor", "ctb": "contributor"}


class VufindParser:
    name = "vufind"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:500_000]
        hits = len(MARKERS.findall(head))
        labels = {PAGE_LABELS.get(m.strip().lower()) for m in LABEL_LINE.findall(head[:20_000])} & CATALOGUE_LABELS
        score = 0.3 * hits + (0.2 * len(labels) if len(labels) >= 3 else 0)
        if "hdl.handle.net/" in head:  # a repository page, not a catalogue record
            score -= 0.3
        return max(min(score, 0.95), 0.0)

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        solr, page = split_record(text)
        item = build_item(solr, page)
        if len(item) <= 3 and not item.get("creators"):
            raise ParseError("VuFind record without a title, authors or identifiers", doc.origin)
        record_id = (solr.get("id") or [""])[0]
        return [Parsed(source=common.identity("vufind", item, doc, native=record_id), item=item, origin=doc.origin)]


def split_record(text: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The Solr fields (multi-valued; continuation lines extend the last field) and page labels."""
    lines = [squash(line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("_version_")), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if _solr_field(line) == "author_facet"), len(lines))
    solr = _read_solr(lines[start:]) if start < len(lines) else {}
    page = _read_page(lines[:start])
    return solr, page


def _solr_field(line: str) -> str:
    match = SOLR_LINE.match(line)
    if match and (match.group(1) in SOLR_FIELDS or match.group(1) == "_version_"):
        return match.group(1)
    return ""


def _read_solr(lines: list[str]) -> dict[str, list[str]]:
    solr: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        name = _solr_field(line)
        if name:
            current = name
            value = SOLR_LINE.match(line).group(2) or ""  # type: ignore[union-attr]
            solr.setdefault(current, [])
            if value:
                solr[current].append(value)
        elif current and line:
            solr[current].append(line)
    return solr


def _read_page(lines: list[str]) -> dict[str, list[str]]:
    """Page labels in the catalogue's language; a label's value may sit on the next line (saved HTML)."""
    page: dict[str, list[str]] = {"_lines": []}
    current, pending = "", False
    for line in lines:
        if not line:
            continue
        match = re.match(r"^([^:\d][^:]{0,40}?):\s*(.*)$", line)
        key = PAGE_LABELS.get(match.group(1).strip().lower()) if match else None
        if key and match:
            current, pending = key, not match.group(2).strip()
            if not pending:
                page.setdefault(key, []).append(match.group(2).strip())
        elif pending or (current == "online" and re.match(r"^https?://", line)):
            page.setdefault(current, []).append(line)
            pending = False
        else:
            current = ""
            page["_lines"].append(line)
    return page


def first(values: dict[str, list[str]], key: str) -> str:
    return (values.get(key) or [""])[0]


def build_item(solr: dict[str, list[str]], page: dict[str, list[str]]) -> dict[str, Any]:
    urls = solr.get("url") or page.get("online") or []
    item: dict[str, Any] = {"itemType": _item_type(solr, page)}
    item["title"] = _title(solr, page)
    item["creators"] = _creators(solr, page)
    item["abstractNote"] = first(solr, "description") or _page_description(page)
    item["date"] = _date(solr, page)
    item["language"] = first(solr, "language") or first(page, "language")
    item["publisher"] = first(solr, "publisher") or _page_publisher(page)
    item["tags"] = common.tags(solr.get("topic") or _subjects(page))
    _identifiers(item, solr, urls)
    _container(item, solr, page)
    item["ISBN"] = " ".join(solr.get("isbn") or page.get("isbn") or [])
    item["ISSN"] = first(solr, "issn") or first(page, "issn")
    item["edition"] = first(solr, "edition") or first(page, "edition")
    item["series"] = first(solr, "series") or first(page, "series")
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": item["tags"]}


def _item_type(solr: dict[str, list[str]], page: dict[str, list[str]]) -> str:
    if first(solr, "id").startswith("pubmed-") or first(solr, "record_format").lower().startswith("medline"):
        return "journalArticle"
    formats = " ".join(solr.get("format") or page.get("format") or []).lower()
    for pattern, item_type in FORMAT_TYPES:
        if re.search(pattern, formats):
            return item_type
    return "journalArticle" if first(solr, "container_title") or page.get("source") else "book"


def _title(solr: dict[str, list[str]], page: dict[str, list[str]]) -> str:
    title = first(solr, "title_full") or first(solr, "title")
    if title:
        return re.sub(r"\s*/\s*[^/]*$", "", title).rstrip(" ./:")
    noise = re.compile(r"^(?:cargando|loading|lädt|caricamento|טוען)\W*$", re.I)
    for line in page.get("_lines", []):
        if not noise.match(line) and len(line) < 400 and not line.endswith(("...", "…")):
            return line
    return ""


def _creators(solr: dict[str, list[str]], page: dict[str, list[str]]) -> list[dict[str, str]]:
    if "author" in solr or "author2" in solr or "author_corporate" in solr:
        creators = [names.person(a) for a in solr.get("author", [])]
        roles = solr.get("author2_role", [])
        for i, name in enumerate(solr.get("author2", [])):
            role = ROLE_TYPES.get(roles[i].strip(".").lower(), "contributor") if i < len(roles) else "contributor"
            creators.append(names.person(name, role))
        creators += [names.corporate(c) for c in solr.get("author_corporate", [])]
        return creators
    creators = [names.person(n) for v in page.get("authors", []) for n in names.pair_inverted(v)]
    creators += [names.person(n, "contributor") for v in page.get("other_authors", []) for n in names.pair_inverted(v)]
    creators += [names.corporate(c) for c in page.get("corporate", [])]
    return creators


def _page_description(page: dict[str, list[str]]) -> str:
    for line in page.get("_lines", []):
        if len(line) > 200 and not line.endswith(("...", "…")):
            return line
    return ""


def _page_publisher(page: dict[str, list[str]]) -> str:
    published = first(page, "published")
    return re.sub(r"[,\s]*\b\d{4}\b.*$", "", published).strip(" ,:")


def _subjects(page: dict[str, list[str]]) -> list[str]:
    """Subjects on the page: split on ';' or '|', else on commas (one line often lists several)."""
    out: list[str] = []
    for value in page.get("subjects", []):
        out += re.split(r"\s*[;|]\s*", value) if re.search(r"[;|]", value) else re.split(r",\s+", value)
    return out


def _date(solr: dict[str, list[str]], page: dict[str, list[str]]) -> str:
    year = first(solr, "publishDate")
    if not year:
        match = re.search(r"\b(\d{4})\b", first(page, "published"))
        year = match.group(1) if match else ""
    publisher = first(solr, "publisher")
    spelling = first(solr, "spelling")
    if year and publisher and spelling:
        exact = re.search(re.escape(publisher) + r"\s+(\d{4}(?:-\d{2}){0,2})\b", spelling)
        if exact and exact.group(1).startswith(year):
            return exact.group(1)
    return year


def _identifiers(item: dict[str, Any], solr: dict[str, list[str]], urls: list[str]) -> None:
    for url in urls:
        if re.search(r"doi\.org/|dx\.doi", url):
            item.setdefault("DOI", ids.clean_doi(url))
        elif match := re.search(r"/pmc/articles/(PMC\d+)|pmc\.ncbi\.nlm\.nih\.gov/articles/(PMC\d+)", url):
            item.setdefault("PMCID", match.group(1) or match.group(2))
            item.setdefault("url", url)
        elif match := re.search(r"(?:/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d+)", url):
            item.setdefault("PMID", match.group(1))
        else:
            item.setdefault("url", url)
    record = re.match(r"pubmed-(\d+)$", first(solr, "id"))
    if record and f"PMC{record.group(1)}" != item.get("PMCID"):
        item.setdefault("PMID", record.group(1))
    doi = first(solr, "doi_str_mv")
    if doi:
        item.setdefault("DOI", ids.clean_doi(doi))


def _container(item: dict[str, Any], solr: dict[str, list[str]], page: dict[str, list[str]]) -> None:
    if first(solr, "container_title"):
        item["publicationTitle"] = first(solr, "container_title")
        item["volume"] = first(solr, "container_volume")
        item["issue"] = first(solr, "container_issue")
        item["pages"] = first(solr, "container_start_page")
    elif page.get("source"):
        item.update({k: v for k, v in parse_source_line(first(page, "source")).items() if v})
    if not item.get("publicationTitle") and item["itemType"] == "journalArticle":
        abbreviation = _abbreviation_from_spelling(solr)
        if abbreviation:
            item["journalAbbreviation"] = abbreviation


def parse_source_line(text: str) -> dict[str, str]:
    """'BMJ Qual Saf, 2016, 25(7), pp. 509-517' / 'Nature. 2020 Jan;577(7789):1-5' -> fields.

    >>> parse_source_line("BMJ Quality & Safety, 2016, 25(7), pp. 509-517")["pages"]
    '509-517'
    >>> parse_source_line("Zeitschrift für Ethnologie, 2019, 144(2), S. 45-67")["pages"]
    '45-67'
    >>> sorted(parse_source_line("Nature. 2020 Jan;577(7789):e1234").items())
    [('date', '2020-01'), ('issue', '7789'), ('pages', 'e1234'), ('publicationTitle', 'Nature'), ('volume', '577')]
    """
    out: dict[str, str] = {}
    head = re.split(r"[.,;]\s*(?=(?:vol\.?\s*)?\d)|\s+(?=\d{4}\b)", text, maxsplit=1)
    out["publicationTitle"] = head[0].strip(" .,;")
    rest = head[1] if len(head) > 1 else ""
    date = re.search(r"\b(\d{4}(?:\s+[A-Z][a-z]{2,8})?(?:\s+\d{1,2})?)\b", rest)
    if date:
        out["date"] = dates.to_iso(date.group(1))
    vol = re.search(r"(?:vol\.?\s*)?\b(\d{1,4})\s*\(([^)]+)\)|vol\.?\s*(\d+)", rest, re.I)
    if vol:
        out["volume"] = vol.group(1) or vol.group(3)
        if vol.group(2):
            out["issue"] = vol.group(2)
    pages = re.search(r"(?:pp?\.\s*|S\.\s*|Seiten?\s+|p[áa]gs?\.\s*|:\s*|art(?:icle)?\.?\s*(?:no\.?)?\s*)"
                      r"([eA-Z]?\d+(?:\s*[-–]\s*[eA-Z]?\d+)?)", rest, re.I)
    if pages:
        out["pages"] = re.sub(r"\s*[-–]\s*", "-", pages.group(1))
    return out


def _abbreviation_from_spelling(solr: dict[str, list[str]]) -> str:
    """In PubMed-fed indexes ``spelling`` runs: id+dates, title, authors, journal abbreviation, topic."""
    spelling = first(solr, "spelling")
    authors = solr.get("author", []) + solr.get("author2", [])
    if not spelling or not authors:
        return ""
    end_of_authors = spelling.find(authors[-1])
    if end_of_authors < 0:
        return ""
    tail = spelling[end_of_authors + len(authors[-1]):].strip()
    stops = [t for t in solr.get("topic", [])] + [first(solr, "description")[:40]]
    cut = min((tail.find(s) for s in stops if s and tail.find(s) > 0), default=-1)
    candidate = tail[:cut].strip() if cut > 0 else ""
    return candidate if 0 < len(candidate) <= 60 and not re.search(r"[.;:]", candidate) else ""
