"""Saved HTML record pages: each embedded-metadata standard read, merged in order, and nothing invented."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from zotsync.documents import parse_paths
from zotsync.sources.coins import read as read_coins
from zotsync.sources.embedded import label_type
from zotsync.sources.partial import num_pages, pages, person
from zotsync.sources.schemaorg import read as read_schemaorg


def parsed(path: str) -> list:
    result = parse_paths([str(FIXTURES / path)])
    assert not result.errors, result.errors
    return result.parsed


def one(path: str) -> dict:
    (item,) = [p.item for p in parsed(path)]
    return item


def people(item: dict) -> list[tuple[str, str, str]]:
    return [(c["creatorType"], c.get("firstName", ""), c.get("lastName", c.get("name", ""))) for c in item["creators"]]


def fields(item: dict) -> set[str]:
    return {k for k, v in item.items() if v not in ("", [], None)}


def test_vufind_page_with_only_coins_is_read_from_the_coins_and_named_by_its_record_id():
    (record,) = parsed("html/vufind_coins_only.html")
    item = record.item
    assert (item["itemType"], item["title"]) == ("journalArticle", "Hospital-at-home programmes and readmission: a cohort study")
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"], item["date"]) == \
        ("BMC Health Services Research", "21", "1", "455-463", "2021")
    assert (item["ISSN"], item["DOI"], item["language"]) == ("1472-6963", "10.1186/s12913-021-06455-1", "en")
    assert people(item) == [("author", "Chidi", "Okafor"), ("author", "Anna", "Lindqvist")]
    assert record.source == "vufind:doaj-4f2a9c1e7b"  # the id the VuFind text parser gives the same record
    # similar items, the language menu and the footer are not data
    assert fields(item) == {"itemType", "title", "publicationTitle", "volume", "issue", "pages", "date", "ISSN", "DOI",
                            "language", "creators"}
    assert "Moretti" not in str(item) and "Deutsch" not in str(item)


def test_json_ld_scholarly_article_in_a_graph_with_website_and_breadcrumbs():
    item = one("html/jsonld_article.html")
    assert (item["itemType"], item["title"], item["date"]) == \
        ("journalArticle", "Soil carbon under agroforestry: a meta-analysis", "2023-04-18")
    assert (item["publicationTitle"], item["volume"], item["issue"], item["pages"], item["ISSN"]) == \
        ("Open Journal of Soils", "12", "2", "101-119", "2210-8521")
    assert (item["DOI"], item["language"]) == ("10.5555/ojs.2023.4411", "en")
    assert people(item) == [("author", "Priya", "Raman"), ("author", "Tomás", "Ortega")]  # not the affiliation
    assert [t["tag"] for t in item["tags"]] == ["agroforestry", "soil organic carbon", "meta-analysis"]
    assert "publisher" not in item and "Soil Science Society" not in str(item) and "Home" not in str(item)


def test_microdata_book_and_not_the_related_book_after_it():
    item = one("html/microdata_book.html")
    assert (item["itemType"], item["title"], item["date"], item["ISBN"], item["numPages"]) == \
        ("book", "Il nome della rosa", "1980", "9788845246326", "503")
    assert (item["publisher"], item["place"], item["language"]) == ("Bompiani", "Milano", "it")
    assert people(item) == [("author", "Umberto", "Eco")]
    assert "Foucault" not in str(item) and "1988" not in str(item)


def test_eprints_thesis_with_its_thesis_type_and_supervisor():
    item = one("html/eprints_thesis.html")
    assert (item["itemType"], item["thesisType"], item["university"], item["numPages"], item["date"]) == \
        ("thesis", "PhD thesis", "University of Leeds", "214", "2019-09")
    assert people(item) == [("author", "Gareth Owain", "Hughes"), ("contributor", "Helen", "Pritchard")]
    assert [t["tag"] for t in item["tags"]] == ["tidal energy", "sediment transport", "estuaries"]
    assert "1,204" not in str(item) and "pages" not in item


def test_prism_gives_the_journal_fields_dublin_core_lacks():
    item = one("html/prism_article.html")
    assert (item["itemType"], item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("journalArticle", "Zeitschrift für Energiewirtschaft", "46", "2", "131-145")
    assert (item["ISSN"], item["DOI"], item["date"], item["language"]) == \
        ("0343-5377", "10.1007/s12398-022-00321-7", "2022-06-30", "de")
    assert people(item) == [("author", "Katrin", "Schneider"), ("author", "Emre", "Yılmaz")]


def test_bepress_citation_tags_and_no_author_institution_as_creator():
    item = one("html/bepress_article.html")
    assert (item["itemType"], item["title"], item["publicationTitle"], item["pages"], item["date"]) == \
        ("journalArticle", "Municipal Broadband and the Digital Divide", "Journal of Law and Technology Policy", "33-71", "2020")
    assert people(item) == [("author", "Dana", "Whitfield"), ("author", "Omar", "Haddad")]
    assert "abstractNote" not in item  # the page's "description" meta is a site blurb, not an abstract


def test_dspace_thesis_traps():
    (record,) = parsed("html/dspace_thesis_traps.html")
    item = record.item
    assert (item["itemType"], item["thesisType"], item["date"], item["language"]) == \
        ("thesis", "Tesi di dottorato", "2020-12-14", "it")  # the issue date, not the accession timestamps
    # affiliation tags and life dates are not names; the department is not a creator; the advisor is a contributor
    assert people(item) == [("author", "Laura", "Bianchi"), ("contributor", "Mario", "Rossi")]
    assert "pages" not in item and item["numPages"] == "250"  # citation_firstpage held the extent
    assert [t["tag"] for t in item["tags"]] == ["reti neurali", "idrologia"]  # the type appended to the keywords is no tag
    assert item["abstractNote"].startswith("La tesi propone")  # the abstract in the record's language
    assert item["url"] == "https://hdl.handle.net/11585/771234" and record.source == "handle:11585/771234"
    assert "Please use this identifier" not in str(item) and "DOI" not in item and "ISBN" not in item


def test_result_list_with_several_coins_gives_one_item_each(tmp_path):
    span = ('<span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook'
            '&amp;rft.btitle={title}&amp;rft.au={au}&amp;rft.date={year}"></span>')
    page = tmp_path / "results.html"
    page.write_text("<html><body>" + span.format(title="Erste+Schritte", au="Meyer%2C+Jan", year="2001")
                    + span.format(title="Zweite+Schritte", au="Kuhn%2C+Eva", year="2004") + "</body></html>")
    items = [p.item for p in parse_paths([str(page)]).parsed]
    assert [(i["itemType"], i["title"], i["date"], people(i)) for i in items] == [
        ("book", "Erste Schritte", "2001", [("author", "Jan", "Meyer")]),
        ("book", "Zweite Schritte", "2004", [("author", "Eva", "Kuhn")])]


@pytest.mark.parametrize("kev, expected", [
    ("rft_val_fmt=info:ofi/fmt:kev:mtx:dc&rft.title=Der+Titel&rft.format=Buch&rft.language=ohne+Angabe&rft.date=",
     {"title": "Der Titel"}),
    ("rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=A&rft.jtitle=J&rft.pages=5-9",
     {"title": "A", "publicationTitle": "J", "pages": "5-9"}),
    ("rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation&rft.title=T&rft.inst=Uni+Wien&rft.degree=Diss.",
     {"title": "T", "publisher": "Uni Wien", "type": "Diss."}),
])
def test_coins_fields_and_non_values(kev, expected):
    assert read_coins(kev).fields == expected  # no empty date, no 'ohne Angabe' language


@pytest.mark.parametrize("raw, expected", [
    ("Carvalho Júnior, Ilton Jardim de [UNESP]", {"creatorType": "author", "firstName": "Ilton Jardim de",
                                                  "lastName": "Carvalho Júnior"}),
    ("Kahneman, Daniel, 1934-", {"creatorType": "author", "firstName": "Daniel", "lastName": "Kahneman"}),
    ("Year of Publication: 2004", None),
    ("Universidade Estadual Paulista (Unesp)", {"creatorType": "author", "name": "Universidade Estadual Paulista (Unesp)"}),
])
def test_metadata_names(raw, expected):
    assert person(raw, "author") == expected


@pytest.mark.parametrize("first, last, expected", [
    ("201", "224", "201-224"), ("e1234", "", "e1234"), ("284 f. : il.", "", ""), ("12–19", "", "12-19"), ("xii", "", "xii")])
def test_pages_only_from_page_numbers(first, last, expected):
    assert pages(first, last) == expected


@pytest.mark.parametrize("extent, expected", [("284 f. : il., gráfs.", "284"), ("301 S.", "301"),
                                              ("xii, 250 p. : ill.", "250"), ("1 online resource", "")])
def test_page_count_from_extent(extent, expected):
    assert num_pages(extent) == expected


@pytest.mark.parametrize("label, item_type", [
    ("info:eu-repo/semantics/doctoralThesis", "thesis"), ("info:eu-repo/semantics/bookPart", "bookSection"),
    ("info:eu-repo/semantics/conferenceObject", "conferencePaper"), ("Dissertação de mestrado", "thesis"),
    ("Capítulo de livro", "bookSection"), ("Sachbuch", "book"), ("Text", ""), ("Zeitschrift", "")])
def test_repository_and_catalogue_type_labels(label, item_type):
    assert label_type(label) == item_type


def test_holdings_offers_in_rdfa_are_not_records_and_do_not_hide_the_work():
    offer = ('<tr vocab="http://schema.org/" typeof="Offer"><td><span property="seller">Branch</span>'
             '<link property="itemOffered" href="#record"/></td></tr>')
    page = ('<html><body><div vocab="http://schema.org/" typeof="CreativeWork Product" resource="#record">'
            '<h3 property="name">Die Vermessung der Welt : Roman</h3><span property="author">Kehlmann, Daniel</span>'
            '<span property="publisher" typeof="Organization"><span property="location">Reinbek</span>'
            '<span property="name">Rowohlt</span></span><span property="publicationDate">2005</span></div>'
            f'<table>{offer * 400}</table></body></html>')
    part = read_schemaorg(page)
    assert part.fields == {"title": "Die Vermessung der Welt: Roman", "date": "2005", "publisher": "Rowohlt",
                           "place": "Reinbek"}
    assert part.creators == [{"creatorType": "author", "firstName": "Daniel", "lastName": "Kehlmann"}]


def test_ojs_dublin_core_with_its_source_fields_and_no_sponsor_as_creator():
    item = one("html/ojs_dublin_core.html")
    assert (item["itemType"], item["publicationTitle"], item["volume"], item["issue"], item["pages"]) == \
        ("journalArticle", "Revista de Estudios Sociales", "2021", "77", "71-88")
    assert (item["date"], item["ISSN"], item["DOI"], item["language"]) == \
        ("2021-06-15", "0123-885X", "10.7440/res77.2021.05", "es")  # issued, not created or modified
    assert people(item) == [("author", "Lucía", "Fernández"), ("author", "Andrés", "Pérez")]
    assert item["abstractNote"].startswith("El artículo analiza")  # the record's language, not the translation
    assert "Fundación" not in str(item) and "904" not in str(item)


def test_a_dublin_core_note_is_not_an_abstract(tmp_path):
    page = tmp_path / "note.html"
    page.write_text('<html><head><meta name="DC.title" content="Atlas of the Po delta">'
                    '<meta name="DC.creator" content="Ricci, Paola"><meta name="DC.description" content="Inclui bibliografia">'
                    '<meta name="DC.description" content="Orientador: Mario Neri"></head><body></body></html>')
    (item,) = [p.item for p in parse_paths([str(page)]).parsed]
    assert "abstractNote" not in item and people(item) == [("author", "Paola", "Ricci")]


def test_record_page_with_further_coins_gives_only_its_record(tmp_path):
    span = ('<span class="Z3988" title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook'
            '&amp;rft.btitle={title}&amp;rft.date={year}"></span>')
    page = tmp_path / "record.html"
    page.write_text('<html><body><input type="hidden" class="hiddenId" value="KAT.000123">'
                    + span.format(title="Der+Zauberberg", year="1924") + '<div class="similar">'
                    + span.format(title="Buddenbrooks", year="1901") + "</div></body></html>")
    (record,) = parse_paths([str(page)]).parsed
    assert (record.item["title"], record.item["date"], record.source) == ("Der Zauberberg", "1924", "vufind:KAT.000123")
