"""VuFind catalogue record pages, with or without their raw Solr fields (staff view).

Solr fields win where present: ``author`` and ``author2`` give the creators
(never ``author_facet``, which repeats them), ``description`` the abstract,
``topic`` the tags, ``id`` and the PMC / PubMed / DOI links the identifiers.
A MARC staff view (``245 10 |a Title``) is read by tag. Without either, the page's
own labels are read by the shared record reader (``reader.py``) in whatever interface
language the catalogue uses: the main record, the Description tab and glued or
table layouts alike. Catalogue headings lose their life dates and relator terms
(``Hacking, Ian, 1936-2023, writer of introduction`` is a contributor), the format
label gives the item type, and ``Published:`` is split into place, publisher and year.
``spelling`` is VuFind's spell-check catch-all, used only as a heuristic source for the
journal abbreviation and exact date.
"""

from __future__ import annotations

import re
from typing import Any

from zotsync import dates, ids, names
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common, labels
from zotsync.sources.base import Document
from zotsync.sources.reader import Reader, Record
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
MARC_CONTROL = re.compile(r"^(?:LEADER|LDR|00\d)\s")
MARC_LINE = re.compile(r"^(\d{3})\s+([\d_#\\ ]{0,3}?)\s*([|$‡]\s?[a-z0-9].*)$")
# Format keys of VuFind's format maps (``labels.format_name``) to Zotero item types.
FORMAT_TYPES = {
    "Article": "journalArticle", "Book": "book", "eBook": "book", "Book Chapter": "bookSection",
    "Thesis": "thesis", "Conference Proceeding": "conferencePaper", "Map": "map", "Globe": "map",
    "Video": "videoRecording", "DVD": "videoRecording", "VHS": "videoRecording", "Blu-ray Disc": "videoRecording",
    "Audio": "audioRecording", "CD": "audioRecording", "Cassette": "audioRecording", "Software": "computerProgram",
    "Video Game": "computerProgram", "Data Set": "dataset", "Database": "dataset", "Manuscript": "manuscript",
    "Website": "webpage", "Image": "artwork", "Photo": "artwork", "Slide": "artwork", "Postcard": "artwork",
    "Poster": "artwork", "Print": "artwork", "Newspaper": "newspaperArticle", "Musical Score": "book",
    "Braille": "book", "Government Document": "report",
}
# Page labels the lexicon lacks (older themes).
EXTRA_LABELS = {"umfangsangaben": "physical", "umfang": "physical", "medientyp": "format",
                "מחברים ראשיים": "authors", "הוצאה לאור": "published", "גישה מקוונת": "url", "זמין ב": "container"}
PAGE = Reader("vufind", EXTRA_LABELS)
ROLE_TYPES = {"edt": "editor", "ed": "editor", "trl": "translator", "tr": "translator", "aut": "author",
              "ths": "contributor", "ctb": "contributor"}


class VufindParser:
    name = "vufind"

    def sniff(self, text: str, filename: str) -> float:
        head = text[:500_000]
        lines = [squash(line) for line in head.splitlines()[:600] if line.strip()]
        score = 0.25 * labels.family_hits(lines, "vufind")
        if re.search(r"^(?:_version_|author_facet|title_full|record_format|spellingShingle)\b", head, re.M):
            score += 0.6
        if "hdl.handle.net/" in head or labels.family_hits(lines, "dspace") > 2:  # a repository page
            score -= 0.3
        return max(min(score, 0.95), 0.0)

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        solr, page = split_record(text)
        item = build_item(solr, page)
        if not item.get("title") and not item.get("creators") and not _identified(item):
            raise ParseError("VuFind record without a title, authors or identifiers", doc.origin)
        record_id = (solr.get("id") or [""])[0]
        return [Parsed(source=common.identity("vufind", item, doc, native=record_id), item=item, origin=doc.origin)]


def _identified(item: dict[str, Any]) -> bool:
    return any(item.get(k) for k in ("ISBN", "ISSN", "DOI", "PMID", "PMCID"))


def split_record(text: str) -> tuple[dict[str, list[str]], Record]:
    """The Solr fields (multi-valued; continuation lines extend the last field) and the page record."""
    lines = [squash(line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("_version_")), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if _solr_field(line) == "author_facet"), len(lines))
    solr = _read_solr(lines[start:]) if start < len(lines) else {}
    marc = [line for line in lines[:start] if MARC_LINE.match(line)]
    page = PAGE.read("\n".join(line for line in lines[:start] if not MARC_LINE.match(line) and not MARC_CONTROL.match(line)))
    if len(marc) >= 3:
        _read_marc(marc, page)
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


