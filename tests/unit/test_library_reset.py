"""A library reset or restored under a kept state, and a damaged mirror: detected, said once, rebuilt
from the library; a deletion believed only from the /deleted listing or a 404 on the key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from zotsync.check import check
from zotsync.engine import Source, sync
from zotsync.library.memory import MemoryLibrary
from zotsync.model import Result, RunResult
from zotsync.report import counts, notices, summary
from zotsync.state import State

URI = "http://zotero.org/users/1"


def bib(n: int) -> str:
    return "".join(f"@article{{w{i},\n author={{Writer{i}, Wanda}},\n title={{Machine work number {i} on resets}},\n"
                   f" journal={{J}}, year={{2001}}, volume={{{i}}}\n}}\n" for i in range(n))


def run(library: MemoryLibrary, folder: Path, full: bool = False) -> RunResult:
    """One sync; ``full`` plans every document, also those the ledger knows unchanged."""
    state = State(folder / "s.sqlite")
    try:
        return sync([Source([str(folder / "docs")])], library, state, URI, full=full)
    finally:
        state.close()


def actions(result: RunResult) -> list[Result]:
    return sorted(o.action for o in result.applied.outcomes) if result.applied else []


def setup(tmp_path: Path, n: int = 3) -> MemoryLibrary:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "refs.bib").write_text(bib(n))
    library = MemoryLibrary()
    assert actions(run(library, tmp_path)) == [Result.CREATED] * n
    return library


def test_an_empty_library_under_a_kept_state_is_detected_and_filled_again(tmp_path: Path) -> None:
    setup(tmp_path)
    reset = MemoryLibrary()  # the same library id, reset (a sandbox restarted, a library emptied and rebuilt)
    result = run(reset, tmp_path)
    assert len(result.notices) == 1 and "reset or restored" in result.notices[0]
    assert actions(result) == [Result.CREATED] * 3 and len(reset.lib.items) == 3
    assert not summary(counts(result), result.requests).startswith("Everything up-to-date")
    again = run(reset, tmp_path, full=True)
    assert again.notices == [] and actions(again) == [Result.UNCHANGED] * 3  # said once


def test_a_restored_library_at_a_higher_version_without_the_items_is_detected(tmp_path: Path) -> None:
    setup(tmp_path)
    restored = MemoryLibrary()
    for i in range(12):  # another history: a version past the state's, none of zotsync's items
        restored.write([{"key": f"OTHER{i:03d}".replace("0", "A"), "version": 0, "itemType": "book", "title": f"B{i}"}])
    result = run(restored, tmp_path)
    assert len(result.notices) == 1 and actions(result) == [Result.CREATED] * 3


def damage_the_mirror(folder: Path) -> None:
    db = sqlite3.connect(folder / "s.sqlite")
    db.execute("DELETE FROM mirror")
    db.execute("DELETE FROM deleted_keys")
    db.commit()
    db.close()


def test_a_damaged_mirror_never_marks_live_items_deleted(tmp_path: Path) -> None:
    library = setup(tmp_path)
    damage_the_mirror(tmp_path)
    result = run(library, tmp_path, full=True)
    assert result.notices == [] and actions(result) == [Result.UNCHANGED] * 3
    (tmp_path / "docs" / "refs.bib").write_text(bib(3).replace("volume={2}", "volume={22}"))
    assert actions(run(library, tmp_path)) == [Result.UNCHANGED, Result.UNCHANGED, Result.UPDATED]  # still followed


def test_with_a_damaged_mirror_a_deletion_is_believed_from_a_404_on_the_key(tmp_path: Path) -> None:
    library = setup(tmp_path)
    gone = next(iter(library.lib.items))
    library.user_delete(gone)
    library.lib.deleted.clear()  # the /deleted listing says nothing either
    damage_the_mirror(tmp_path)
    result = run(library, tmp_path, full=True)
    assert result.notices == [] and actions(result) == [Result.SKIPPED, Result.UNCHANGED, Result.UNCHANGED]
    assert gone not in library.lib.items and len(library.lib.items) == 2  # not recreated


def test_the_state_lost_while_a_source_changed_is_rebuilt_once_and_later_changes_go_in(tmp_path: Path) -> None:
    library = setup(tmp_path)
    key = next(k for k, o in library.lib.items.items() if o.data["volume"] == "1")
    library.user_edit(key, {"title": "My own title"})
    (tmp_path / "s.sqlite").unlink()
    (tmp_path / "docs" / "refs.bib").write_text(bib(3).replace("volume={1}", "volume={100}"))
    rebuilt = run(library, tmp_path)
    assert [n for n in notices(rebuilt) if n.startswith("state rebuilt")] == \
        ["state rebuilt: 3 items zotsync made found by the zotsync lines in their Extra; 1 differs from its source, "
         "and there the library's values are kept until the source changes them"]
    assert actions(rebuilt) == [Result.UNCHANGED] * 3 and library.lib.items[key].data["volume"] == "1"  # unknown base
    quiet = run(library, tmp_path, full=True)
    assert notices(quiet) == [] and actions(quiet) == [Result.UNCHANGED] * 3  # said once
    (tmp_path / "docs" / "refs.bib").write_text(bib(3).replace("volume={1}", "volume={101}"))
    later = run(library, tmp_path)
    assert actions(later) == [Result.UNCHANGED, Result.UNCHANGED, Result.UPDATED]
    assert [o.entry.conflicts for o in later.applied.outcomes] == [[], [], []]
    data = library.lib.items[key].data
    assert (data["volume"], data["title"]) == ("101", "My own title")  # the source's change in, the user's edit kept
    assert actions(run(library, tmp_path)) == []  # nothing changed: nothing read, nothing written
    assert actions(run(library, tmp_path, full=True)) == [Result.UNCHANGED] * 3


def test_check_names_a_reset_library_and_the_items_it_lacks(tmp_path: Path) -> None:
    setup(tmp_path)
    state = State(tmp_path / "s.sqlite")
    try:
        findings = check(MemoryLibrary(), state)
    finally:
        state.close()
    assert (findings.items, findings.managed, len(findings.missing)) == (0, 3, 3)
    assert [p.split(":")[0] for p in findings.problems] == [
        f"the library answers version 0, lower than the state's {findings.state_version}",
        "3 item(s) zotsync synced are not in the library and not listed as deleted"]
