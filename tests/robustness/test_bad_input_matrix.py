"""Bad input for every parser: truncated, binary, empty, wrongly encoded, very large and adversarial
documents give a clear error or a correct parse, never a crash or a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from zotsync.documents import decode, parse_paths
from zotsync.errors import ParseError
from zotsync.sources import registry
from zotsync.sources.base import Document

SAMPLES = {
    "iris": FIXTURES / "iris/unito_article_en.txt",
    "html": FIXTURES / "html/dspace_item.html",
    "vufind": FIXTURES / "vufind/solr_book.txt",
    "semanticscholar": FIXTURES / "s2/arxiv_and_cutoff.txt",
    "bibtex": FIXTURES / "bibtex/mixed.bib",
    "ris": FIXTURES / "ris/two_records.ris",
    "csljson": FIXTURES / "csl/items.json",
    "oai": FIXTURES / "oai/list_records_oai_dc.xml",
    "marc": FIXTURES / "marc/books_and_article.mrc",
    "solr": FIXTURES / "solr/select_two_schemas.json",
    "vufind-api": FIXTURES / "vufind-api/record_and_search.json",
    "s2-api": FIXTURES / "s2-api/paper_with_references.json",
}
KINDS = sorted(registry())


def attempt(kind: str, text: str) -> list:
    """Parse; a ParseError is a fine answer, any other exception is a bug."""
    try:
        return registry()[kind].parse(text, Document(f"doc.{kind}"))
    except ParseError as exc:
        assert exc.message and exc.origin == f"doc.{kind}"
        return []


def test_samples_cover_every_parser():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated(kind, fraction):
    text = SAMPLES[kind].read_text()
    attempt(kind, text[: int(len(text) * fraction)])


@pytest.mark.parametrize("kind", KINDS)
def test_empty_and_binary(kind):
    assert attempt(kind, "") == [] and attempt(kind, "   \n\n") == []
    attempt(kind, "\x00\x01\x02\xff" * 100)


@pytest.mark.parametrize("data, message", [
    (b"", "empty document"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file")])
def test_unreadable_bytes_are_named(data, message):
    with pytest.raises(ParseError, match=message):
        decode(data, "x")


def test_wrong_encodings_are_read_with_a_warning():
    text, warning = decode("Titolo: Perché\n".encode("cp1252"), "it.txt")
    assert "Perché" in text and "not valid UTF-8" in warning
    text, warning = decode("\ufeffTY  - JOUR\n".encode("utf-16"), "x.ris")
    assert text.startswith("\ufeffTY") or text.startswith("TY")


@pytest.mark.parametrize("kind", KINDS)
def test_adversarial_shapes_do_not_hang(kind):
    payloads = [
        "{" * 20000 + "}" * 20000,
        "@article{x, title = " + "{" * 5000 + "a" + "}" * 5000 + "}",
        "x" * 1_000_000,
        "Autori: " + "; ".join(f"Rossi{i}, Mario" for i in range(3000)),
        "[1]  " + "A. " * 50000 + ", 2001, V.",
    ]
    for payload in payloads:
        started = time.process_time()
        attempt(kind, payload)
        assert time.process_time() - started < 60


def test_thousands_of_authors_are_all_kept():
    authors = " and ".join(f"Author{i}, A." for i in range(3000))
    (parsed,) = registry()["bibtex"].parse(f"@article{{big, author = {{{authors}}}, title = {{Big}}}}", Document("big.bib"))
    assert len(parsed.item["creators"]) == 3000


def test_a_50_megabyte_document_parses(tmp_path: Path):
    entry = (FIXTURES / "ris/two_records.ris").read_text()
    big = tmp_path / "big.ris"
    with big.open("w") as handle:
        while handle.tell() < 50 * 2**20:
            handle.write(entry)
    result = parse_paths([str(big)])
    assert not result.errors and len(result.parsed) > 100_000