def _read_marc(lines: list[str], page: Record) -> None:
    """A MARC staff view: the tags that carry what a page label would, into the same record."""
    for line in lines:
        match = MARC_LINE.match(line)
        assert match is not None
        tag, subs = match.group(1), _subfields(match.group(3))
        joined = " ".join(v for c, v in subs if c.isalpha()).strip(" /:;,.")
        if tag == "245":
            title = " ".join(v for c, v in subs if c in "abnp").strip(" /:;,.")
            page.fields["marc_title"] = [re.sub(r"\s+:\s+", ": ", title)]
        elif tag in {"100", "700"}:
            role = next((v for c, v in subs if c in "e4"), "")
            heading = " ".join(v for c, v in subs if c in "ab").strip(" ,.")
            page.add("contributors" if tag == "700" and role else "authors", f"{heading}, {role}" if role else heading)
        elif tag in {"110", "710"}:
            page.add("corporate", " ".join(v for c, v in subs if c in "ab").strip(" ,."))
        elif tag in {"260", "264"}:
            page.add("published", joined)
        elif tag == "020":
            page.add("isbn", next((v for c, v in subs if c == "a"), ""))
        elif tag == "022":
            page.add("issn", next((v for c, v in subs if c == "a"), ""))
        elif tag in {"250", "490", "520", "773"}:
            page.add({"250": "edition", "490": "series", "520": "abstract", "773": "container"}[tag], joined)
        elif tag in {"650", "651", "653"}:
            page.add("keywords", " -- ".join(v.strip(" .") for c, v in subs if c in "axyzv"))


def _subfields(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2).strip()) for m in re.finditer(r"[|$‡]\s?([a-z0-9])\s*([^|$‡]*)", text)]


def first(values: dict[str, list[str]], key: str) -> str:
    return (values.get(key) or [""])[0]


def build_item(solr: dict[str, list[str]], page: Record) -> dict[str, Any]:
    urls = solr.get("url") or page.fields.get("url") or []
    place, publisher, year = _published(page.fields.get("published", []))
    item: dict[str, Any] = {"itemType": _item_type(solr, page)}
    item["title"] = _title(solr, page)
    item["creators"] = _creators(solr, page)
    item["abstractNote"] = first(solr, "description") or _page_abstract(page)
    item["date"] = _date(solr, page, year)
    item["language"] = first(solr, "language") or _language(page.first("language"))
    item["publisher"] = first(solr, "publisher") or page.first("publisher") or publisher
    item["place"] = page.first("place") or (place if not first(solr, "publisher") else "")
    item["tags"] = common.tags(solr.get("topic") or _subjects(page))
    _identifiers(item, solr, urls, page)
    _container(item, solr, page)
    item["ISBN"] = " ".join(solr.get("isbn") or page.fields.get("isbn") or [])
    item["ISSN"] = first(solr, "issn") or page.first("issn")
    item["edition"] = first(solr, "edition") or page.first("edition")
    item["series"] = first(solr, "series") or page.first("series")
    if item["itemType"] in {"book", "thesis"}:
        item["numPages"] = _pages_count(page)
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": item["tags"]}


