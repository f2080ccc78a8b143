"""Schema fit: what the Web API would reject is made valid before anything else sees it."""

from __future__ import annotations

import doctest
import importlib

import pytest

from zotsync import schema


def test_base_fields_are_renamed_to_the_types_own_field():
    item = schema.fit({"itemType": "bookSection", "title": "T", "publicationTitle": "The Book"})
    assert item["bookTitle"] == "The Book" and "publicationTitle" not in item
    thesis = schema.fit({"itemType": "thesis", "title": "T", "publisher": "Univ", "type": "PhD"})
    assert (thesis["university"], thesis["thesisType"]) == ("Univ", "PhD")
    report = schema.fit({"itemType": "report", "title": "T", "publisher": "Inst", "number": "7"})
    assert (report["institution"], report["reportNumber"]) == ("Inst", "7")


def test_fields_the_type_lacks_go_to_extra_as_label_lines():
    item = schema.fit({"itemType": "bookSection", "title": "T", "PMID": "123", "issue": "4", "extra": "Note"})
    assert item["extra"].splitlines() == ["Note", "PMID: 123", "Issue: 4"]
    assert "PMID" not in item and "issue" not in item


def test_unknown_creator_types_become_the_primary_type_and_empties_drop():
    item = schema.fit({"itemType": "film", "title": "T", "creators": [
        {"creatorType": "author", "firstName": "A", "lastName": "B"},
        {"creatorType": "bogus", "name": "Studio"}, {"creatorType": "author", "firstName": "", "lastName": ""}]})
    assert item["creators"] == [{"creatorType": "director", "firstName": "A", "lastName": "B"},
                                {"creatorType": "director", "name": "Studio"}]


def test_identifiers_are_cleaned_and_checked():
    item = schema.fit({"itemType": "book", "title": "T", "DOI": "https://doi.org/10.1000/XYZ.",
                       "ISBN": "978-3-319-30558-5 and 0-000-00000-1", "ISSN": "0028-0837"})
    assert item["DOI"] == "10.1000/XYZ"
    assert item["ISBN"] == "9783319305585"  # the second ISBN fails its checksum
    assert "ISSN" not in item  # 0028-0837 fails its checksum


def test_dates_become_iso_and_free_text_stays():
    assert schema.fit({"itemType": "book", "date": "13 March 2001"})["date"] == "2001-03-13"
    assert schema.fit({"itemType": "book", "date": "Spring 2001"})["date"] == "Spring 2001"


def test_api_limits_are_respected():
    item = schema.fit({"itemType": "book", "title": "é" * 40000, "tags": [{"tag": "t" * 300}],
                       "creators": [{"creatorType": "author", "lastName": "L" * 300, "firstName": "F"}]})
    assert len(item["title"].encode()) <= 65535
    assert len(item["tags"][0]["tag"]) == 255 and len(item["creators"][0]["lastName"]) == 255
    assert schema.validate(item) == []


def test_invalid_type_falls_back_and_validate_names_problems():
    assert schema.fit({"itemType": "nonsense", "title": "T"})["itemType"] == "document"
    assert schema.validate({"itemType": "thesis", "publicationTitle": "X"}) == [
        "'publicationTitle' is not a valid field for type 'thesis'"]


@pytest.mark.parametrize("module", ["zotsync.ids", "zotsync.names", "zotsync.dates", "zotsync.languages",
                                    "zotsync.latex", "zotsync.sources.repository_types",
                                    "zotsync.sources.semanticscholar", "zotsync.sources.vufind"])
def test_doctests(module):
    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0
