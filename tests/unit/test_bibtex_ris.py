"""BibTeX and RIS: real-shaped faulty files lose nothing, mappings follow Zotero and Better BibTeX."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from zotsync import latex, schema
from zotsync.documents import parse_paths
from zotsync.errors import ParseError
from zotsync.sources import bibscan
from zotsync.sources.base import Document
from zotsync.sources.bibtex import BibtexParser
from zotsync.sources.ris import RisParser


def bib(text: str) -> tuple[list[dict], list[str]]:
    doc = Document("refs.bib")
    parsed = BibtexParser().parse(text, doc)
    return [schema.fit(p.item) for p in parsed], [str(e) for e in doc.problems] + doc.warnings


# ---------------------------------------------------------------- losing nothing


def test_faulty_bibtex_file_keeps_every_readable_entry_and_names_the_rest():
    result = parse_paths([str(FIXTURES / "bibtex/real_problems.bib")])
    keys = [p.item["citationKey"] for p in result.parsed]
    assert keys == ["smith2019", "jones2020", "nocomma2021", "smith2019", "last2022"]
    origin = str(FIXTURES / "bibtex/real_problems.bib")
    warnings = set(result.warnings)  # read anyway: said, but the run does not fail for them
    assert f"{origin}:9: entry 'smith2019': undefined macro 'December'; kept as its name" in warnings
    assert f"{origin}:17: entry 'jones2020': undefined macro 'jgr'; kept as its name" in warnings
    assert f"{origin}:21: entry 'nocomma2021': no comma after the key 'nocomma2021'; read as if there were one" in warnings
    assert sum("'smith2019' is used 2 times" in w for w in warnings) == 2  # both occurrences reported
    (error,) = result.errors  # what could not be read at all is an error
    assert error.line == 35 and "unbalanced2018" in error.message and "not imported" in error.message
    first, jones = result.parsed[0].item, result.parsed[1].item
    assert first["date"] == "2019-12" and first["publicationTitle"].startswith("Journal of Geophysical Research")
    assert jones["publicationTitle"] == "jgr"  # an undefined macro is kept as its name, as BibTeX does


def test_duplicate_keys_keep_distinct_identities():
    parsed = BibtexParser().parse("@misc{k, title={One}}\n@misc{k, title={Two}}\n", Document("a.bib"))
    assert [p.item["title"] for p in parsed] == ["One", "Two"]
    assert len({p.source for p in parsed}) == 2


def test_missing_comma_between_fields_is_read_and_reported():
    items, problems = bib("@article{a,\n  title = {T}\n  year = {2001},\n}\n")
    assert items[0]["date"] == "2001" and items[0]["title"] == "T"
    assert problems == ["refs.bib:3: entry 'a': no comma after field 'title'; read as if there were one"]


def test_entry_without_closing_brace_is_read_up_to_the_next_entry():
    items, problems = bib("@article{a, title = {First}, year = 2001\n\n@article{b, title = {Second}}\n")
    assert [i["title"] for i in items] == ["First", "Second"]
    assert any("entry 'a': entry never closes" in p for p in problems)


def test_a_file_with_only_broken_entries_is_a_parse_error():
    with pytest.raises(ParseError, match="no readable BibTeX entries"):
        BibtexParser().parse("@article{a, title = {never closes\n", Document("x.bib"))


def test_unterminated_last_ris_record_is_read_and_reported():
    result = parse_paths([str(FIXTURES / "ris/unterminated.ris")])
    assert [p.item["title"] for p in result.parsed] == ["A terminated record", "A record whose ER was never written"]
    assert result.warnings == [f"{FIXTURES / 'ris/unterminated.ris'}:9: last record has no ER line; read to the end of the file"]
    assert not result.errors
    assert [p.notes for p in result.parsed] == [["Read for the review."], ["Second copy in the library."]]


def test_ris_record_missing_er_before_the_next_record_is_reported():
    doc = Document("x.ris")
    parsed = RisParser().parse("TY  - JOUR\nTI  - One\nTY  - BOOK\nTI  - Two\nER  - \n", doc)
    assert [p.item["title"] for p in parsed] == ["One", "Two"]
    assert doc.warnings == ["x.ris:1: record has no ER line; read up to the next TY"] and not doc.problems


def test_splitter_gives_each_entry_its_key_line_and_raw_text():
    text = "% c\n@string{x = {X}}\n\n@article{a,\n title={A}}\n@book{b, title={B}} @misc{c, title={C}}\n"
    chunks = list(bibscan.split(text))
    assert [(c.kind, c.key, c.line) for c in chunks] == [("string", "", 2), ("article", "a", 4), ("book", "b", 6),
                                                          ("misc", "c", 6)]
    assert chunks[1].text == "@article{a,\n title={A}}"


def test_values_follow_bibtex_grammar():
    macros = {"acm": "ACM"}
    entry = bibscan.read(next(bibscan.split(
        '@article{k, journal = "Comm. " # acm # { Press}, month = mar, year = 1999, note = "a {"} b"}')), macros)
    assert entry.fields == {"journal": "Comm. ACM Press", "month": "March", "year": "1999", "note": 'a {"} b'}


# ---------------------------------------------------------------- mappings


def test_unmapped_fields_are_kept_as_tex_lines_and_eprint_as_arxiv():
    (item,), _ = bib("@article{a, title={T}, journal={J}, timestamp={2020.01.01}, owner={me},"
                     " eprint={2101.00001}, archivePrefix={arXiv}, primaryClass={cs.LG}}")
    lines = item["extra"].splitlines()
    assert {"tex.timestamp: 2020.01.01", "tex.owner: me", "arXiv: 2101.00001"} <= set(lines)


def test_urldate_full_is_access_date_and_partial_goes_to_extra():
    (full, partial), _ = bib("@online{a, title={A}, url={https://x.org}, urldate={2021-05-03}}\n"
                             "@online{b, title={B}, url={https://y.org}, urldate={2021-05}}\n")
    assert full["accessDate"] == "2021-05-03" and "extra" not in full
    assert "accessDate" not in partial and partial["extra"] == "Accessed: 2021-05"


@pytest.mark.parametrize("value, expected", [("2020", None), ("2020-05-03", "2020-05-03"),
                                             ("2020-05-03 10:11:12", "2020-05-03T10:11:12Z"), ("May 2020", None)])
def test_fit_makes_any_access_date_valid_or_moves_it_to_extra(value, expected):
    item = schema.fit({"itemType": "webpage", "title": "T", "accessDate": value})
    assert item.get("accessDate") == expected
    assert (expected is None) == ("Accessed:" in item.get("extra", ""))


def test_patent_holder_is_the_assignee_not_an_inventor():
    (item,), _ = bib("@patent{p, author={Sorace, Ronald E.}, holder={{Hughes Aircraft Company}}, title={Converter},"
                     " number={5668842}}")
    assert item["assignee"] == "Hughes Aircraft Company" and item["patentNumber"] == "5668842"
    assert item["creators"] == [{"creatorType": "inventor", "firstName": "Ronald E.", "lastName": "Sorace"}]


def test_films_get_their_director_and_scriptwriters():
    (movie, video), _ = bib("@movie{m, author={Ball, Wes}, editor={Noah Oppenheim and Myers, Grant Pierce},"
                            " title={The Maze Runner}, year=2014}\n"
                            "@video{v, editor={Forman, Milo{\\v s}}, editortype={director}, entrysubtype={film},"
                            " title={Cuckoo}, publisher={{United Artists}}}\n")
    assert [(c["creatorType"], c["lastName"]) for c in movie["creators"]] == [
        ("director", "Ball"), ("scriptwriter", "Oppenheim"), ("scriptwriter", "Myers")]
    assert video["itemType"] == "film" and video["distributor"] == "United Artists"
    assert video["creators"] == [{"creatorType": "director", "firstName": "Miloš", "lastName": "Forman"}]


def test_and_others_is_recorded():
    (item,), _ = bib("@book{b, author={Smith, J. and others}, title={T}}")
    assert [c["lastName"] for c in item["creators"]] == ["Smith"]
    assert "tex.author: Smith, J. and others" in item["extra"].splitlines()


def test_unknown_entry_type_is_kept_as_a_document():
    (item,), _ = bib("@fancytype{f, title={Odd}, year=2000}")
    assert item["itemType"] == "document" and "tex.entrytype: fancytype" in item["extra"]


def test_ris_lines_spaced_otherwise_wrapped_or_outside_records_are_read_as_exporters_write_them():
    text = ("\ufeffexported by X\r\n\r\nTY - JOUR\r\nTI  - A title wrapped\r\n   onto two lines\r\n"
            "AU-\r\nAU  - Rossi, Anna\r\nPY  -  2001\r\nKW  - one\r\nER  -\r\n")
    doc = Document("x.ris")
    (parsed,) = RisParser().parse(text, doc)
    item = schema.fit(parsed.item)
    assert item["title"] == "A title wrapped onto two lines" and item["date"] == "2001"
    assert item["creators"] == [{"creatorType": "author", "firstName": "Anna", "lastName": "Rossi"}]
    assert item["tags"] == [{"tag": "one"}] and parsed.origin == "x.ris:3"
    assert doc.warnings == ["x.ris:1: text outside any TY … ER record was ignored"]


def test_ris_partial_access_date_and_notes():
    doc = Document("x.ris")
    (parsed,) = RisParser().parse("TY  - ELEC\nTI  - Page\nUR  - https://x.org\nY2  - 2020\nN1  - Seen.\nER  - \n", doc)
    item = schema.fit(parsed.item)
    assert "accessDate" not in item and "Accessed: 2020" in item["extra"] and parsed.notes == ["Seen."]


# ---------------------------------------------------------------- LaTeX


@pytest.mark.parametrize("value, expected", [
    (r"\r{u}", "ů"), (r"{\r u}", "ů"), (r"\={1}", "1\u0304"), (r"$\bar{1}$", "1\u0304"),
    (r"$\overline{1}$", "1\u0305"), (r"{\'\i}", "í"), (r"\'{\i}", "í"), (r"{\v{s}}", "š"), (r"\v s", "š"),
    (r"{\H o}", "ő"), (r"\k{a}", "ą"), (r"\c{c}", "ç"), (r"\d{s}", "ṣ"), (r"\b{b}", "ḇ"),
    (r"{\ss}", "ß"), (r"{\ae}", "æ"), (r"{\L}ukasiewicz", "Łukasiewicz"), (r"\o", "ø"),
    (r"DNA$_{2}$", "DNA₂"), (r"$\Sigma^{0}$", "Σ⁰"), (r"$x_{ij}$", "x<sub>ij</sub>"), (r"$e^{i\pi}$", "e<sup>iπ</sup>"),
    (r"\textsuperscript{th}", "<sup>th</sup>"), (r"{\em Natrix}", "<i>Natrix</i>"), (r"\emph{a}", "<i>a</i>"),
    (r"\textbf{b}", "<b>b</b>"), (r"{\sc Caps}", '<span style="small-caps">Caps</span>'),
    (r"a---b--c", "a—b–c"), (r"``q''", "“q”"), (r"38\% \& \$", "38% & $"), (r"a~b", "a b"),
    (r"\url{http://x.org/~u}", "http://x.org/~u"), (r"\LaTeX\ rules", "LaTeX rules"), (r"$\alpha \leq \beta$", "α ≤ β"),
    (r"pre\-{C}olumbian", "pre\u00adColumbian"), (r"\unknownmacro{kept}", "kept"), (r"{{Nested {Braces}}}", "Nested Braces"),
])
def test_latex_rows(value, expected):
    assert latex.to_text(value) == expected


@pytest.mark.parametrize("value, expected", [
    (r"The {iPhone} and {NASA}", 'The <span class="nocase">iPhone</span> and NASA'),
    (r"driven $t$-$J$ models", 'driven <span class="nocase">t</span>-J models'),
    (r"{\"U}ber {\em alles}", "Über <i>alles</i>"),
])
def test_case_protecting_braces_in_titles(value, expected):
    assert latex.to_text(value, protect=True) == expected


def test_deeply_nested_braces_do_not_crash():
    assert latex.to_text("{" * 3000 + "a" + "}" * 3000) == "a"


def test_ris_patent_tags_and_journal_abbreviation():
    doc = Document("x.ris")
    patent, article = RisParser().parse(
        "TY  - PAT\nA1  - Burger,D.R.\nT1  - Detecting infection\nA2  - Epitope,I.\nPB  - Epitope Inc.\n"
        "M1  - G01N 33/569\nM2  - 435/5\nER  - \n"
        "TY  - JOUR\nAU  - Baldwin,S.A.\nT1  - Barrier breach\nJO  - J.Neurosurg.\nM1  - 4\nER  - \n", doc)
    item = schema.fit(patent.item)
    assert (item["assignee"], item["issuingAuthority"], item["applicationNumber"], item["extra"]) == \
        ("Epitope Inc.", "Epitope,I.", "G01N 33/569", "435/5")
    assert item["creators"] == [{"creatorType": "inventor", "firstName": "D.R.", "lastName": "Burger"}]
    journal = schema.fit(article.item)
    assert (journal["publicationTitle"], journal["journalAbbreviation"], journal["issue"]) == \
        ("J.Neurosurg.", "J.Neurosurg.", "4")


def test_ris_tags_whose_meaning_depends_on_the_type_follow_zoteros_import():
    doc = Document("x.ris")
    music, film, program, chart, catalog = (schema.fit(p.item) for p in RisParser().parse(
        "TY  - MUSIC\nAU  - Glass, Philip\nA2  - Kronos Quartet\nC4  - Wilson, Robert\nC5  - CD\nT3  - Nonesuch Classics\n"
        "TI  - Einstein on the Beach\nER  - \n"
        "TY  - MPCT\nAU  - Ball, Wes\nTI  - The Maze Runner\nER  - \n"
        "TY  - COMP\nAU  - Rossum, Guido\nTI  - Python\nIS  - 3.11\nLA  - C\nT3  - Tools\nER  - \n"
        "TY  - MAP\nAU  - Survey\nTI  - Alps\nC1  - 1:25000\nER  - \n"
        "TY  - CTLG\nTI  - Autumn catalogue\nAU  - Shop\nER  - \n", doc))
    assert [(c["creatorType"], c.get("lastName") or c.get("name")) for c in music["creators"]] == [
        ("composer", "Glass"), ("performer", "Kronos Quartet"), ("wordsBy", "Wilson")]
    assert (music["audioRecordingFormat"], music["seriesTitle"]) == ("CD", "Nonesuch Classics")
    assert film["creators"][0]["creatorType"] == "director"
    assert (program["versionNumber"], program["programmingLanguage"], program["seriesTitle"]) == ("3.11", "C", "Tools")
    assert chart["scale"] == "1:25000"
    assert catalog["itemType"] == "magazineArticle"


def test_ris_conference_place_and_first_spec_book_volume():
    doc = Document("x.ris")
    paper, book = (schema.fit(p.item) for p in RisParser().parse(
        "TY  - CPAPER\nAU  - Li, W.\nTI  - Fast parsing\nT2  - ACL 2020\nC1  - Stroudsburg\nCY  - Online\nER  - \n"
        "TY  - BOOK\nA1  - Knuth, D.\nT1  - Sorting\nVL  - 2nd\nIS  - 3\nER  - \n", doc))
    assert (paper["conferenceName"], paper["place"]) == ("ACL 2020", "Stroudsburg")
    assert paper["eventPlace"] == "Online" and "proceedingsTitle" not in paper
    assert (book["volume"], book["edition"]) == ("3", "2nd")


def test_an_identifier_line_in_note_is_extra_even_with_braces_not_a_child_note():
    doc = Document("refs.bib")
    (parsed,) = BibtexParser().parse("@article{a, title={T}, journal={J}, note={{PMID:} 23439512}}", doc)
    assert "PMID: 23439512" in schema.fit(parsed.item)["extra"].splitlines() and parsed.notes == []


def test_ris_film_dataset_and_manuscript_tags():
    doc = Document("x.ris")
    film, data, manuscript = (schema.fit(p.item) for p in RisParser().parse(
        "TY  - MPCT\nTI  - Cuckoo\nAU  - Forman, Milos\nC4  - Drama\nC5  - 35 mm\nSP  - 133 min\nM3  - Film\nER  - \n"
        "TY  - DATA\nTI  - Survey\nAU  - Office\nNV  - ZA5000\nER  - \n"
        "TY  - MANSCPT\nTI  - Letters\nAU  - Woolf, V.\nSP  - 212\nER  - \n", doc))
    assert (film["genre"], film["videoRecordingFormat"], film["runningTime"]) == ("Drama", "35 mm", "133 min")
    assert data["identifier"] == "ZA5000" and manuscript["numPages"] == "212"


def test_a_stray_brace_in_an_author_list_is_no_one_and_costs_no_one_else() -> None:
    from zotsync.sources.bibtex import parse_names

    assert parse_names("{", "author") == []
    assert parse_names("Smith, John and {", "author") == [{"creatorType": "author", "lastName": "Smith",
                                                             "firstName": "John"}]


def ris(text: str) -> list[tuple[dict, list[str]]]:
    return [(schema.fit(p.item), p.notes) for p in RisParser().parse(text, Document("x.ris"))]


def test_endnote_case_and_statute_are_named_as_cited_and_keep_the_full_title_as_a_note():
    (case, case_notes), (act, act_notes) = ris(
        "TY  - CASE\nTI  - Brown v. Board of Education of Topeka\nST  - Brown v. Bd. of Educ.\nPB  - Supreme Court\n"
        "PY  - 1954\nVL  - 347\nSP  - 483\nDB  - Westlaw\nER  - \n"
        "TY  - STAT\nTI  - An Act to enforce the constitutional right to vote\nST  - Civil Rights Act of 1964\n"
        "T2  - U.S.C.\nVL  - 42\nSE  - 2000e\nDA  - 1964/07/02\nER  - \n")
    assert (case["caseName"], case["court"], case["reporterVolume"]) == ("Brown v. Bd. of Educ.", "Supreme Court", "347")
    assert "shortTitle" not in case and case_notes == ["Title: Brown v. Board of Education of Topeka"]
    assert (act["nameOfAct"], act["code"], act["codeNumber"], act["section"]) == ("Civil Rights Act of 1964", "U.S.C.", "42", "2000e")
    assert act_notes == ["Title: An Act to enforce the constitutional right to vote"]


def test_refman_labelled_notes_become_fields_once_and_unknown_labels_stay_notes():
    ((chapter, notes),) = ris(
        "TY  - CHAP\nN1  - Record ID: 40\nA1  - Hall, Stuart\nT1  - Encoding/decoding\nA2  - Hall, Stuart\n"
        "T2  - Culture, Media, Language\nVL  - 2nd\nCY  - London\nPB  - Hutchinson\nPY  - 1980\n"
        "N1  - Volume ID: 4\nSP  - 128-138\nN1  - Series Title: Cultural Studies\nN1  - Series Volume ID: 7\n"
        "N1  - Packaging Method: paperback\nN1  - Read for the seminar.\nER  - \n")
    assert (chapter["edition"], chapter["volume"], chapter["series"], chapter["seriesNumber"]) == \
        ("2nd", "4", "Cultural Studies", "7")
    assert notes == ["Record ID: 40", "Packaging Method: paperback", "Read for the seminar."]


def test_refman_and_endnote_bills_read_their_own_tags():
    (refman, notes), (endnote, _) = ris(
        "TY  - BILL\nN1  - Record ID: 10\nA1  - Kennedy, Edward\nTI  - Health Security Act\nCY  - S.\n"
        "PY  - 1993\nVL  - 1757\nSP  - 3\nN1  - Histroy: Referred to committee\nER  - \n"
        "TY  - BILL\nAU  - Kennedy, Edward\nTI  - Health Security Act\nM1  - S. 1757\nT2  - Cong. Rec.\n"
        "VL  - 139\nSP  - 28143\nSE  - 3\nDA  - 1993/11/22\nLA  - English\nER  - \n")
    assert (refman["billNumber"], refman["code"], refman["section"], refman["history"]) == \
        ("1757", "S.", "3", "Referred to committee")
    assert "codeVolume" not in refman and notes == ["Record ID: 10"]
    assert (endnote["billNumber"], endnote["code"], endnote["codeVolume"], endnote["codePages"], endnote["section"]) == \
        ("S. 1757", "Cong. Rec.", "139", "28143", "3")


def test_refman_artwork_medium_and_size_and_a_first_spec_record_without_labels_keeps_the_generic_map():
    (art, _), (book, _) = ris(
        "TY  - ART\nN1  - Record ID: 20\nA1  - Kahlo, Frida\nT1  - The Two Fridas\nM1  - Oil on canvas\n"
        "Y1  - 1939\nN1  - Size: 173.5 x 173 cm\nER  - \n"
        "TY  - BOOK\nA1  - Knuth, Donald\nT1  - The Art of Computer Programming\nVL  - 3\nY1  - 1973\nER  - \n")
    assert (art["artworkMedium"], art["artworkSize"]) == ("Oil on canvas", "173.5 x 173 cm")
    assert book["volume"] == "3" and "edition" not in book


def test_m1_and_m2_without_a_field_of_their_own_are_bare_extra_lines():
    (manuscript, _), (chapter, _), (echapter, _), (grant, _) = ris(
        "TY  - MANSCPT\nAU  - Woolf, Virginia\nTI  - Letters to Vita\nM1  - fol. 12r\nM2  - 24 leaves\nER  - \n"
        "TY  - CHAP\nAU  - Eco, Umberto\nTI  - Signs\nT2  - Semiotics\nM1  - 3\nSV  - 12\nER  - \n"
        "TY  - ECHAP\nAU  - Eco, Umberto\nTI  - Codes\nT2  - Semiotics\nM1  - 12\nNV  - 3\nER  - \n"
        "TY  - LEGAL\nAU  - Agency, Food\nTI  - Labelling rule\nM1  - 1041\nPB  - FDA\nER  - \n")
    assert manuscript["extra"] == "fol. 12r\n24 leaves" and "number" not in manuscript
    assert (chapter["numberOfVolumes"], chapter["seriesNumber"]) == ("3", "12")
    assert (echapter["seriesNumber"], echapter["numberOfVolumes"]) == ("12", "3")
    assert grant["extra"] == "1041" and "docketNumber" not in grant


def test_endnote_web_page_periodical_journal_abbreviation_report_publisher_and_dataset_version():
    (page, _), (article, _), (report, _), (data, _) = ris(
        "TY  - WEB\nAU  - Doe, Jane\nTI  - Tide tables\nJ2  - NOAA Tides and Currents\nT2  - Ocean Data Series\n"
        "UR  - https://tidesandcurrents.noaa.gov\nER  - \n"
        "TY  - JOUR\nAU  - Doe, Jane\nTI  - Tides\nJ2  - J. Geophys. Res.\nVL  - 12\nER  - \n"
        "TY  - RPRT\nAU  - Doe, Jane\nTI  - Coastal survey\nA2  - Roe, Ann\nA3  - Government Printing Office\n"
        "PB  - USGS\nER  - \n"
        "TY  - DATA\nA1  - Survey Office\nT1  - Census microdata\nIS  - 2.1\nER  - \n")
    assert page["websiteTitle"] == "NOAA Tides and Currents"
    assert (article["publicationTitle"], article["journalAbbreviation"]) == ("J. Geophys. Res.", "J. Geophys. Res.")
    assert [c["creatorType"] for c in report["creators"]] == ["author", "seriesEditor"]
    assert data["versionNumber"] == "2.1"


def test_ris_parse_leaves_the_cycle_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    RisParser().parse("TY  - JOUR\nTI  - One\nER  - \n", Document("x.ris"))
    assert gc.isenabled()
    with pytest.raises(ParseError):
        RisParser().parse("no records here\n", Document("x.ris"))
    assert gc.isenabled()
    gc.disable()
    try:
        RisParser().parse("TY  - JOUR\nTI  - One\nER  - \n", Document("x.ris"))
        assert not gc.isenabled()
    finally:
        gc.enable()
