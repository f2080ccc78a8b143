"""Grouping and matching stay linear: the fuzzy title comparer runs only within small buckets."""

from __future__ import annotations

import random

import pytest

from zotsync import match
from zotsync.match import IndexKeys, LibraryIndex
from zotsync.model import Parsed
from zotsync.works import group

WORDS = [f"w{n:04d}x" for n in range(3000)]
COMMON = [f"characterisation{chr(97 + n)}" for n in range(20)]  # long words many titles share
SURNAMES = [f"Surname{n}" for n in range(2000)]


def record(r: random.Random, n: int) -> Parsed:
    words = [*r.sample(COMMON, 2), *(r.choice(WORDS) for _ in range(6))]
    item = {"itemType": "journalArticle", "title": " ".join(words),
            "creators": [{"creatorType": "author", "firstName": "A", "lastName": r.choice(SURNAMES)}],
            "date": str(r.randint(1990, 2024)), "tags": []}
    return Parsed(f"doc:{n}", item, "doc.ris")


@pytest.fixture
def comparisons(monkeypatch):
    """How many times the fuzzy title comparer is called."""
    calls = [0]
    real = match.title_similarity

    def counting(a: str, b: str) -> float:
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(match, "title_similarity", counting)
    return calls


def test_grouping_n_distinct_records_compares_titles_o_n_times(comparisons):
    r = random.Random(4)
    records = [record(r, n) for n in range(4000)]
    works = group(records)
    assert len(works) == 4000
    assert comparisons[0] <= 4000  # all pairs would be eight million


def test_a_near_duplicate_is_still_found_among_thousands(comparisons):
    r = random.Random(5)
    records = [record(r, n) for n in range(3000)]
    twin = records[1234].item
    typo = dict(twin, title=twin["title"][:-1] + "y")  # one letter differs: a fuzzy match
    works = group([*records, Parsed("other:1", typo, "other.bib")])
    assert len(works) == 3000
    assert works[1234].sources == ["doc:1234", "other:1"]
    assert 1 <= comparisons[0] <= 3000


def test_library_index_compares_few_candidates_per_lookup(comparisons):
    r = random.Random(6)
    index = LibraryIndex()
    items = [record(r, n).item for n in range(5000)]
    for n, item in enumerate(items):
        index.add(f"K{n}", item)
    for item in items[:500]:
        assert index.find({**item, "title": item["title"] + " z"}) is not None
    assert comparisons[0] <= 2 * 500


def test_stored_keys_round_trip_and_find_the_same_item():
    item = {"itemType": "book", "title": "Storia del diritto 2", "ISBN": "978-88-15-12345-3",
            "creators": [{"lastName": "De Luca"}], "date": "2001", "extra": "zotsync: bib:x",
            "relations": {"dc:replaces": "http://zotero.org/users/1/items/AAAA2222"}}
    keys = IndexKeys.of(item)
    assert IndexKeys.from_json(keys.to_json()) == keys
    index = LibraryIndex.from_keys(iter([("BOOK2222", keys.to_json())]))
    assert index.find(dict(item, creators=[{"lastName": "Luca"}], extra="")) == "BOOK2222"
    assert index.by_markers(["bib:x"]) == "BOOK2222"
    assert index.find(dict(item, title="Storia del diritto 3", ISBN="")) is None  # Part 2 is not Part 3


def test_notes_and_child_items_are_not_works():
    assert IndexKeys.of({"itemType": "note", "note": "<p>A long enough title here</p>"}).work is None
    assert IndexKeys.of({"itemType": "journalArticle", "title": "t", "parentItem": "P"}).work is None
