"""CSL-JSON read by shape: package.json is not CSL, wrong shapes never crash or leak a Python repr,
Crossref's CSL (DOI content negotiation) maps fully."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED, needs_shared
from zotsync import schema
from zotsync.errors import ParseError
from zotsync.sources import recognise, registry
from zotsync.sources.base import Document
from zotsync.sources.csljson import CREATOR_FROM_CSL, csl_date

CSL = registry()["csljson"]
DOI = SHARED / "http/doi"
RECORD = {"id": "x1", "type": "article-journal", "title": "A title", "author": [{"family": "Rossi", "given": "Anna"}],
          "issued": {"date-parts": [[2020, 5, 1]]}}
WRONG_SHAPES: list[Any] = [None, True, 3, 2.5, "", [], [None], [1, {"a": 1}], {"a": [1]}, [[["deep"]]],
                           {"date-parts": "x"}, "Smith, John", float("nan")]


def parse(record: Any, name: str = "x.json") -> list[dict[str, Any]]:
    return [schema.fit(p.item) for p in CSL.parse(json.dumps(record), Document(name))]


@pytest.mark.parametrize("text", [
    '{"name": "thesis", "version": "1.0.0", "type": "module", "dependencies": {"a": "1"}}',
    '{"type": "commonjs", "id": "x", "title": 1}',
    '[{"type": "Feature", "id": 1, "geometry": {"type": "Point"}}]',
    '{"type": "service_account", "project_id": "p", "author": "me"}',
    '{"$schema": "x", "title": "A JSON Schema", "type": "object", "properties": {}}'])
def test_json_that_is_not_csl_is_not_taken(text: str):
    assert CSL.sniff(text, "data.json") == 0.0
    with pytest.raises(ParseError):
        recognise(text, "data.json", in_folder=True)


def test_csl_is_taken_by_its_shape():
    assert CSL.sniff(json.dumps([RECORD]), "export.json") >= 0.9
    assert CSL.sniff(json.dumps({"items": [RECORD]}), "x") >= 0.9
    assert CSL.sniff('[{"type": "book", "title": "Broken JSON", ', "x.json") > 0  # so the error says why


@pytest.mark.parametrize("variable", sorted({*schema.csl_text_fields(), *schema.csl_date_fields(), *CREATOR_FROM_CSL,
                                             "keyword", "id", "type", "container-title-short"}))
def test_a_wrong_shape_in_any_field_never_crashes_nor_leaks_a_repr(variable: str):
    for value in WRONG_SHAPES:
        try:
            items = parse([{**RECORD, variable: value}])
        except ParseError:  # no title, or a type that is not CSL: not a CSL item, said so
            assert variable in {"title", "type"}
            continue
        assert len(items) == 1
        for item in items:
            for name, text in item.items():
                if isinstance(text, str):
                    assert not text.startswith(("[", "{")) and text not in {"True", "None", "nan"}, (variable, name)


def test_values_of_a_plain_meaning_are_read_in_the_wrong_shape():
    (item,) = parse([{**RECORD, "author": "Smith, John", "editor": {"family": "Verdi", "given": "G."},
                      "issued": {"date-parts": "2020"}, "volume": 12, "title": ["Listed title"]}])
    assert item["creators"] == [{"creatorType": "author", "name": "Smith, John"},
                                {"creatorType": "editor", "firstName": "G.", "lastName": "Verdi"}]
    assert (item["date"], item["volume"], item["title"]) == ("2020", "12", "Listed title")


@pytest.mark.parametrize("value, iso", [
    ({"date-parts": [[2020, 5, 1]]}, "2020-05-01"), ({"date-parts": [["2013", 1, 1]]}, "2013-01-01"),
    ({"date-parts": [2019, 3]}, "2019-03"), ({"date-parts": "2020"}, "2020"), ({"date-parts": 2021}, "2021"),
    ({"date-parts": [[2020, 21]]}, "2020"), ({"date-parts": [[2010], [2012]]}, "2010"),
    ({"date-parts": [[None]], "literal": "Spring 1999"}, "Spring 1999"), ({"raw": "1999-12"}, "1999-12"),
    ({"date-parts": [[]]}, ""), ({"date-parts": [[0]]}, ""), ("2004", "2004"), ([1, 2], ""), (True, "")])
def test_csl_dates_in_every_shape(value: Any, iso: str):
    assert csl_date(value) == iso


def test_a_license_list_becomes_rights_text_and_the_short_container_title_an_abbreviation():
    licence = [{"URL": "https://creativecommons.org/licenses/by/4.0/", "content-version": "vor",
                "start": {"date-parts": [[2020, 1, 1]]}},
               {"URL": "https://creativecommons.org/licenses/by/4.0/", "content-version": "tdm"},
               {"URL": "https://doi.org/10.15223/policy-029", "content-version": "stm-asf"}]
    (item,) = parse([{**RECORD, "license": licence, "container-title": "Journal of Things",
                      "container-title-short": "J. Things"}])
    assert item["rights"] == "https://creativecommons.org/licenses/by/4.0/; https://doi.org/10.15223/policy-029"
    assert item["journalAbbreviation"] == "J. Things"
    (item,) = parse([{**RECORD, "license": "CC-BY 4.0"}])
    assert item["rights"] == "CC-BY 4.0"


def test_records_that_are_not_csl_are_named_and_the_rest_read():
    doc = Document("mixed.json")
    parsed = CSL.parse(json.dumps([RECORD, "a string", {"type": "article-journal"}, {**RECORD, "title": ""}]), doc)
    assert [p.item["title"] for p in parsed] == ["A title"]
    assert [e.message for e in doc.problems] == ["record 2 is not a CSL item (a JSON string): not read",
                                                 "record 3 is not a CSL item (a JSON object): not read",
                                                 "record 4 has no title: not read"]


def test_a_crossref_rest_answer_is_read():
    answer = {"status": "ok", "message-type": "work", "message": {**RECORD, "type": "journal-article"}}
    (item,) = parse(answer)
    assert item["itemType"] == "journalArticle" and item["title"] == "A title"


def cassette_bodies() -> list[str]:
    yaml = pytest.importorskip("yaml")
    bodies = []
    for path in sorted(DOI.glob("*citeproc_json.yaml")):
        for exchange in yaml.safe_load(path.read_text())["interactions"]:
            body = exchange["response"]["body"].get("string")
            if isinstance(body, bytes):
                body = gzip.decompress(body).decode("utf-8")
            if exchange["request"]["uri"].endswith("csl+json") and exchange["response"]["status"]["code"] == 200:
                bodies.append(body)
    return bodies


@needs_shared(DOI)
def test_doi_content_negotiation_csl_maps_fully():
    bodies = cassette_bodies()
    assert len(bodies) == 2
    for body in bodies:
        assert CSL.sniff(body, "10.1126_science.169.3946.635.json") >= 0.9
        (parsed,) = CSL.parse(body, Document("doi.json"))
        item = schema.fit(parsed.item)
        assert item["itemType"] == "journalArticle"
        assert (item["title"], item["publicationTitle"], item["journalAbbreviation"]) == (
            "The Structure of Ordinary Water", "Science", "Science")
        assert (item["volume"], item["issue"], item["pages"], item["date"]) == ("169", "3946", "635-641", "1970-08-14")
        assert item["DOI"] == "10.1126/science.169.3946.635" and item["ISSN"] == "0036-8075, 1095-9203"
        assert item["creators"] == [{"creatorType": "author", "firstName": "Henry S.", "lastName": "Frank"}]
        assert (item["publisher"], item["language"]) == (
            "American Association for the Advancement of Science (AAAS)", "en")
        assert "<jats:" not in item.get("abstractNote", "") and "[" not in item.get("extra", "")
    assert bodies and json.loads(bodies[0]).get("abstract", "").startswith("<jats:p>")


def test_no_traceback_on_deeply_nested_json(tmp_path: Path):
    from zotsync.documents import parse_paths

    (tmp_path / "deep.json").write_text('[{"type": "book", "title": "x", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    result = parse_paths([str(tmp_path / "deep.json")])
    assert not result.parsed and len(result.errors) == 1


def test_random_json_in_csl_fields_never_crashes():
    from hypothesis import given
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.sampled_from(["family", "given", "literal", "date-parts", "URL", "raw"]),
                                            inner, max_size=3), max_leaves=8)
    variables = st.sampled_from(sorted({*schema.csl_text_fields(), *schema.csl_date_fields(), *CREATOR_FROM_CSL,
                                        "keyword", "license", "type", "id"}))

    @given(st.dictionaries(variables, values, max_size=6))
    def check(fields: dict[str, Any]) -> None:
        try:
            items = parse([{**RECORD, **fields}])
        except ParseError as exc:  # not a CSL item any more (its title or type was replaced): said so
            assert exc.message == "no CSL-JSON items found"
            return
        assert all(isinstance(v, (str, list)) for item in items for v in item.values())

    check()
