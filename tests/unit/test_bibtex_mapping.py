"""BibTeX field rules checked against what the fields mean (biblatex, BibDesk) and Better BibTeX's import:
sentence case on request, tags from every keyword field, BibDesk links, editions, patents, journals."""

from __future__ import annotations

from zotsync import schema
from zotsync.sources.base import Document, Options
from zotsync.sources.bibtex import BibtexParser


def parse(text: str, sentence_case: bool = False) -> list[dict]:
    doc = Document("refs.bib", options=Options(sentence_case=sentence_case))
    return [schema.fit(p.item) for p in BibtexParser().parse(text, doc)]


CHAPTER = """@incollection{moller2012,
  title = {The Concepts of {Risk} and Safety},
  booktitle = {Handbook of Risk Theory: Epistemology, Decision Theory, Ethics},
  series = {Lecture Notes in Computer Science},
  shorttitle = {The Concepts of Risk},
  author = {M\\"{o}ller, Niklas}, year = {2012}
}"""


def test_titles_are_kept_as_written_by_default():
    (item,) = parse(CHAPTER)
    assert item["title"] == "The Concepts of Risk and Safety"
    assert item["series"] == "Lecture Notes in Computer Science"


def test_sentence_case_changes_titles_series_and_book_titles_not_journal_names():
    (item,) = parse(CHAPTER, sentence_case=True)
    assert item["title"] == "The concepts of Risk and safety"
    assert item["bookTitle"] == "Handbook of risk theory: Epistemology, decision theory, ethics"
    assert item["series"] == "Lecture notes in computer science"
    assert item["shortTitle"] == "The concepts of risk"


def test_sentence_case_leaves_titles_in_other_languages_alone():
    (item,) = parse("@book{b, title = {Die Darstellung des Islams in der Presse}, langid = {german}, year = 2005}",
                    sentence_case=True)
    assert item["title"] == "Die Darstellung des Islams in der Presse"
    (item,) = parse("@book{b, title = {The Yankee Years}, langid = {american}, year = 2009}", sentence_case=True)
    assert item["title"] == "The yankee years"


def test_journal_names_keep_their_case_under_sentence_case():
    (item,) = parse("@article{a, title = {Adatom Diffusion at Surfaces}, journal = {Physical Review Letters}, year = 2001}",
                    sentence_case=True)
    assert (item["title"], item["publicationTitle"]) == ("Adatom diffusion at surfaces", "Physical Review Letters")


def test_tags_come_from_keywords_tags_and_mesh_fields_once_each():
    (item,) = parse("@book{b, title = {T}, keywords = {Ethik, Geschichte}, tags = {Minderheiten; Ethik}, "
                    "mesh = {Humans}, year = 2005}")
    assert [t["tag"] for t in item["tags"]] == ["Ethik", "Geschichte", "Minderheiten", "Humans"]
    assert "tex.tags" not in item.get("extra", "")


def test_bibdesk_link_is_the_url_and_file_aliases_are_dropped():
    (item,) = parse("@article{a, title = {T}, journal = {Disasters}, year = 2019, bdsk-file-1 = {YnBsaXN0MDDSAQ==},\n"
                    "bdsk-url-2 = {https://example.org/second}, bdsk-url-1 = {https://doi.org/10.1111/disa.12301}}")
    assert item["url"] == "https://doi.org/10.1111/disa.12301"
    assert item["extra"] == "tex.bdsk-url-2: https://example.org/second"
    (item,) = parse("@article{a, title = {T}, url = {https://x.org/a}, bdsk-url-1 = {https://x.org/b}, year = 2019}")
    assert item["url"] == "https://x.org/a" and item["extra"] == "tex.bdsk-url-1: https://x.org/b"


def test_an_ordinal_edition_is_its_number_and_other_editions_stay_as_written():
    editions = [parse(f"@book{{b, title = {{T}}, edition = {{{e}}}, year = 2001}}")[0]["edition"]
                for e in ("2nd", "1st", "3rd", "21st", "1st,", "2Rev Ed", "3., erw. Aufl.")]
    assert editions == ["2", "1", "3", "21", "1st,", "2Rev Ed", "3., erw. Aufl."]


def test_a_biblatex_patent_type_names_the_office_before_the_number():
    us, ep, other = parse("@patent{a, title = {Converter}, number = 5668842, type = {patentus}, date = {1997-09-16}}\n"
                          "@patent{b, title = {Einrichtung}, number = 1700367, type = {patenteu}, date = {2006}}\n"
                          "@patent{c, title = {Thing}, number = {US123}, type = {patentus}, date = {2006}}")
    assert (us["patentNumber"], ep["patentNumber"], other["patentNumber"]) == ("US5668842", "EP1700367", "US123")
    assert "extra" not in us  # the type is consumed, not an Extra line


def test_an_abbreviated_journal_name_is_also_the_journal_abbreviation():
    short, full, saint = parse("@article{a, title = {T}, journal = {Phys. Rev. Lett.}, year = 2001}\n"
                               "@article{b, title = {U}, journal = {Physica C}, year = 2001}\n"
                               "@article{c, title = {V}, journal = {St. Louis University Law Journal}, year = 2001}")
    assert (short["publicationTitle"], short["journalAbbreviation"]) == ("Phys. Rev. Lett.", "Phys. Rev. Lett.")
    assert "journalAbbreviation" not in full and "journalAbbreviation" not in saint
