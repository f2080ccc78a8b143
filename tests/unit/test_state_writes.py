"""What a run costs the state: a quiet rerun rewrites nothing, reads few mirrored items; the full read
lands page by page; a version-1 state file is migrated with its rows and gains match keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from zotsync.engine import Source, sync
from zotsync.library.memory import MemoryLibrary
from zotsync.library.mirror import refresh_mirror
from zotsync.match import LibraryIndex
from zotsync.state import SCHEMA_VERSION, State

URI = "http://zotero.org/users/1"
BIB = """@article{one, title={Soil carbon under grazed grassland in the uplands}, author={Rossi, Anna},
  year={2019}, journal={Soil Use}, doi={10.1000/one}}
@book{two, title={A history of the mountain pastures of Europe}, author={Bianchi, Carlo}, year={2012},
  publisher={Alpine Press}}
"""


def item_key(i: int) -> str:
    alphabet = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
    return "".join(alphabet[i // len(alphabet) ** p % len(alphabet)] for p in range(8))


def seeded_library(n: int) -> MemoryLibrary:
    library = MemoryLibrary()
    items = [{"key": item_key(i), "version": 0, "itemType": "journalArticle", "title": f"Library item {i} of many",
              "creators": [{"creatorType": "author", "firstName": "B", "lastName": f"Name{i}"}], "date": "2001"}
             for i in range(n)]
    for start in range(0, n, 50):
        assert not library.write(items[start:start + 50]).failed
    return library


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_a_quiet_rerun_writes_only_the_time_of_the_run(tmp_path: Path, bib: Path) -> None:
    library, state = seeded_library(120), State(tmp_path / "state.sqlite")
    first = sync([Source([str(bib)])], library, state, URI)
    assert sorted(o.action for o in first.applied.outcomes) == ["created", "created"]
    before = state.db.total_changes
    sync([Source([str(bib)])], library, state, URI)
    sync([Source([str(bib)])], library, state, URI)
    assert state.db.total_changes - before <= 2  # last_sync, at most once per run; no item row rewritten
    # (before: every managed and sources row, the library version and the parse errors, on every run)


def test_a_quiet_rerun_decodes_no_mirrored_item_it_does_not_plan(tmp_path: Path, bib: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    library, state = seeded_library(300), State(tmp_path / "state.sqlite")
    sync([Source([str(bib)])], library, state, URI)
    asked: list[str] = []
    real = State.mirror_get

    def counting(self: State, key: str) -> dict | None:
        asked.append(key)
        return real(self, key)

    monkeypatch.setattr(State, "mirror_get", counting)
    monkeypatch.setattr(State, "mirror", lambda self: pytest.fail("the whole mirror was decoded"))
    def unread_keys(self: State):  # type: ignore[no-untyped-def]
        pytest.fail("the match index was loaded")
        yield

    monkeypatch.setattr(State, "mirror_keys", unread_keys)
    result = sync([Source([str(bib)])], library, state, URI, full=True)  # planned again, though unchanged
    assert [o.action for o in result.applied.outcomes] == ["unchanged", "unchanged"]
    assert len(asked) == 2  # the two items planned, of 302


def test_the_first_read_of_the_library_is_stored_page_by_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library, state = seeded_library(250), State(tmp_path / "state.sqlite")
    pages: list[int] = []
    real = State.mirror_put

    def counting(self: State, objects):  # type: ignore[no-untyped-def]
        objects = list(objects)
        pages.append(len(objects))
        return real(self, objects)

    monkeypatch.setattr(State, "mirror_put", counting)
    monkeypatch.setattr(MemoryLibrary, "all_items", lambda self: pytest.fail("the library was read whole"))
    refresh_mirror(library, state)
    assert pages == [100, 100, 50]
    assert state.mirror_size() == 250



def test_a_first_sync_matches_through_the_index_built_as_the_library_was_stored(tmp_path: Path, bib: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    library = seeded_library(150)
    present = {"key": "S2IL2222", "version": 0, "itemType": "journalArticle", "title": "Soil carbon under grazed "
               "grassland in the uplands", "creators": [{"creatorType": "author", "firstName": "A.", "lastName": "Rossi"}],
               "date": "2019"}
    assert not library.write([present]).failed
    state = State(tmp_path / "state.sqlite")

    def unread_keys(self: State):  # type: ignore[no-untyped-def]
        pytest.fail("the stored match keys were read back on a first sync")
        yield

    monkeypatch.setattr(State, "mirror_keys", unread_keys)
    result = sync([Source([str(bib)])], library, state, URI)
    assert sorted(o.action for o in result.applied.outcomes) == ["created", "updated"]
    assert list(state.sources().values()).count("S2IL2222") == 1


def test_an_item_read_twice_while_the_library_changed_is_matched_as_last_stored(tmp_path: Path) -> None:
    library, state = seeded_library(3), State(tmp_path / "state.sqlite")
    first = {"key": "M2VE2222", "version": 1, "data": {"itemType": "book", "title": "Old title of the moved book",
                                                       "DOI": "10.1000/old"}}
    later = {"key": "M2VE2222", "version": 2, "data": {"itemType": "book", "title": "New title of the moved book",
                                                       "DOI": "10.1000/new"}}
    library.item_pages = lambda: iter([[first], [later]])  # type: ignore[method-assign]
    refresh = refresh_mirror(library, state)
    assert refresh.index is None  # the stored keys, where the later copy won, are read instead
    index = LibraryIndex.from_keys(state.mirror_keys())
    assert index.find({"itemType": "book", "title": "x", "DOI": "10.1000/new"}) == "M2VE2222"
    assert index.find({"itemType": "book", "title": "x", "DOI": "10.1000/old"}) is None


VERSION_1 = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (source TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE managed (key TEXT PRIMARY KEY, status TEXT NOT NULL, version INTEGER, pristine TEXT, hash TEXT,
                      updated TEXT);
CREATE TABLE mirror (key TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE failures (source TEXT PRIMARY KEY, message TEXT, at TEXT);
CREATE TABLE collections (name TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE deleted_keys (key TEXT PRIMARY KEY);
INSERT INTO meta VALUES ('schema_version', '1'), ('library_version', '41');
INSERT INTO sources VALUES ('bib:refs.bib#one', 'ITEM2222');
INSERT INTO managed VALUES ('ITEM2222', 'synced', 40, '{"title": "Kept"}', 'h', '2026-01-01T00:00:00Z');
"""


