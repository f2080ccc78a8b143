"""Thin -> rich: an item zotsync made from a thin record (one author, an acronym venue, ``et al.`` in
Extra), later matched by a richer record. Where the user has not touched a field the richer value
wins; a field the user edited is theirs; then quiet reruns, also with both records present."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from zotsync import schema
from zotsync.documents import ParseResult
from zotsync.engine import Source, sync
from zotsync.library.memory import MemoryLibrary
from zotsync.model import Parsed, Result
from zotsync.state import State

URI = "http://zotero.org/users/1"
AUTHORS = " and ".join(["Smith, Anna", "Jones, Bob", "Li, Chen", "Rossi, Dario", "Müller, Eva", "Kim, Fay",
                        "Okafor, Gil", "Haddad, Hana"])
RICH = ("@inproceedings{smith2021,\n author={" + AUTHORS + "},\n title={Attention over graphs for sparse retrieval},\n"
        " booktitle={Advances in Neural Information Processing Systems}, year={2021}, pages={100--112},\n"
        " doi={10.5555/thin.1}\n}\n")


def s2_reference(targets: tuple) -> SimpleNamespace:
    """What the Semantic Scholar reader gives for a reference line: one author, the venue's acronym, et al."""
    item = schema.fit({"itemType": "journalArticle", "title": "Attention over graphs for sparse retrieval",
                       "creators": [{"creatorType": "author", "firstName": "Anna", "lastName": "Smith"}],
                       "publicationTitle": "NeurIPS", "date": "2021", "extra": "et al.", "tags": []})
    return SimpleNamespace(parsed=ParseResult(parsed=[Parsed("s2:ref:abc123", item, "s2 paper")]), harvests={})


def run(library: MemoryLibrary, docs: Path, thin: bool = False, full: bool = False) -> list:
    """One sync's outcomes; ``full`` plans the documents again even where the ledger knows them unchanged."""
    state = State(docs.parent / "s.sqlite")
    source = Source([str(docs)], targets=("s2",) if thin else ())  # type: ignore[arg-type]
    try:
        result = sync([source], library, state, URI, fetch=s2_reference, full=full)
    finally:
        state.close()
    assert result.applied is not None
    return result.applied.outcomes


def made_thin(tmp_path: Path) -> tuple[MemoryLibrary, Path, str]:
    docs = tmp_path / "docs"
    docs.mkdir()
    library = MemoryLibrary()
    (created,) = run(library, docs, thin=True)
    key = created.entry.key
    run(library, docs, thin=True)
    (docs / "rich.bib").write_text(RICH)
    return library, docs, key


def test_the_richer_record_wins_where_the_user_has_not_touched_the_item(tmp_path: Path) -> None:
    library, docs, key = made_thin(tmp_path)
    (outcome,) = run(library, docs)
    assert outcome.action == Result.UPDATED and outcome.entry.conflicts == []
    data = library.lib.items[key].data
    assert data["itemType"] == "conferencePaper" and len(data["creators"]) == 8
    assert data["proceedingsTitle"] == "Advances in Neural Information Processing Systems" and data["pages"] == "100–112"
    assert "et al." not in data["extra"] and data["extra"].startswith("zotsync: ")  # its marker kept
    for _ in range(3):  # planned again each time, and quiet
        assert [o.action for o in run(library, docs, full=True)] == [Result.UNCHANGED]
    for _ in range(2):  # both records present: one item, still quiet, still rich
        assert [o.action for o in run(library, docs, thin=True, full=True)] == [Result.UNCHANGED]
    assert len(library.lib.items[key].data["creators"]) == 8 and len(library.lib.items) == 1


def test_a_field_the_user_edited_stays_theirs_and_only_empty_fields_are_filled(tmp_path: Path) -> None:
    library, docs, key = made_thin(tmp_path)
    library.user_edit(key, {"creators": [{"creatorType": "author", "firstName": "Anna", "lastName": "Smith-Jones"}]})
    (outcome,) = run(library, docs)
    data = library.lib.items[key].data
    assert [c["lastName"] for c in data["creators"]] == ["Smith-Jones"]  # the user's list
    assert data["pages"] == "100–112" and outcome.entry.conflicts == []  # empty: filled
