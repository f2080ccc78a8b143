"""Apply over the in-memory library: collections from the plan first, the plan left as it was, and a
412 on an update re-planned through the function the engine hands in."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from zotsync.apply import Applier
from zotsync.documents import ParseResult
from zotsync.keys import key_deriver
from zotsync.library.base import WriteResult
from zotsync.library.memory import MemoryLibrary
from zotsync.library.mirror import known_collections, refresh_mirror, snapshot
from zotsync.match import LibraryIndex, assign_keys
from zotsync.model import Action, CollectionEntry, Plan, PlanEntry, Result, RunResult, Work
from zotsync.plan import plan, replan
from zotsync.report import counts, trouble_lines
from zotsync.state import State

URI = "http://zotero.org/users/1"


def work(source: str = "src:1", collections: tuple[str, ...] = (), **fields: str) -> Work:
    item = {"itemType": "journalArticle", "title": f"A study of {source}", "date": "2020", "tags": [],
            "creators": [{"creatorType": "author", "firstName": "A", "lastName": "Author"}], **fields}
    return Work([source], item, ["doc"], collections=list(collections))


def planned(works: list[Work], library: MemoryLibrary, state: State):
    refresh_mirror(library, state)
    snap = snapshot(state, URI, known_collections(library, state, {n for w in works for n in w.collections}))
    derive = key_deriver(URI)
    return plan(assign_keys(works, snap, LibraryIndex.from_mirror(snap.mirror), derive), snap, derive)


def test_the_plan_lists_the_collections_to_create_and_files_items_in_them() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    the_plan = planned([work(collections=("Shelf",)), work("src:2")], library, state)
    (shelf,) = the_plan.collections
    assert shelf == CollectionEntry("Shelf", shelf.key, Action.CREATE)
    assert the_plan.entries[0].desired["collections"] == [shelf.key]
    assert "collections" not in the_plan.entries[1].desired
    assert library.lib.collections == {}  # planning wrote nothing


def test_apply_creates_the_collections_first_and_leaves_the_plan_as_it_was() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    the_plan = planned([work(collections=("Shelf",), volume="3")], library, state)
    before = copy.deepcopy(the_plan)
    applied = Applier(library, state, replan).run(the_plan)
    assert [o.action for o in applied.outcomes] == [Result.CREATED]
    key = the_plan.collections[0].key
    assert library.lib.collections[key].data["name"] == "Shelf"
    assert library.lib.items[the_plan.entries[0].key].data["collections"] == [key]
    assert the_plan == before
    assert state.collection_key("Shelf") == key
    assert state.library_version == library.lib.version  # followed through the collection's creation too
    again = planned([work(collections=("Shelf",), volume="3")], library, state)
    assert again.collections == [CollectionEntry("Shelf", key, Action.UNCHANGED)] and again.writes == 0


def test_an_update_the_user_raced_is_replanned_with_the_handed_function_and_keeps_their_edit() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    Applier(library, state, replan).run(planned([work(volume="3")], library, state))
    the_plan = planned([work(volume="4")], library, state)
    (entry,) = the_plan.entries
    assert entry.action == Action.UPDATE and entry.changes == {"volume": "4"}
    library.user_edit(entry.key, {"pages": "10-20"})  # the user edits while the run is planning
    calls: list[PlanEntry] = []

    def counting(e: PlanEntry, current: dict) -> PlanEntry:
        calls.append(e)
        return replan(e, current)

    applied = Applier(library, state, counting).run(the_plan)
    assert len(calls) == 1 and [o.action for o in applied.outcomes] == [Result.UPDATED]
    data = library.lib.items[entry.key].data
    assert (data["volume"], data["pages"]) == ("4", "10-20")
    assert entry.version < library.lib.items[entry.key].version and the_plan.entries[0] is entry


def test_a_collection_the_user_deleted_is_made_again_and_the_report_says_so() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    Applier(library, state, replan).run(planned([work(collections=("Shelf",))], library, state))
    (old_key,) = library.lib.collections
    library.user_delete_collection(old_key)
    the_plan = planned([work(collections=("Shelf",)), work("src:2", collections=("Shelf",))], library, state)
    (shelf,) = the_plan.collections
    assert shelf.action == Action.CREATE and shelf.note
    applied = Applier(library, state, replan).run(the_plan)
    assert [o.action for o in applied.outcomes if o.error] == []
    assert [c.data["name"] for c in library.lib.collections.values()] == ["Shelf"]
    new = the_plan.entries[1].key
    assert library.lib.items[new].data["collections"] == [shelf.key]
    lines = trouble_lines(RunResult(ParseResult(), the_plan, applied))
    assert lines == ["notice: collection 'Shelf' was deleted in Zotero; made again"]
    again = planned([work(collections=("Shelf",)), work("src:2", collections=("Shelf",))], library, state)
    assert again.collections == [CollectionEntry("Shelf", shelf.key, Action.UNCHANGED)]  # said once


def test_an_item_the_user_moved_out_of_zotsyncs_collection_is_not_filed_back() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    Applier(library, state, replan).run(planned([work(collections=("Shelf",)), work("src:2", collections=("Shelf",))],
                                                library, state))
    shelf = state.collection_key("Shelf")
    library.create_collection("MINE2345", "Mine")
    moved, kept = (e.key for e in planned([work(), work("src:2")], library, state).entries)
    library.user_edit(moved, {"collections": ["MINE2345"]})
    for _ in range(2):
        the_plan = planned([work(collections=("Shelf",), volume="9"), work("src:2", collections=("Shelf", "Desk"))],
                           library, state)
        Applier(library, state, replan).run(the_plan)
    desk = state.collection_key("Desk")
    assert library.lib.items[moved].data["collections"] == ["MINE2345"]  # the user's move stands
    assert library.lib.items[moved].data["volume"] == "9"  # while the item's fields still follow the source
    assert sorted(library.lib.items[kept].data["collections"]) == sorted([shelf, desk])  # what zotsync newly adds
    the_plan = planned([work(collections=("Shelf",)), work("src:2", collections=("Shelf",))], library, state)
    assert [e.changes.get("collections") for e in the_plan.entries] == [None, [shelf]]  # and newly takes out


class SilentLibrary(MemoryLibrary):
    """A server whose write report is empty: ``{"successful": {}, "failed": {}}`` whatever was sent."""

    def write(self, batch: list[dict], since: int | None = None) -> WriteResult:
        self.requests += 1
        return WriteResult(library_version=self.lib.version)


def test_every_object_of_a_batch_is_accounted_for_an_empty_write_report_fails_each() -> None:
    library, state = SilentLibrary(), State(Path(":memory:"))
    applied = Applier(library, state, replan).run(planned([work(), work("src:2")], library, state))
    assert [(o.action, o.error) for o in applied.outcomes] == \
        [(Result.FAILED, "no answer: the server's write report does not mention this object")] * 2
    assert counts(RunResult(ParseResult(), Plan(), applied))["failed"] == 2


def test_a_child_note_the_server_refuses_is_reported_with_its_item() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    the_plan = planned([dataclasses.replace(work(), notes=["Remark"]), work("src:2")], library, state)
    the_plan.entries[0].children[0]["note"] = "<p>" + "x" * 500_001 + "</p>"  # past the limit, as another tool might send
    applied = Applier(library, state, replan).run(the_plan)
    assert sorted(o.action for o in applied.outcomes) == [Result.CREATED, Result.CREATED, Result.FAILED]
    (failed,) = [o for o in applied.outcomes if o.error]
    assert failed.entry.work.label == "src:1" and failed.error.startswith("its note 1 was not saved: 413: Note ")
    lines = trouble_lines(RunResult(ParseResult(), Plan(), applied))
    assert len(lines) == 1 and lines[0].startswith("failed: src:1 (A study of src:1): its note 1 was not saved: 413")


def test_a_note_past_the_apis_limit_is_cut_to_fit_and_says_so() -> None:
    library, state = MemoryLibrary(), State(Path(":memory:"))
    big = dataclasses.replace(work(), notes=["Remark & more. " * 40000])  # 600,000 characters, more as HTML
    applied = Applier(library, state, replan).run(planned([big], library, state))
    assert [(o.action, o.error) for o in applied.outcomes] == [(Result.CREATED, "")]
    (note,) = [o.data["note"] for o in library.lib.items.values() if o.data["itemType"] == "note"]
    assert note.startswith("<p>Remark &amp; more. Remark") and len(note) <= 500_000
    assert "[zotsync: this note was cut at" in note and "of its 600,000 characters" in note