def format_type(values: list[str]) -> str:
    """The item type a format label gives, in any interface language ("" when none is decisive).

    >>> format_type(["Online Artículo Texto"]), format_type(["Buch"]), format_type(["E-Book"])
    ('journalArticle', 'book', 'book')
    """
    for value in values:
        words = value.replace(",", " ").split()
        spans = [value] + [" ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1)]
        for span in spans:
            found = FORMAT_TYPES.get(labels.format_name(span), "")
            if found:
                return found
    return ""


def _item_type(solr: dict[str, list[str]], page: Record) -> str:
    if first(solr, "id").startswith("pubmed-") or first(solr, "record_format").lower().startswith("medline"):
        return "journalArticle"
    found = format_type(solr.get("format") or page.fields.get("format") or [])
    if found:
        return found
    if page.fields.get("physical") and format_type(page.fields["physical"]):  # Italian prints the format as "Formato"
        return format_type(page.fields["physical"])
    return "journalArticle" if first(solr, "container_title") or page.fields.get("container") else "book"


def _title(solr: dict[str, list[str]], page: Record) -> str:
    title = first(solr, "title_full") or first(solr, "title") or page.first("marc_title")
    if title:
        return re.sub(r"\s*/\s*[^/]*$", "", title).rstrip(" ./:")
    head = page.lines[: page.head]
    heading = [line for line in head if _could_be_title(line)]
    # The record's heading is the last line printed before its detail table; when the page kept its
    # breadcrumb (the short title), the heading is the line that extends it.
    crumbs = [line for i, line in enumerate(heading) if any(line.startswith(h) and line != h for h in head[:head.index(line)])]
    if heading:
        return re.sub(r"\s+:\s+", ": ", (crumbs or heading)[-1]).rstrip(" /:;")
    labelled = page.first("title")  # a Description or Staff View tab
    return re.sub(r"\s*/\s*[^/]*$", "", labelled).rstrip(" ./:") if labelled else ""


def _could_be_title(line: str) -> bool:
    """Not a snippet cut with '...', an abstract, a link, a hit counter or a pager arrow."""
    if len(line) >= 400 or line.endswith(("...", "…")) or re.match(r"^https?://", line) or _is_abstract(line):
        return False
    if re.search(r"\d+\s+\S{1,4}\s+\d+\b", line) and len(line) < 30 or re.search(r"^[«‹<>]|[»›>]$", line):
        return False
    return bool(re.search(r"[^\W\d_]{2}", line))


def _is_abstract(line: str) -> bool:
    return len(line) >= 200 and len(re.findall(r"[.!?](?:\s|$)", line)) >= 2


def _creators(solr: dict[str, list[str]], page: Record) -> list[dict[str, str]]:
    if "author" in solr or "author2" in solr or "author_corporate" in solr:
        creators = [names.person(a) for a in solr.get("author", [])]
        roles = solr.get("author2_role", [])
        for i, name in enumerate(solr.get("author2", [])):
            role = ROLE_TYPES.get(roles[i].strip(".").lower(), "contributor") if i < len(roles) else "contributor"
            creators.append(names.person(name, role))
        creators += [names.corporate(c) for c in solr.get("author_corporate", [])]
        return creators
    return _page_creators(page)


def _page_creators(page: Record) -> list[dict[str, str]]:
    creators: list[dict[str, str]] = []
    for key, default in (("authors", "author"), ("contributors", "contributor")):
        for value in page.fields.get(key, []):
            for heading, role in names.split_headings(value):
                creators.append(names.person(heading, names.creator_type_of_role(role, default)))
    for value in page.fields.get("corporate", []):
        name = re.sub(r",\s*[^,]+$", "", value) if names.role_of(value.rsplit(",", 1)[-1]) else value
        creators.append(names.corporate(name))
    return creators


def _page_abstract(page: Record) -> str:
    if page.first("abstract"):
        return max(page.fields["abstract"], key=len)
    long = [line for line in page.lines if len(line) > 200]
    whole = [line for line in long if not line.endswith(("...", "…"))]
    if whole:
        return whole[0]
    # VuFind's own snippet under the heading, cut with '...': true text, kept without the dots
    snippets = [line for line in long if line in page.lines[: page.head]]
    return re.sub(r"\s*(?:\.\.\.|…)$", "", snippets[0]) if snippets else ""


def _pages_count(page: Record) -> str:
    """``numPages`` from a physical description (``xiii, 264 pages``, ``301 S.``, ``284 Seiten``)."""
    for value in page.fields.get("physical", []):
        match = re.search(r"(\d+)\s*(?:p\.|pp\.|pages|S\.|Seiten|p[áa]gs?\.|páginas|pagine|pagg?\.)", value)
        if match:
            return match.group(1)
    return ""


def _language(value: str) -> str:
    first_name = re.split(r"\s*[,;/]\s*", value)[0]
    return labels.language_code(first_name) or first_name


def _published(values: list[str]) -> tuple[str, str, str]:
    """One ``Published:`` line, or its place, publisher and year printed as spans one a line."""
    if len(values) < 2 or len(values) > 3:
        return split_published(values[0]) if values else ("", "", "")
    year = next((v for v in values if re.fullmatch(r"\[?c?(1[5-9]\d\d|20\d\d)\??\]?\.?", v)), "")
    names = [v for v in values if v != year]
    if len(names) == 2 or (len(names) == 1 and names[0].endswith(":")):
        joined = " : ".join(n.strip(" :,;") for n in names) if len(names) == 2 else names[0]
        return split_published(f"{joined}, {year}" if year else joined)
    return split_published(" ".join(values))


def split_published(text: str) -> tuple[str, str, str]:
    """``Published:`` to (place, publisher, year). Without ISBD punctuation no place is guessed.

    >>> split_published("Berlin : Springer, 2015")
    ('Berlin', 'Springer', '2015')
    >>> split_published("Milano, Bompiani, [1980]")
    ('Milano', 'Bompiani', '1980')
    >>> split_published("BMJ Publishing Group 2016")
    ('', 'BMJ Publishing Group', '2016')
    """
    text = squash(text)
    years = re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", text)
    year = years[0] if years else ""
    rest = re.sub(r"[,\s]*(?:\[?(?:(?<!\w)(?:c|p|ca\.)|©)?\s*(?:1[5-9]\d\d|20\d\d)\??\]?[-.,\s]*)+$", "", text).strip(" ,;:")
    place = publisher = ""
    if " : " in rest or re.search(r"\w:\s", rest):
        place, _, publisher = rest.partition(":")
    elif rest.count(",") == 1 and len(rest.split(",")[0].split()) <= 2:
        place, _, publisher = rest.partition(",")
    else:
        publisher = rest
    place, publisher = place.strip(" []:;,"), _without_end_period(publisher.strip(" []:;,"))
    if re.fullmatch(r"s\.\s*l\.?|o\.\s*o\.?|sine loco", place, re.I):
        place = ""
    if re.fullmatch(r"s\.\s*n\.?|o\.\s*v\.?", publisher, re.I):
        publisher = ""
    return place, publisher, year


def _without_end_period(name: str) -> str:
    """ISBD's closing period goes; an abbreviation's stays (``Residenz-Verl.``, ``Wiley & Sons Ltd.``)."""
    last = re.split(r"[\s\-]", name)[-1]
    return name if name.endswith(".") and len(last) <= 5 and last[:1].isupper() else name.rstrip(".")


def _subjects(page: Record) -> list[str]:
    """Subjects on the page: one per line, or split on ';' or '|', else on commas of one flat line."""
    out: list[str] = []
    for value in page.fields.get("keywords", []):
        if re.search(r"[;|]", value):
            out += re.split(r"\s*[;|]\s*", value)
        elif " -- " in value or " > " in value or " / " in value:
            out.append(value)
        else:
            out += re.split(r",\s+", value)
    return out


def _date(solr: dict[str, list[str]], page: Record, published_year: str) -> str:
    year = first(solr, "publishDate") or published_year
    if not year and page.first("date"):
        match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", page.first("date"))
        year = match.group(1) if match else ""
    publisher = first(solr, "publisher")
    spelling = first(solr, "spelling")
    if year and publisher and spelling:
        exact = re.search(re.escape(publisher) + r"\s+(\d{4}(?:-\d{2}){0,2})\b", spelling)
        if exact and exact.group(1).startswith(year):
            return exact.group(1)
    return year


def _identifiers(item: dict[str, Any], solr: dict[str, list[str]], urls: list[str], page: Record) -> None:
    for url in urls:
        if re.search(r"doi\.org/|dx\.doi", url):
            item.setdefault("DOI", ids.clean_doi(url))
        elif match := re.search(r"/pmc/articles/(PMC\d+)|pmc\.ncbi\.nlm\.nih\.gov/articles/(PMC\d+)", url):
            item.setdefault("PMCID", match.group(1) or match.group(2))
            item.setdefault("url", url)
        elif match := re.search(r"(?:/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d+)", url):
            item.setdefault("PMID", match.group(1))
        elif re.match(r"^https?://", url):
            item.setdefault("url", url)
    for line in page.lines:  # links listed below "Online Access" with no label of their own
        if match := re.match(r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d+)/?$", line):
            item.setdefault("PMID", match.group(1))
    record = re.match(r"pubmed-(\d+)$", first(solr, "id"))
    if record and f"PMC{record.group(1)}" != item.get("PMCID"):
        item.setdefault("PMID", record.group(1))
    doi = first(solr, "doi_str_mv") or page.first("doi")
    if doi:
        item.setdefault("DOI", ids.clean_doi(doi))


def _container(item: dict[str, Any], solr: dict[str, list[str]], page: Record) -> None:
    if first(solr, "container_title"):
        item["publicationTitle"] = first(solr, "container_title")
        item["volume"] = first(solr, "container_volume")
        item["issue"] = first(solr, "container_issue")
        item["pages"] = first(solr, "container_start_page")
    elif page.fields.get("container"):
        fields = parse_source_line(page.first("container"))
        if item.get("date") and fields.get("date"):
            fields.pop("date")
        item.update({k: v for k, v in fields.items() if v})
    if not item.get("publicationTitle") and item["itemType"] == "journalArticle":
        abbreviation = _abbreviation_from_spelling(solr)
        if abbreviation:
            item["journalAbbreviation"] = abbreviation


SOURCE_NUMBERS = re.compile(
    r"\.\s+[-–]\s+|[.,;:]\s*(?=(?:vol|bd|jg|band|heft|nr|no|num|t|año|anno)\.?\s*\d|\d)"
    r"|\s+(?=(?:vol|bd|jg)\.?\s*\d|\d{1,4}\s*\(|(?:1[5-9]|20)\d\d\b)", re.I)
SOURCE_YEAR = re.compile(r"\(?\b((?:1[5-9]|20)\d\d)(?:-(\d{2}))?(?:\s+([A-Z][a-z]{2,8})\.?)?(?:\s+(\d{1,2}))?\b\)?")
SOURCE_PAGES = re.compile(r"(?:pp?\.|S\.|Seiten?|p[áa]gs?\.|pages?)\s*([eA-Z]?\d+(?:\s*[-–]\s*[eA-Z]?\d+)?)"
                          r"|:\s*([eA-Z]?\d+(?:\s*[-–]\s*[eA-Z]?\d+)?)\s*$"
                          r"|[,;]\s*([eA-Z]?\d+\s*[-–]\s*[eA-Z]?\d+)\s*\.?$"
                          r"|art(?:icle)?\.?\s*(?:no\.?\s*)?([eA-Z]?\d+)", re.I)


def parse_source_line(text: str) -> dict[str, str]:
    """A ``Published in:`` / source line to container fields; a number it cannot place is left out.

    >>> parse_source_line("BMJ Quality & Safety, 2016, 25(7), pp. 509-517")["pages"]
    '509-517'
    >>> parse_source_line("Zeitschrift für Ethnologie, 2019, 144(2), S. 45-67")["pages"]
    '45-67'
    >>> sorted(parse_source_line("Nature. 2020 Jan;577(7789):e1234").items())
    [('date', '2020-01'), ('issue', '7789'), ('pages', 'e1234'), ('publicationTitle', 'Nature'), ('volume', '577')]
    >>> sorted(parse_source_line("In: Zeitschrift für Ethnologie. - 144 (2019), 2, S. 45-67").items())
    [('date', '2019'), ('issue', '2'), ('pages', '45-67'), ('publicationTitle', 'Zeitschrift für Ethnologie'), ('volume', '144')]
    >>> sorted(parse_source_line("Nature Communications, Vol. 12, no. 3 (2021), p. 101-110").items())
    [('date', '2021'), ('issue', '3'), ('pages', '101-110'), ('publicationTitle', 'Nature Communications'), ('volume', '12')]
    """
    text = re.sub(r"^(?:in|enthalten in|en|published in)\s*:\s*", "", squash(text), flags=re.I)
    start = SOURCE_NUMBERS.search(text)
    out = {"publicationTitle": (text[: start.start()] if start else text).strip(" .,;:-–")}
    rest = text[start.start():] if start else ""
    year = SOURCE_YEAR.search(rest)
    if year:
        out["date"] = dates.to_iso(" ".join(g for g in (year.group(1), year.group(3), year.group(4)) if g)) \
            if not year.group(2) else f"{year.group(1)}-{year.group(2)}"
        rest = rest[: year.start()] + " " + rest[year.end():]
    numbers = (re.search(r"(?:vol|bd|jg|band|t)\.?\s*(\d+)", rest, re.I),
               re.search(r"(?:^|[\s,;.])(\d{1,4})\s*\(([^)]+)\)", rest),
               re.search(r"^[\s,;.:-]*(\d{1,4})\s*[,;]\s*(\d{1,4})\s*[,;]", rest),
               re.search(r"^[\s,;.:-]*(\d{1,4})\b(?!\s*[-–])", rest))
    found = next((m for m in numbers if m), None)
    if found:
        out["volume"] = found.group(1)
        if found.lastindex and found.lastindex > 1:
            out["issue"] = found.group(2)
    issue = re.search(r"\b(?:no|nr|n|num|heft|issue|fasc|h)\.?\s*(\d+(?:[-/]\d+)?)\b", rest, re.I)
    if issue and "issue" not in out:
        out["issue"] = issue.group(1)
    pages = SOURCE_PAGES.search(rest)
    if pages:
        out["pages"] = re.sub(r"\s*[-–]\s*", "-", next(g for g in pages.groups() if g))
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
