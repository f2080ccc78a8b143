"""Quiet reruns write nothing and report nothing, whatever the history of the items: adopted
hand-made items (with or without an Extra of their own), a renamed .bib, and a BibTeX entry
adopted onto an item zotsync made from another record. Over the in-memory library, through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from zotsync.engine import Source, sync
from zotsync.errors import ServiceUnavailable
from zotsync.library.memory import MemoryLibrary
from zotsync.model import Result
from zotsync.state import State

URI = "http://zotero.org/users/1"
ENTRY = ("@article{{{key},\n author={{Smith, Anna and Jones, Bob}},\n title={{A paper about adopted items in libraries}},\n"
         " journal={{Journal of Tests}}, year={{2020}}, volume={{3}}, doi={{10.1111/aaa}}\n}}\n")
OTHER = ("@book{{{key},\n author={{Rossi, Carla}},\n title={{Storia della lingua nelle biblioteche}},\n"
         " publisher={{Il Mulino}}, year={{2019}}\n}}\n")


def run(library: MemoryLibrary, folder: Path, state_path: Path) -> list:
    state = State(state_path)
    try:
        result = sync([Source([str(folder)])], library, state, URI)
    finally:
        state.close()
    assert result.applied is not None
    return result.applied.outcomes


def hand_made(library: MemoryLibrary, key: str, **fields: str) -> None:
    """An item the user made in Zotero (or another tool did), before zotsync ever ran."""
    library.write([{"key": key, "version": 0, "itemType": "journalArticle", "date": "2020",
                    "creators": [{"creatorType": "author", "firstName": "Anna", "lastName": "Smith"}], **fields}])


def assert_quiet(library: MemoryLibrary, folder: Path, state_path: Path, runs: int = 4) -> None:
    version = library.lib.version
    for _ in range(runs):
        outcomes = run(library, folder, state_path)
        assert [(o.action, o.entry.conflicts, o.entry.note) for o in outcomes] == [(Result.UNCHANGED, [], "")] * len(outcomes)
    assert library.lib.version == version  # nothing written


def test_adopted_hand_made_items_stay_quiet_and_their_extra_is_left_alone(tmp_path: Path) -> None:
    library = MemoryLibrary()
    hand_made(library, "HANDMADE", title="A paper about adopted items in libraries", DOI="10.1111/aaa", extra="my note")
    hand_made(library, "HANDMAD2", title="Storia della lingua nelle biblioteche", date="2019",
              creators=[{"creatorType": "author", "firstName": "Carla", "lastName": "Rossi"}])  # an empty Extra
    (tmp_path / "refs.bib").write_text(ENTRY.format(key="smith2020") + OTHER.format(key="rossi2019"))
    first = run(library, tmp_path, tmp_path / "s.sqlite")
    assert {o.entry.key for o in first} == {"HANDMADE", "HANDMAD2"}
    assert_quiet(library, tmp_path, tmp_path / "s.sqlite")
    assert library.lib.items["HANDMADE"].data["extra"] == "my note"
    assert "zotsync" not in library.lib.items["HANDMAD2"].data.get("extra", "")
    assert len(library.lib.items) == 2


def test_a_renamed_bib_stays_quiet(tmp_path: Path) -> None:
    library, docs = MemoryLibrary(), tmp_path / "docs"
    docs.mkdir()
    (docs / "refs.bib").write_text(ENTRY.format(key="smith2020"))
    run(library, docs, tmp_path / "s.sqlite")
    (docs / "refs.bib").rename(docs / "paper.bib")
    run(library, docs, tmp_path / "s.sqlite")
    assert_quiet(library, docs, tmp_path / "s.sqlite")
    assert len(library.lib.items) == 1


def test_an_entry_adopted_onto_an_item_zotsync_made_from_another_record_stays_quiet(tmp_path: Path) -> None:
    library, docs = MemoryLibrary(), tmp_path / "docs"
    docs.mkdir()
    (docs / "thin.bib").write_text("@article{ref1,\n author={Smith, A.},\n title={A paper about adopted items in libraries},\n"
                                   " journal={JT}, year={2020}, doi={10.1111/aaa}\n}\n")
    run(library, docs, tmp_path / "s.sqlite")
    (docs / "thin.bib").unlink()
    (docs / "rich.bib").write_text(ENTRY.format(key="smith2020"))
    run(library, docs, tmp_path / "s.sqlite")
    assert_quiet(library, docs, tmp_path / "s.sqlite")
    (data,) = [o.data for o in library.lib.items.values()]
    assert data["extra"].startswith("zotsync: ")  # its marker is kept


def test_a_hand_made_item_matching_a_create_that_never_landed_is_adopted_not_duplicated(tmp_path: Path) -> None:
    library = MemoryLibrary()
    (tmp_path / "refs.bib").write_text(ENTRY.format(key="smith2020"))
    library.fail_next("outage")
    with pytest.raises(ServiceUnavailable):
        run(library, tmp_path, tmp_path / "s.sqlite")  # the create is recorded as pending, then the server is down
    hand_made(library, "HANDMADE", title="A paper about adopted items in libraries", DOI="10.1111/aaa")
    (outcome,) = run(library, tmp_path, tmp_path / "s.sqlite")
    assert outcome.entry.key == "HANDMADE" and outcome.action == Result.UPDATED  # filled in where empty
    assert list(library.lib.items) == ["HANDMADE"]
    assert_quiet(library, tmp_path, tmp_path / "s.sqlite")
