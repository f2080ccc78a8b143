"""Semantic Scholar pages: references typed by their venue, the paper's own header, a cut-off list."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, SEEDS, needs_shared
from zotsync.documents import parse_paths
from zotsync.sources import venues


def page(path: str):
    result = parse_paths([str(FIXTURES / path)])
    paper, *refs = result.parsed
    return paper, [r.item for r in refs], result.errors


def container(item: dict) -> str:
    return item.get("proceedingsTitle") or item.get("publicationTitle") or item.get("repository") or item.get("publisher", "")


def test_paper_header_between_interface_text():
    paper, _refs, _errors = page("s2/venues_page.txt")
    item = paper.item
    assert item["title"] == "Learning to rank answers from reference lists"  # not "Skip to search form"
    assert (item["itemType"], item["proceedingsTitle"], item["date"], item["DOI"]) == \
        ("conferencePaper", "SIGIR '02", "2002-08-11", "10.1145/564376.564421")
    assert [(c["firstName"], c["lastName"]) for c in item["creators"]] == \
        [("Maria", "Keller"), ("Tomás", "Ortega"), ("Jun", "Watanabe")] and item["extra"] == "et al."
    assert item["abstractNote"].startswith("We present a learning-to-rank model")
    assert paper.notes == ["[TLDR] A ranking model for answers drawn from reference lists that beats keyword baselines."]
    assert "Computer Science" not in str(item) and "128" not in str(item) and "225,123,456" not in str(item)


def test_reference_types_come_from_the_venue():
    _paper, refs, _errors = page("s2/venues_page.txt")
    assert [(r["itemType"], container(r)) for r in refs] == [
        ("conferencePaper", "KDD"),
        ("journalArticle", "Found. Trends Mach. Learn."),  # ISO 4, the trailing period kept
        ("conferencePaper", "SIGIR '99"),
        ("conferencePaper", "VLC@ACL"),  # a workshop at ACL
        ("conferencePaper", "AAAI/IAAI"),
        ("journalArticle", "Inf. Process. Manag."),
        ("journalArticle", "J. Mach. Learn. Res."),
        ("preprint", "arXiv"),
        ("document", ""),  # MKM: in no list, no telling word
        ("document", ""),  # HCI: both a conference and a journal
        ("conferencePaper", "2003 Joint Conference on Digital Libraries, 2003. Proceedings."),
        ("book", "Morgan Kaufmann Publishers"),
        ("conferencePaper", "Workshop on Open-Domain Question Answering"),  # unknown, typed by its words
        ("journalArticle", "Journal of Unusual Retrieval Studies"),
        ("book", ""),  # no venue
    ]
    assert "Venue: MKM" in refs[8]["extra"] and "Venue: HCI" in refs[9]["extra"]
    assert [r["date"] for r in refs][:3] == ["2002", "2009", "1999"]


def test_cut_off_reference_is_said_and_not_emitted():
    result = parse_paths([str(FIXTURES / "s2/venues_page.txt")])
    _paper, *refs = result.parsed
    assert not any("Text REtrieval" in r.item["title"] for r in refs) and len(refs) == 15
    assert any("[16]" in w and "cut off" in w for w in result.warnings) and not result.errors


def test_reference_list_ends_at_the_interface_text_after_it():
    _paper, refs, _errors = page("s2/full_page.txt")
    assert refs[-1]["publicationTitle"] == "Annals of family medicine"  # not "... Related Papers"


@pytest.mark.parametrize("venue, kind", [
    ("ICML", "conference"), ("SIGIR '02", "conference"), ("JCDL '07", "conference"), ("CIKM '98", "conference"),
    ("ECCV (1)", "conference"), ("CVPR Workshops", "conference"), ("EMNLP-IJCNLP", "conference"),
    ("NeurIPS", "conference"), ("Advances in Neural Information Processing Systems", "conference"),
    ("Inf. Process. Manag.", "journal"), ("Inf. Retr.", "journal"), ("BMJ : British Medical Journal", "journal"),
    ("Social science & medicine", "journal"), ("Proceedings of the IEEE", "journal"), ("JAMA", "journal"),
    ("ArXiv", "preprint"), ("CoRR", "preprint"), ("HCI", ""), ("MKM", ""), ("Cambridge University Press", ""),
])
def test_venue_lexicon(venue, kind):
    assert venues.classify(venue) == kind


@needs_shared(SEEDS)
def test_seed_references_are_typed_by_their_venues():
    (seed,) = [p for p in SEEDS.iterdir() if p.read_text(encoding="utf-8").lstrip().startswith("Coproduction of healthcare")
               and "[1]" in p.read_text(encoding="utf-8")]
    _paper, *refs = parse_paths([str(seed)]).parsed
    typed = [(r.item["itemType"], r.item.get("publicationTitle", "")) for r in refs]
    assert len(refs) == 61
    assert ("journalArticle", "Effective clinical practice : ECP") in typed
    assert ("journalArticle", "BMJ : British Medical Journal") in typed
    assert all(t == "book" for t, venue in typed if not venue)
    assert all(t == "journalArticle" for t, venue in typed if venue)


def test_page_with_glued_interface_text_and_a_cite_box_is_read_as_the_s2_page():
    result = parse_paths([str(FIXTURES / "s2/glued_interface_page.txt")])
    paper, *refs = result.parsed
    item = paper.item
    assert item["title"] == "Pre-training sentence encoders for citation intent"  # not the logo line, not BibTeX
    assert [(c["firstName"], c["lastName"]) for c in item["creators"]] == [("Chidi", "Okafor"), ("Lena", "van der Berg")]
    assert (item["date"], item["DOI"]) == ("2018-10-11", "10.18653/v1/N19-9999")
    assert "publicationTitle" not in item and "proceedingsTitle" not in item  # the page cut the venue: "…"
    assert "citationKey" not in item and "volume" not in item  # the Cite box is not the page's data
    assert paper.notes[0].startswith("[TLDR] Sentence encoders pre-trained")
    assert [(r.item["itemType"], r.item["proceedingsTitle"]) for r in refs] == [("conferencePaper", "NAACL"),
                                                                                ("conferencePaper", "EMNLP")]
    assert not result.errors
