"""Record pages of IRIS / DSpace and VuFind in their layouts and interface languages, read by the
interfaces' own vocabulary, and the precision rule every parser's output passes through.

Each fixture under ``fixtures/pages`` has its whole expected outcome in ``expected/pages``
(items after schema fit, and the problems reported): equality there means both that every
field is read and that nothing else is invented.
"""

from __future__ import annotations

import doctest
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXTURES, ROOT, SHARED, needs_shared
from zotsync import names as name_forms
from zotsync.documents import parse_paths
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import citation, detect, labels, parse_text
from zotsync.sources.base import Document
from zotsync.sources.reader import Reader
from zotsync.sources.vet import vet, vet_item

PAGES = FIXTURES / "pages"
EXPECTED = Path(__file__).resolve().parents[1] / "expected" / "pages"
CASES = sorted(p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*.txt"))


def read(case: str) -> tuple[list[dict[str, Any]], list[str]]:
    result = parse_paths([str(PAGES / case)])
    return [p.item for p in result.parsed], [e.message for e in result.errors]


def only(case: str) -> dict[str, Any]:
    items, errors = read(case)
    assert errors == [] and len(items) == 1, (items, errors)
    return items[0]


def people(item: dict[str, Any], role: str = "author") -> list[tuple[str, str]]:
    return [(c.get("firstName", ""), c.get("lastName", c.get("name", ""))) for c in item["creators"]
            if c["creatorType"] == role]


def strings(item: dict[str, Any]) -> list[str]:
    """Every value a user sees in the item, abstract excepted (a sentence may quote anything)."""
    out = [str(v) for k, v in item.items() if isinstance(v, str) and k != "abstractNote"]
    out += [c.get("name") or f'{c.get("firstName", "")} {c.get("lastName", "")}'.strip() for c in item["creators"]]
    return out + [t["tag"] for t in item["tags"]]


def test_every_page_fixture_has_its_expected_outcome():
    assert len(CASES) >= 14
    assert sorted(p.relative_to(EXPECTED).with_suffix(".txt").as_posix() for p in EXPECTED.rglob("*.json")) == CASES


@pytest.mark.parametrize("case", CASES)
def test_page_gives_exactly_the_expected_items(case):
    items, errors = read(case)
    expected = json.loads((EXPECTED / case).with_suffix(".json").read_text(encoding="utf-8"))
    assert items == expected["items"]
    assert errors == expected["errors"]


@pytest.mark.parametrize("case", CASES)
def test_no_interface_string_or_label_lands_in_an_item(case):
    for item in read(case)[0]:
        for value in (v for v in strings(item) if len(v) > 3):  # "de" is a language switch as well as a code
            assert not labels.is_interface_string(value), (case, value)
            assert "???" not in value and "item.page." not in value and "copyright" not in value.lower()


# ---------------------------------------------------------------- IRIS


def test_iris_full_italian_page():
    item = only("iris/full_it.txt")
    assert (item["itemType"], item["date"], item["url"]) == ("journalArticle", "2019", "https://hdl.handle.net/2434/654321")
    assert item["title"] == "Co-progettazione e servizi sociali: evidenze da tre comuni lombardi"
    assert people(item) == [("S.", "Gilardi"), ("C.", "Guglielmetti")]  # not Rossi, Bianchi, Pestoff of the abstract
    assert (item["publicationTitle"], item["ISSN"], item["volume"], item["issue"], item["pages"], item["DOI"]) == \
        ("Studi Organizzativi", "1120-9488", "21", "2", "45-72", "10.3280/SO2019-002003")
    assert [t["tag"] for t in item["tags"]][:3] == ["co-produzione", "servizi sociali", "terzo settore"]
    assert item["abstractNote"].count("La ricerca analizza") == 1


def test_iris_full_english_page_book_part_and_no_heading_as_author():
    item = only("iris/full_en.txt")
    assert (item["itemType"], item["bookTitle"], item["place"], item["publisher"], item["pages"]) == \
        ("bookSection", "Health care reform in Southern Europe", "Cham", "Springer", "101-119")
    assert people(item) == [("Paolo", "De Rosa"), ("Sara", "Moretti")]  # not "Institutional Research Information System"
    assert people(item, "editor") == [("M.", "Lopes"), ("J.", "Garcia")]


def test_iris_compact_italian_page():
    item = only("iris/compact_it.txt")
    assert people(item) == [("Federica", "Galli"), ("Marco", "Conte")] and item["date"] == "2022"
    assert item["abstractNote"].endswith("strumenti digitali condivisi.")


def test_iris_compact_english_page_drops_the_glued_copyright_sentence():
    item = only("iris/compact_en.txt")
    assert people(item) == [("Mario", "Rossi"), ("Anna Maria", "Bianchi")]
    assert item["abstractNote"].endswith("while regional agencies do.")


def test_iris_citation_first_chapter_with_editors_and_edition():
    item = only("iris/citation_first_it.txt")
    assert (item["itemType"], item["bookTitle"], item["edition"], item["place"], item["publisher"]) == \
        ("bookSection", "Il lavoro che cambia", "1", "Bologna", "Il Mulino")
    assert people(item) == [("L.", "Conti"), ("P.", "Marino")]
    assert people(item, "editor") == [("G.", "Esposito"), ("R.", "Ferraro")]


def test_iris_title_is_the_line_above_the_authors_not_the_site_header():
    item = only("iris/header_then_title_it.txt")
    assert (item["title"], item["date"]) == ("Reti di cura e anziani fragili in Lombardia", "2020")
    assert people(item) == [("Anna", "Bianchi"), ("Luca", "Verdi")]


def test_iris_page_cut_inside_the_author_list_keeps_only_whole_names():
    item = only("iris/cutoff_after_title_it.txt")
    assert people(item) == [("Luca", "Ferrero"), ("Chiara", "Gallo")]  # "Ricci, Ma" was cut by the page
    assert "date" not in item  # the date line was beyond the cut


def test_iris_page_cut_before_its_title_gives_no_item():
    items, errors = read("iris/cutoff_abstract_only_en.txt")
    assert items == [] and len(errors) == 1  # no title from the abstract, no "Ostrom (1990)" author or date


# ---------------------------------------------------------------- DSpace


def test_dspace_jspui_bracketed_citation_and_multi_line_author_cell():
    item = only("dspace/jspui_en.txt")
    assert people(item) == [("João", "Pereira"), ("Maria Clara", "Silva")]
    assert (item["publicationTitle"], item["ISSN"], item["volume"], item["issue"], item["pages"]) == \
        ("Marine Policy", "0308-597X", "44", "2", "112-120")
    assert (item["language"], item["url"]) == ("en", "http://hdl.handle.net/10316/27555")  # from ???metadata.dc.language.iso???


def test_dspace_full_record_table_language_column_does_not_stick():
    item = only("dspace/full_record_table_en.txt")
    assert (item["itemType"], item["title"], item["date"], item["language"]) == \
        ("report", "Retirement age and life expectancy in Europe", "2017-05", "en")
    assert people(item) == [("Jan", "Kowalski"), ("Anna", "Nowak")]
    assert people(item, "contributor") == [("Piotr", "Wiśniewski")]
    assert (item["institution"], item["place"]) == ("University of Lodz Press", "Łódź")


def test_dspace7_labels_alone_on_their_lines_and_empty_labels():
    item = only("dspace/dspace7_cris_en.txt")
    assert people(item) == [("Katharina", "Huber"), ("Stefan", "Moser")]  # "Editors" was empty: no editor
    assert "publisher" not in item  # "Publisher" ran straight into "Issue Date"
    assert (item["publicationTitle"], item["ISSN"], item["volume"], item["pages"]) == \
        ("Water Research", "0043-1354", "203", "117532")  # item.page.journal-issn, item.page.pageinfo
    assert [t["tag"] for t in item["tags"]] == ["microplastics", "Alpine lakes", "freshwater pollution"]


def test_dspace7_spanish_labels_editor_is_the_publisher():
    item = only("dspace/dspace7_es.txt")
    assert item["title"] == "La sequía de 2017 en la cuenca del Ebro"  # echoed by the abstract, still the title
    assert people(item) == [("Ana", "Martínez López"), ("Carlos", "de la Fuente")] and people(item, "editor") == []
    assert (item["publisher"], item["date"], item["ISSN"]) == ("Universidad de Zaragoza", "2019-04", "0277-9536")


def test_dspace_cris_german_values_and_start_end_pages():
    item = only("dspace/cris_de.txt")
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("Energiewirtschaftliche Tagesfragen", "73", "5", "40-52")  # "Jg. 73", "Nr. 5", "S. 40" / "52"
    assert people(item) == [("Jonas", "Schneider"), ("Lea", "Weber")] and item["itemType"] == "journalArticle"


# ---------------------------------------------------------------- VuFind


def test_vufind_german_article_headings_and_source_line():
    item = only("vufind/main_de_article.txt")
    assert (item["itemType"], item["language"]) == ("journalArticle", "de")  # Format: Artikel, Sprache:Deutsch
    assert people(item) == [("Umberto", "Eco")] and people(item, "contributor") == [("Ian", "Hacking")]
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("Zeitschrift für Ethnologie", "144", "2", "45-67")
    assert [t["tag"] for t in item["tags"]] == ["Wissenschaftstheorie", "Bologna", "Geschichte 1950-2000"]


def test_vufind_spanish_book_published_line_and_translator():
    item = only("vufind/main_es_book.txt")
    assert (item["itemType"], item["place"], item["publisher"], item["date"], item["language"]) == \
        ("book", "Barcelona", "Lumen", "1982", "es")
    assert people(item) == [("Umberto", "Eco")] and people(item, "translator") == [("Ricardo", "Pochtar")]


def test_vufind_italian_book():
    item = only("vufind/main_it_book.txt")
    assert (item["itemType"], item["place"], item["publisher"], item["series"]) == ("book", "Torino", "Einaudi", "Supercoralli")
    assert people(item) == [("Primo", "Levi")]
    assert [t["tag"] for t in item["tags"]] == ["Chimica -- Narrativa", "Memorie"]


def test_vufind_table_with_vanished_author_links_and_glued_label():
    item = only("vufind/main_en_table.txt")
    assert item["creators"] == [{"creatorType": "author", "name": "World Health Organization"}]  # ", issuing body" gone
    assert (item["publicationTitle"], item["pages"], item["DOI"]) == \
        ("Social Science & Medicine", "1-9", "10.1016/j.socscimed.2018.04.032")


def test_vufind_labels_glued_to_their_values_and_similar_items_left_out():
    item = only("vufind/main_en_glued.txt")
    assert people(item) == [("Elena", "García Márquez"), ("Johannes", "Van der Berg"),
                            ("", "Intergovernmental Panel on Climate Change")]  # not "Smith, John" of a similar item
    assert (item["itemType"], item["language"], item["publisher"], item["date"]) == \
        ("book", "en", "Cambridge University Press", "2021")
    assert len(item["tags"]) == 3


def test_vufind_staff_view_marc_tags():
    item = only("vufind/staff_view_en.txt")
    assert (item["title"], item["place"], item["publisher"], item["date"], item["series"]) == \
        ("The taming of chance", "Cambridge", "Cambridge University Press", "1990", "Ideas in context")
    assert people(item) == [("Ian", "Hacking")] and people(item, "contributor") == [("Umberto", "Eco")]


def test_vufind_french_thesis_with_supervisor_and_publisher_as_university():
    item = only("vufind/main_fr_thesis.txt")
    assert (item["itemType"], item["university"], item["place"], item["date"], item["language"]) == \
        ("thesis", "Université Lumière Lyon 2", "Lyon", "2012", "fr")
    assert people(item) == [("Claire", "Lefèvre")] and people(item, "contributor") == [("Henri", "Dubois")]


def test_vufind_german_description_tab():
    item = only("vufind/description_de.txt")
    assert "title" not in item and item["ISBN"] == "9783319305585" and item["abstractNote"].startswith("Die Studie")


def test_vufind_description_tab_without_title_is_kept_for_its_isbn_only():
    item = only("vufind/description_en.txt")
    assert "title" not in item and item["creators"] == [] and item["ISBN"] == "9780226317380"


@pytest.mark.parametrize("case, kind", [
    ("vufind/main_de_article.txt", "vufind"), ("vufind/main_es_book.txt", "vufind"),
    ("vufind/main_it_book.txt", "vufind"), ("vufind/main_en_table.txt", "vufind"),
    ("vufind/staff_view_en.txt", "vufind"), ("vufind/description_en.txt", "vufind"),
    ("dspace/jspui_en.txt", "iris"), ("dspace/dspace7_cris_en.txt", "iris"),
    ("dspace/full_record_table_en.txt", "iris"), ("iris/full_it.txt", "iris"), ("iris/compact_en.txt", "iris"),
    ("dspace/dspace7_es.txt", "iris"), ("iris/full_en.txt", "iris"), ("vufind/main_en_glued.txt", "vufind"),
    ("vufind/main_fr_thesis.txt", "vufind"), ("vufind/description_de.txt", "vufind"), ("dspace/cris_de.txt", "iris"),
])
def test_pages_are_recognised_in_any_interface_language(case, kind):
    assert detect((PAGES / case).read_text(encoding="utf-8"), "document").name == kind


# ---------------------------------------------------------------- the precision rule


@pytest.mark.parametrize("creator", [
    {"creatorType": "author", "firstName": "Year of", "lastName": "Publication:"},
    {"creatorType": "author", "name": "1934-"},
    {"creatorType": "author", "firstName": "Daniel, 1934-", "lastName": "Kahneman"},
    {"creatorType": "author", "firstName": "Umberto", "lastName": "Eco 1932-2016"},
    {"creatorType": "author", "firstName": "Ian, writer of introduction", "lastName": "Hacking"},
    {"creatorType": "editor", "firstName": "Paolo Hrsg.", "lastName": "Rossi"},
    {"creatorType": "editor", "name": "a cura di Mario Rossi"},
    {"creatorType": "author", "name": "Autores principales"},
    {"creatorType": "author", "firstName": "Archivio Istituzionale della", "lastName": "Ricerca"},
])
def test_a_creator_that_is_not_a_name_is_dropped(creator):
    assert vet_item({"title": "T", "creators": [creator]}, page=True)["creators"] == []


@pytest.mark.parametrize("creator", [
    {"creatorType": "author", "name": "3M"}, {"creatorType": "author", "name": "World Health Organization"},
    {"creatorType": "author", "firstName": "Michael, III", "lastName": "von Hicks"},
    {"creatorType": "author", "firstName": "Maria", "lastName": "de la Fuente"},
    {"creatorType": "author", "name": "Verdi"},  # also Norwegian DSpace's "Value" column
])
def test_real_names_and_corporate_names_stay(creator):
    assert vet_item({"title": "T", "creators": [creator]}, page=True)["creators"] == [creator]


@pytest.mark.parametrize("title", ["Descripción", "|", "Bibliographic Details", "https://hdl.handle.net/2434/1",
                                   "Please use this identifier to cite or link to this item: http://hdl.handle.net/1/2"])
def test_an_interface_string_or_url_is_never_a_title_of_a_page(title):
    assert "title" not in vet_item({"title": title, "creators": []}, page=True)


@pytest.mark.parametrize("title", ["Editorial", "Verdi"])  # es "Publisher", no "Value"
def test_a_one_word_title_that_some_interface_also_prints_stays(title):
    assert vet_item({"title": title, "creators": []}, page=True)["title"] == title


def test_a_sentence_of_the_abstract_is_not_a_title():
    abstract = "We study co-production. Drawing on Ostrom (1990) and on case studies in Piedmont, it argues that trust matters."
    lifted = vet_item({"title": "and on case studies in Piedmont, it argues that trust matters", "abstractNote": abstract,
                       "creators": []}, True)
    assert "title" not in lifted
    echoed = vet_item({"title": "Drawing on Ostrom and on case studies", "abstractNote": abstract, "creators": []}, True)
    assert echoed["title"] == "Drawing on Ostrom and on case studies"  # a title the abstract merely echoes stays


@pytest.mark.parametrize("language, kept", [("English", True), ("Deutsch", True), ("eng", True), ("it", True),
                                             ("Undetermined", False), ("ohne Angabe", False), ("Multiple languages", False)])
def test_a_page_language_must_be_a_language(language, kept):
    assert ("language" in vet_item({"title": "T", "language": language, "creators": []}, page=True)) is kept


def test_tagged_records_keep_what_they_declare():
    item = {"title": "Title", "date": "0000 Year", "creators": [{"creatorType": "author", "firstName": "Author",
                                                                  "lastName": "Name1"}]}
    assert vet_item(item, page=False) == item  # RIS says so: these are its fields


def test_page_dates_and_identifiers_are_checked():
    item = vet_item({"title": "T", "date": "2019-13-45", "ISBN": "978-3-16-148410-1", "ISSN": "1234-5678",
                     "DOI": "10.1000/xyz", "creators": []}, page=True)
    assert (item.get("date"), item.get("ISBN"), item.get("ISSN"), item["DOI"]) == (None, None, None, "10.1000/xyz")


def test_an_item_without_title_or_identifier_is_reported_not_emitted():
    doc = Document("page.txt")
    found = [Parsed("iris:x", {"title": "Descripción", "creators": []}, "page.txt"),
             Parsed("iris:y", {"title": "A real title", "creators": []}, "page.txt")]
    assert [p.item["title"] for p in vet(found, doc, "iris")] == ["A real title"]
    assert [e.message for e in doc.problems] == ["a record with no title and no identifier that can be trusted: not imported"]


def test_vet_runs_on_every_parser_through_parse_text():
    text = "TY  - JOUR\nTI  - Thinking fast and slow\nAU  - Kahneman, Daniel, 1934-\nAU  - 3M\nER  - \n"
    (parsed,) = parse_text(text, Document("refs.ris"))
    assert parsed.item["creators"] == [{"creatorType": "author", "name": "3M"}]  # the heading with life dates went


# ---------------------------------------------------------------- names, citations, lexicon


@pytest.mark.parametrize("heading, expected", [
    ("Eco, Umberto, 1932-2016", [("Eco, Umberto", "")]),
    ("Kahneman, Daniel, 1934-", [("Kahneman, Daniel", "")]),
    ("Hacking, Ian, 1936-2023, writer of introduction", [("Hacking, Ian", "win")]),
    ("Pochtar, Ricardo, traductor", [("Pochtar, Ricardo", "trl")]),
    ("Müller, Hans (Hrsg.)", [("Müller, Hans", "edt")]),
])
def test_catalogue_headings_lose_life_dates_and_relator_terms(heading, expected):
    assert name_forms.split_headings(heading) == expected


def test_citation_doctests():
    failures, tried = doctest.testmod(citation)
    assert tried > 0 and failures == 0


def test_a_sentence_with_a_year_in_brackets_is_not_an_apa_citation():
    assert not citation.looks_like_citation("This thesis studies networks. Drawing on Ostrom (1990) and on case studies, it argues.")
    assert citation.looks_like_citation("Galli, F. (2021). The uneven reform of primary care. POLITICHE SANITARIE, 539 ss.")


def test_reader_takes_a_type_word_that_is_also_a_badge_as_the_type_value():
    record = Reader("dspace").read("Type\nArticle\nEditors\nPublisher\nElsevier\n")
    assert record.fields == {"type": ["Article"], "publisher": ["Elsevier"]}  # "Editors" was empty


@pytest.mark.parametrize("label, family, field", [
    ("Hauptverfasser", "vufind", "authors"), ("Veröffentlicht in:", "vufind", "container"),
    ("Autores principales", "vufind", "authors"), ("Altri autori", "vufind", "contributors"),
    ("Data di pubblicazione:", "dspace", "date"), ("Issue Date", "dspace", "date"), ("Autori", "dspace", "authors"),
])
def test_labels_in_any_interface_language(label, family, field):
    assert labels.field_of(label, family) == field


def test_format_labels_and_record_languages_in_any_language():
    assert [labels.format_name(x) for x in ("Artikel", "Libro", "Articolo", "Thesis")] == ["Article", "Book", "Article", "Thesis"]
    assert [labels.language_code(x) for x in ("Deutsch", "Español", "Italiano", "English")] == ["deu", "spa", "ita", "eng"]


@needs_shared(SHARED / "labels")
def test_shipped_lexicon_is_derived_from_the_shared_labels():
    shipped = json.loads((ROOT / "zotsync/data/labels.json").read_text(encoding="utf-8"))
    assert shipped == labels.derive(SHARED / "labels")


def test_lexicon_ships_with_its_attribution_and_licences():
    notice = (ROOT / "zotsync/data/labels.NOTICE.md").read_text(encoding="utf-8")
    assert "GPL-2.0" in notice and "BSD-3-Clause" in notice and "Lexvo.org" in notice
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["zotsync"]
    assert "data/*.json" in package_data and "data/*.md" in package_data


# ---------------------------------------------------------------- robustness

PIECES = ["Title:", "Authors", "Hauptverfasser:", "Veröffentlicht:", "???jsp.display-item.citation???", "item.page.title",
          "dc.contributor.author | Rossi, Mario | en", "Main Authors | , |", "[Journal:] X [ISSN:] [Pages:]", "|", ":",
          "Eco, Umberto, 1932-2016", "1934-", "Published inJournal", "Salzburg:", "Similar Items", "http://hdl.handle.net/1/2",
          "S. Gilardi;C. Guglielmetti", "2019-01-01", "Abstract", "# README", "\\documentclass{article}", '{"name": "pkg"}']


@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=40), max_size=30))
def test_page_parsers_never_crash_on_arbitrary_lines(lines):
    text = "\n".join(lines)
    for kind in ("iris", "vufind"):
        try:
            parse_text(text, Document("page.txt"), kind)
        except ParseError as exc:
            assert exc.message