def test_a_version_1_state_file_keeps_its_rows_and_gains_match_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(str(path))
    db.executescript(VERSION_1)
    article = {"itemType": "journalArticle", "title": "Soil carbon", "DOI": "10.1000/ONE", "extra": "zotsync: bib:x"}
    survivor = {"itemType": "book", "title": "Merged", "relations": {"dc:replaces": f"{URI}/items/GONE2222"}}
    db.executemany("INSERT INTO mirror VALUES (?, ?, ?)", [("ITEM2222", 40, json.dumps(article)),
                                                          ("SURV2222", 41, json.dumps(survivor)),
                                                          ("NOTE2222", 41, json.dumps({"itemType": "note"}))])
    db.commit()
    db.close()
    state = State(path)
    assert state.get_meta("schema_version") == str(SCHEMA_VERSION) == "2"
    assert state.library_version == 41
    assert state.sources() == {"bib:refs.bib#one": "ITEM2222"}
    assert state.managed()["ITEM2222"].pristine == {"title": "Kept"}
    assert state.mirror_get("ITEM2222") == {"version": 40, "data": article}
    stored = sqlite3.connect(str(path)).execute("SELECT COUNT(*) FROM mirror WHERE match_keys IS NULL").fetchone()
    assert stored == (0,)
    index = LibraryIndex.from_keys(state.mirror_keys())
    assert index.find({"itemType": "journalArticle", "title": "Other", "DOI": "10.1000/one"}) == "ITEM2222"
    assert index.by_markers(["bib:x"]) == "ITEM2222"
    assert state.mirror_survivors() == {f"{URI}/items/GONE2222": "SURV2222"}
    state.close()
    assert State(path).mirror_size() == 3  # opened again: nothing to migrate, nothing lost
