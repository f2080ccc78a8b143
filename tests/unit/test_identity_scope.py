"""Source identities are scoped by the document's path; parse problems go through one channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from zotsync.documents import parse_paths
from zotsync.errors import ParseError
from zotsync.sources import registry
from zotsync.sources.base import Document

ENTRY = "@article{{smith2020, title = {{{title}}}, author = {{Smith, John}}, year = 2020}}\n"


def test_same_citation_key_in_two_projects_gives_two_identities(tmp_path: Path) -> None:
    for project, title in (("a", "First paper"), ("b", "Second paper")):
        (tmp_path / project).mkdir()
        (tmp_path / project / "refs.bib").write_text(ENTRY.format(title=title))
    parsed = parse_paths([str(tmp_path)]).parsed
    assert sorted(p.source for p in parsed) == ["bibtex:a/refs.bib#smith2020", "bibtex:b/refs.bib#smith2020"]
    assert {p.item["title"] for p in parsed} == {"First paper", "Second paper"}


def test_a_file_named_directly_is_scoped_by_its_name(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(ENTRY.format(title="A paper"))
    (parsed,) = parse_paths([str(tmp_path / "refs.bib")]).parsed
    assert parsed.source == "bibtex:refs.bib#smith2020"


def test_same_csl_id_in_two_files_gives_two_identities(tmp_path: Path) -> None:
    for name, title in (("one.json", "Alpha"), ("two.json", "Beta")):
        (tmp_path / name).write_text(f'[{{"id": "ITEM-1", "type": "book", "title": "{title}"}}]')
    assert sorted(p.source for p in parse_paths([str(tmp_path)]).parsed) == ["csl:one.json#ITEM-1", "csl:two.json#ITEM-1"]


BROKEN = '@article{good, title = {Good}, year = 2020}\n@article{bad, title = "x}\n@article{fine, title = {Fine}}\n'


def test_problems_are_collected_and_the_rest_is_read() -> None:
    doc = Document("refs.bib")
    parsed = registry()["bibtex"].parse(BROKEN, doc)
    assert [p.item["title"] for p in parsed] == ["Good", "Fine"]
    assert len(doc.problems) == 1 and "refs.bib:2" in str(doc.problems[0])


def test_strict_documents_raise_the_first_problem() -> None:
    with pytest.raises(ParseError, match="refs.bib:2"):
        registry()["bibtex"].parse(BROKEN, Document("refs.bib", strict=True))
