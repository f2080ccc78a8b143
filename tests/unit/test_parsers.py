"""Parsers, one source kind at a time, on documents that vary what real pages vary."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from zotsync import schema
from zotsync.documents import parse_paths
from zotsync.errors import ParseError
from zotsync.sources import detect, parse_text
from zotsync.sources.base import Document
from zotsync.sources.bibtex import parse_names
from zotsync.sources.citation import parse_citation
from zotsync.sources.semanticscholar import parse_reference
from zotsync.sources.vufind import parse_source_line


def one(path: str) -> dict:
    result = parse_paths([str(FIXTURES / path)])
    assert not result.errors, result.errors
    (parsed,) = result.parsed
    return parsed.item


def names(item: dict, role: str = "author") -> list[tuple[str, str]]:
    return [(c.get("firstName", ""), c.get("lastName", c.get("name", ""))) for c in item["creators"]
            if c["creatorType"] == role]


# ---------------------------------------------------------------- IRIS / DSpace


def test_iris_english_labels_compound_surnames_and_journal_citation():
    item = one("iris/unito_article_en.txt")
    assert item["itemType"] == "journalArticle"
    assert names(item) == [("Maria", "Della Rocca"), ("Andrea", "De Luca"), ("Johannes", "Van der Berg")]
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("Journal of Rural Health", "35", "2", "145-158")
    assert item["date"] == "2019"  # YYYY-01-01 is IRIS's year-only placeholder
    assert item["DOI"] == "10.1111/jrh.12345" and item["ISSN"] == "0890-765X"
    assert item["url"] == "http://hdl.handle.net/2318/1700001"
    assert "Putnam" not in str(item["creators"])  # in-text citations never become authors


def test_iris_abstract_keeps_in_text_citations_and_appears_once():
    item = one("iris/unito_article_en.txt")
    assert "(Putnam, 2000; Coleman, 1988)" in item["abstractNote"]
    assert item["abstractNote"].count("Telemedicine adoption") == 1


def test_iris_italian_labels_curatela_is_an_edited_book():
    item = one("iris/unimi_curatela_it.txt")
    assert item["itemType"] == "book"
    assert names(item, "editor") == [("Luca", "Bianchi"), ("Giulia", "Ferrari")] and not names(item)
    assert (item["publisher"], item["place"], item["ISBN"], item["language"]) == \
        ("Giappichelli", "Torino", "9788892139589", "it")
    assert {"diritto sanitario", "Unione europea", "Settore IUS/14 - Diritto dell'Unione Europea"} <= \
        {t["tag"] for t in item["tags"]}


def test_iris_doctoral_thesis_with_supervisor():
    item = one("iris/unipd_thesis.txt")
    assert (item["itemType"], item["thesisType"]) == ("thesis", "Tesi di dottorato")
    assert item["university"] == "Università degli Studi di Padova"
    assert names(item, "contributor") == [("Andrea", "Rinaldo")]
    assert item["date"] == "2018-03-15"


def test_iris_type_from_isbd_citation_when_no_label():
    item = one("iris/conference_citation_only.txt")
    assert item["itemType"] == "conferencePaper"
    assert item["proceedingsTitle"].startswith("Atti del XII Convegno")
    assert (item["publisher"], item["place"], item["pages"], item["ISBN"]) == \
        ("Edizioni Quasar", "Roma", "33-41", "9788854912342")
    assert names(item, "editor") == [("C.", "Neri")]


def test_iris_title_only_page_invents_nothing():
    item = one("iris/title_only.txt")
    assert item["title"] == "Notes on the early history of the Padua botanical garden"
    assert set(item) == {"itemType", "title", "date", "creators", "tags"} and item["creators"] == []


def test_iris_abstract_first_truncated_page_with_apa_citation():
    item = one("iris/truncated_abstract_first.txt")
    assert item["title"] == "The uneven reform of primary care in Lombardy"
    assert names(item) == [("Federica", "Galli")]
    assert (item["publicationTitle"], item["pages"]) == ("Politiche Sanitarie", "539")
    assert item["abstractNote"].startswith("This article examines")


def test_dspace_full_record_lines():
    item = one("iris/dspace_full_record.txt")
    assert names(item) == [("Elena", "García Márquez"), ("Sean", "O'Neill")]
    assert (item["itemType"], item["publicationTitle"], item["volume"], item["pages"]) == \
        ("journalArticle", "Sustainability", "12", "5001")
    assert item["language"] == "en" and item["date"] == "2020-06"


def test_html_highwire_meta_tags():
    item = one("html/dspace_item.html")
    assert item["title"] == "Il lavoro agile nella pubblica amministrazione: un'analisi empirica"
    assert (item["pages"], item["date"], item["language"]) == ("201-224", "2022-05-10", "it")
    assert item["url"] == "https://hdl.handle.net/11585/890001"
    assert len(item["tags"]) == 3


@pytest.mark.parametrize("line, expected", [
    ("Titolo / A. Rossi. - In: RIVISTA DI STUDI. - ISSN 0390-5349. - 34:6(2023), pp. 1-26",
     {"publicationTitle": "Rivista di Studi", "volume": "34", "issue": "6", "date": "2023", "pages": "1-26"}),
    ("Un libro / M. Verdi. - Seconda edizione. - Milano : Franco Angeli, 2010. - ISBN 9788856822519",
     {"edition": "2", "place": "Milano", "publisher": "Franco Angeli", "ISBN": "9788856822519"}),
    ("Capitolo / B. Neri. - In: Volume collettivo / [a cura di] C. Blu. - [S.l.] : Il Mulino, 2001. - pp. 3-9",
     {"publicationTitle": "Volume collettivo", "publisher": "Il Mulino", "pages": "3-9"}),
])
def test_citation_line_shapes(line, expected):
    fields = parse_citation(line).fields
    assert {k: fields.get(k) for k in expected} == expected
    assert "place" not in fields or fields["place"] != "S.l."


# ---------------------------------------------------------------- VuFind


def test_vufind_english_page_without_solr_dump():
    item = one("vufind/english_record.txt")
    assert names(item) == [("Thi Lan", "Nguyen"), ("Chidi", "Okafor"), ("Rebecca", "Smith-Jones")]
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("Journal of the American College of Radiology", "17", "3", "312-320")
    assert (item["DOI"], item["PMID"], item["language"]) == ("10.1016/j.jacr.2019.10.010", "31918001", "en")


def test_vufind_german_labels_without_space_after_colon():
    item = one("vufind/german_book_no_solr.txt")
    assert (item["itemType"], item["language"], item["publisher"], item["date"]) == ("book", "de", "Kohlhammer", "2015")
    assert names(item) == [("Hans-Peter", "Müller")]


def test_vufind_solr_author2_role_editor_and_title_without_responsibility():
    item = one("vufind/solr_book.txt")
    assert item["title"] == "La nascita della scienza moderna in Europa"
    assert names(item) == [("Paolo", "Rossi")] and names(item, "editor") == [("Anna", "Bianchi")]


def test_vufind_source_line_with_article_number():
    assert parse_source_line("Nature. 2020 Jan;577(7789):e1234") == {
        "publicationTitle": "Nature", "date": "2020-01", "volume": "577", "issue": "7789", "pages": "e1234"}


# ---------------------------------------------------------------- Semantic Scholar


def test_s2_references_venues_types_and_cut_off_list():
    result = parse_paths([str(FIXTURES / "s2/arxiv_and_cutoff.txt")])
    paper, *refs = result.parsed
    assert paper.item["title"] == "Attention-based models for citation parsing"
    # NIPS is a conference of the lexicon; ECDL is in no list and has no telling word: not guessed
    assert [r.item["itemType"] for r in refs] == ["conferencePaper", "conferencePaper", "preprint",
                                                  "journalArticle", "document"]
    assert refs[0].item["proceedingsTitle"] == "NIPS"
    assert refs[3].item["publicationTitle"] == "Inf. Sci."  # doubled period: one belongs to the template
    assert refs[2].item["repository"] == "arXiv" and refs[2].item["creators"][0]["lastName"] == "Tkaczyk"
    assert refs[4].item["title"].startswith("Grobid: Combining")  # ALL CAPS repaired
    assert "publicationTitle" not in refs[4].item and "Venue: ECDL" in refs[4].item["extra"]
    assert all(r.cited_by == paper.source for r in refs)
    assert all("relations" not in r.item and "semanticscholar" not in str(r.item) for r in refs)
    assert refs[0].item["extra"] == "et al." and "extra" not in refs[2].item
    # the last reference stops inside its title: said (a warning, not a failure), not emitted as half an item
    assert not any("ParsCit" in r.item["title"] for r in refs)
    assert [w for w in result.warnings if "[6]" in w and "cut off" in w] and not result.errors


@pytest.mark.parametrize("gap", [" ", "\u00a0 ", "\u00a0\u00a0"])
def test_s2_reference_gaps_may_be_any_spaces(gap):
    ref = parse_reference(f"Elinor Ostrom,et al.{gap}Governing the Commons , 1990, Cambridge University Press.")
    assert (ref["title"], ref["date"], ref["creators"][0]["lastName"]) == ("Governing the Commons", "1990", "Ostrom")


def test_s2_page_without_references_gives_the_paper_only():
    result = parse_paths([str(FIXTURES / "s2/no_references.txt")])
    assert [p.item["title"] for p in result.parsed] == ["A paper page without references"]


# ---------------------------------------------------------------- BibTeX, RIS, CSL-JSON


def test_bibtex_broken_entry_is_reported_with_its_line_and_the_rest_parsed():
    result = parse_paths([str(FIXTURES / "bibtex/mixed.bib")])
    keys = [p.item["citationKey"] for p in result.parsed]
    assert keys == ["knuth1984", "vanrossum1995", "goossens1993", "muller2020"]
    assert any(e.line == 25 and "broken1999" in e.message for e in result.errors)


def test_bibtex_fields_latex_names_and_macros():
    items = {p.item["citationKey"]: p.item for p in parse_paths([str(FIXTURES / "bibtex/mixed.bib")]).parsed}
    knuth = items["knuth1984"]
    assert (knuth["date"], knuth["pages"], knuth["DOI"], knuth["issue"]) == ("1984-05", "97–111", "10.1093/comjnl/27.2.97", "2")
    assert items["muller2020"]["publicationTitle"] == "Journal of Computational Physics"  # @string
    assert names(items["muller2020"]) == [("Jörg", "Müller"), ("José", "Cañete")]
    assert items["vanrossum1995"]["creators"] == [
        {"creatorType": "author", "firstName": "Guido", "lastName": "van Rossum"},
        {"creatorType": "author", "name": "Python Software Foundation"}]
    assert items["goossens1993"]["title"] == "The LaTeX Companion"


@pytest.mark.parametrize("raw, expected", [
    ("von Hicks, III, Michael", [("Michael, III", "von Hicks")]),
    ("KC Wright", [("K. C.", "Wright")]),
    ("{Council on Clinical Cardiology} and Adams, Nancy K", [("", "Council on Clinical Cardiology"), ("Nancy K", "Adams")]),
    ("Smith, J. and others", [("J.", "Smith")]),
])
def test_bibtex_name_rows(raw, expected):
    got = [(c.get("firstName", ""), c.get("lastName", c.get("name"))) for c in parse_names(raw, "author")]
    assert got == expected


def test_ris_wrapped_title_and_type_dependent_tags():
    items = [p.item for p in parse_paths([str(FIXTURES / "ris/two_records.ris")]).parsed]
    article, chapter = items
    assert article["title"] == "Measuring the reproducibility of computational studies"
    assert (article["date"], article["ISSN"], article["pages"]) == ("2018-04-12", "1932-6203", "e0195123")
    assert (chapter["itemType"], chapter["bookTitle"], chapter["pages"]) == ("bookSection", "Handbook of Information Science", "55-70")
    assert names(chapter, "editor") == [("Bob", "Green")]


def test_csl_json_through_the_schema_tables():
    journal, report = [p.item for p in parse_paths([str(FIXTURES / "csl/items.json")]).parsed]
    assert (journal["date"], journal["publicationTitle"]) == ("1950-04", "Bell System Technical Journal")
    assert (report["itemType"], report["institution"], report["creators"][0]) == \
        ("report", "WHO", {"creatorType": "author", "name": "World Health Organization"})


# ---------------------------------------------------------------- detection and validity


@pytest.mark.parametrize("path, kind", [
    ("iris/unito_article_en.txt", "iris"), ("iris/dspace_full_record.txt", "iris"),
    ("html/dspace_item.html", "html"), ("vufind/english_record.txt", "vufind"),
    ("vufind/solr_book.txt", "vufind"), ("s2/arxiv_and_cutoff.txt", "semanticscholar"),
    ("bibtex/mixed.bib", "bibtex"), ("ris/two_records.ris", "ris"), ("csl/items.json", "csljson"),
])
def test_detection_by_content_not_name(path, kind, tmp_path):
    text = (FIXTURES / path).read_text()
    assert detect(text, "document").name == kind  # no file suffix to go by


def test_every_fixture_item_is_valid_for_the_schema():
    result = parse_paths([str(FIXTURES)])
    assert len(result.parsed) > 25
    for parsed in result.parsed:
        assert schema.validate(parsed.item) == [], (parsed.origin, parsed.item)


def test_forced_unknown_format_is_a_clear_error():
    with pytest.raises(ParseError, match="unknown format"):
        parse_text("x", Document("f.txt"), "no-such-format")


def test_bibtex_crossref_and_string_macros_are_resolved():
    paper, proceedings = [p.item for p in parse_paths([str(FIXTURES / "bibtex/crossref.bib")]).parsed]
    assert paper["proceedingsTitle"] == "Proceedings of the 36th International Conference on Machine Learning"
    assert (paper["publisher"], paper["date"]) == ("Springer", "2019-06")
    assert names(paper, "editor") == [("John", "Smith")]
    assert proceedings["itemType"] == "book" and "extra" not in proceedings


def test_vufind_record_without_title_or_identifier_is_reported_not_imported():
    result = parse_paths([str(FIXTURES / "vufind/hebrew_no_title.txt")])
    assert result.parsed == []  # authors and a year alone would make a junk item
    assert [e.message for e in result.errors] == ["a record with no title and no identifier that can be trusted: not imported"]


def test_dublin_core_meta_tags():
    item = parse_paths([str(FIXTURES.parent.parent / "examples/repository-page.html")]).parsed[0].item
    assert (item["itemType"], item["DOI"], item["language"]) == ("conferencePaper", "10.5194/egusphere-2023-1234", "en")
    assert names(item) == [("Katrin", "Bauer"), ("Luca", "Moretti")]
    assert item["url"] == "https://hdl.handle.net/20.500.11850/600001"


def test_html_page_without_meta_tags_is_read_as_text():
    item = one("html/vufind_saved_page.html")
    assert (item["title"], item["itemType"], item["publisher"], item["date"]) == \
        ("The ecology of invasions by animals and plants", "book", "Methuen", "1958")
    assert names(item) == [("Charles S.", "Elton")]


def test_iris_english_labels_appears_in_type_and_surname_first_initials():
    item = one("iris/unipd_english_labels.txt")
    assert item["itemType"] == "bookSection"
    assert item["title"] == "Reforming Italian local public transport: lessons from three regions"
    assert names(item) == [("M.", "Ferri"), ("A. M.", "De Luca"), ("K.", "Schwarz")]
    assert (item["bookTitle"], item["pages"], item["publisher"]) == \
        ("Regulation and competition in European transport", "101-124", "Edward Elgar")
    assert item["abstractNote"].startswith("The chapter compares")


def test_s2_full_page_skips_interface_text_and_reads_the_paper_header():
    paper, *refs = [p.item for p in parse_paths([str(FIXTURES / "s2/full_page.txt")]).parsed]
    assert paper["title"] == "Patient participation in health care: a concept analysis"
    assert (paper["DOI"], paper["publicationTitle"], paper["date"]) == \
        ("10.1016/j.socscimed.2012.03.001", "Social Science & Medicine", "2012-06-01")
    assert names(paper)[:2] == [("Sarah", "Longtin"), ("Michael", "Sauvé")] and paper["extra"] == "et al."
    assert paper["abstractNote"].startswith("Patient participation is promoted")
    assert [r["title"] for r in refs][0] == "A Ladder of Citizen Participation" and len(refs) == 3


def test_dspace7_page_with_labels_on_their_own_lines():
    item = one("iris/dspace7_simple_page.txt")
    assert item["title"] == "Urban heat islands and mortality in Mediterranean cities"
    assert names(item) == [("Ana", "Martínez López"), ("Giovanni", "Rossi"), ("Pieter", "van den Berg")]
    assert (item["publicationTitle"], item["volume"], item["DOI"], item["date"]) == \
        ("Environmental Research", "214", "10.1016/j.envres.2022.113912", "2022-11-03")
    assert [t["tag"] for t in item["tags"]] == ["urban heat island", "mortality", "climate adaptation"]


def test_s2_tldr_becomes_a_note_not_the_abstract():
    (paper, *_refs) = parse_paths([str(FIXTURES / "s2/full_page.txt")]).parsed
    assert paper.notes == ["[TLDR] A concept analysis of patient participation that identifies its attributes and consequences."]
    assert "concept analysis of patient participation that" not in paper.item["abstractNote"]
