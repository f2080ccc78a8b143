"""Apply: the only stage that writes. Runs a plan through a Library in batches of 50.

Creates carry client-made keys with ``version: 0``, recorded in the state as
*pending* before the POST, so a retry or a rerun can never duplicate: a
per-object 412 on such a create means an earlier attempt landed, and the item
is fetched and recorded. Updates carry the item's version; a 412 means the user
edited the item during the run: it is fetched again, re-planned and retried.
Every batch's outcome is committed to the state as soon as it lands. The plan's new
collections are created first. Apply never changes the plan; it is handed the re-plan
function (``replan(entry, current) -> entry``) rather than importing the plan stage.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from zotsync.library.base import BATCH, Library, WriteResult
from zotsync.model import Action, Applied, Outcome, Plan, PlanEntry, Result, Status
from zotsync.state import State

MAX_REPLANS = 2
# an object of a batch that the server's answer does not mention did not land: a failure, said
UNREPORTED = {"code": "no answer", "message": "the server's write report does not mention this object"}
Replan = Callable[[PlanEntry, dict[str, Any]], PlanEntry]


class Applier:
    def __init__(self, library: Library, state: State, replan: Replan,
                 progress: Callable[[int], None] = lambda n: None) -> None:
        self.library, self.state, self.replan, self.progress = library, state, replan, progress
        self.expected = state.library_version
        self.contiguous = True
        self.result = Applied()

    def run(self, plan: Plan) -> Applied:
        self._collections(plan)
        for entry in plan.entries:
            if entry.action in {Action.UNCHANGED, Action.SKIP_DELETED}:
                self._record_quiet(entry)
        self.state.commit()
        self._creates([e for e in plan.entries if e.action == Action.CREATE])
        self._updates([e for e in plan.entries if e.action == Action.UPDATE], MAX_REPLANS)
        if self.contiguous:
            self.state.library_version = self.expected
            self.result.library_version = self.expected
        self.state.commit()
        return self.result

    def _collections(self, plan: Plan) -> None:
        """Create the collections the plan files items in, before any item names them."""
        for collection in plan.collections:
            if collection.action == Action.CREATE:
                self.library.create_collection(collection.key, collection.name)
                self._follow(self.library.last_version, 1)
            self.state.set_collection(collection.name, collection.key)
        self.state.commit()

    # ---- bookkeeping ---------------------------------------------------------
    def _outcome(self, entry: PlanEntry, action: Result, error: str = "") -> None:
        self.result.outcomes.append(Outcome(entry, action, error))
        if error:
            for source in entry.work.sources:
                self.state.record_failure(source, error)
        else:
            self.state.clear_failures(entry.work.sources)

    def _record_quiet(self, entry: PlanEntry) -> None:
        self.state.link_sources(entry.work.sources, entry.key)
        if entry.action == Action.SKIP_DELETED:
            self.state.set_managed(entry.key, Status.DELETED, entry.version, entry.desired)
            self._outcome(entry, Result.SKIPPED)
        else:
            self.state.set_managed(entry.key, Status.SYNCED, entry.version, entry.desired)
            self._outcome(entry, Result.CONFLICT if entry.conflicts else Result.UNCHANGED)

    def _landed(self, obj: dict[str, Any], entry: PlanEntry, action: Result) -> None:
        self.state.link_sources(entry.work.sources, entry.key)  # an adopted item is known by its sources from now on
        self.state.set_managed(entry.key, Status.SYNCED, int(obj["version"]), entry.desired)
        self.state.mirror_put([obj])
        quiet = entry.conflicts and action == Result.UPDATED and not entry.changes
        self._outcome(entry, Result.CONFLICT if quiet else action)

    def _follow(self, version: int | None, bump: int) -> None:
        """Follow the library version while each write moves it by exactly what we wrote."""
        if version is not None and version == self.expected + bump:
            self.expected = version
        elif bump:
            self.contiguous = False

    def _write(self, payloads: list[dict[str, Any]], items: int) -> WriteResult:
        """One POST; the library version is followed and ``items`` plan entries count as done."""
        result = self.library.write(payloads)
        self._follow(result.library_version, len(result.successful) + (1 if result.unchanged else 0))
        self.progress(items)
        return result

    # ---- creates ---------------------------------------------------------------
    def _creates(self, entries: list[PlanEntry]) -> None:
        for batch in _pack(entries):
            for entry in batch:
                self.state.link_sources(entry.work.sources, entry.key)
                self.state.set_managed(entry.key, Status.PENDING, None, entry.desired)
            self.state.commit()
            payloads = [p for entry in batch for p in [entry.payload, *_children(entry)]]
            result = self._write(payloads, len(batch))
            self.state.mirror_put(o for o in result.successful.values() if o["data"].get("parentItem"))
            landed_before: list[PlanEntry] = []
            for i, entry in _parents(batch):
                if i in result.successful:
                    self._landed(result.successful[i], entry, Result.CREATED)
                    self._notes_refused(entry, i, result)
                elif i in result.failed and _already_exists(result.failed[i]):
                    landed_before.append(entry)
                else:
                    self._outcome(entry, Result.FAILED, _message(result.failed.get(i, UNREPORTED)))
            self._recover(landed_before)
            self.state.commit()

    def _notes_refused(self, entry: PlanEntry, index: int, result: WriteResult) -> None:
        """A child note the server refused (or did not report on) fails its item, by name."""
        for n in range(index + 1, index + 1 + len(_children(entry))):
            if n not in result.successful and n not in result.unchanged:
                note = n - index
                self._outcome(entry, Result.FAILED,
                              f"its note {note} was not saved: {_message(result.failed.get(n, UNREPORTED))}")

    def _recover(self, entries: list[PlanEntry]) -> None:
        """Creates whose earlier attempt landed (response lost): fetch and record them."""
        if not entries:
            return
        found = {o["key"]: o for o in self.library.items_by_key([e.key for e in entries])}
        for entry in entries:
            if entry.key in found:
                self._landed(found[entry.key], entry, Result.CREATED)
            else:
                self._outcome(entry, Result.FAILED, "the server reports the key as taken but does not return the item")

    # ---- updates -----------------------------------------------------------------
    def _updates(self, entries: list[PlanEntry], replans: int) -> None:
        stale: list[PlanEntry] = []
        for start in range(0, len(entries), BATCH):
            batch = entries[start:start + BATCH]
            result = self._write([e.payload for e in batch], len(batch))
            for i, entry in enumerate(batch):
                if i in result.successful:
                    self._landed(result.successful[i], entry, Result.UPDATED)
                elif i in result.unchanged:
                    self.state.set_managed(entry.key, Status.SYNCED, entry.version, entry.desired)
                    self._outcome(entry, Result.UNCHANGED)
                elif i in result.failed and result.failed[i].get("code") == 412 and replans > 0:
                    stale.append(entry)
                elif i in result.failed and result.failed[i].get("code") == 404:
                    self.state.set_managed(entry.key, Status.DELETED, entry.version, entry.desired)
                    self._outcome(entry, Result.SKIPPED)
                else:
                    self._outcome(entry, Result.FAILED, _message(result.failed.get(i, UNREPORTED)))
            self.state.commit()
        if stale:
            self._updates(self._replan(stale), replans - 1)

    def _replan(self, entries: list[PlanEntry]) -> list[PlanEntry]:
        """Items edited in Zotero during the run: fetch them and plan them again."""
        fresh = {o["key"]: o for o in self.library.items_by_key([e.key for e in entries])}
        self.state.mirror_put(fresh.values())
        again: list[PlanEntry] = []
        for entry in entries:
            if entry.key not in fresh:
                self.state.set_managed(entry.key, Status.DELETED, entry.version, entry.desired)
                self._outcome(entry, Result.SKIPPED)
                continue
            current = {"version": int(fresh[entry.key]["version"]), "data": fresh[entry.key]["data"]}
            replanned = self.replan(entry, current)
            if replanned.action == Action.UPDATE:
                again.append(replanned)
            else:
                self._record_quiet(replanned)
        return again


def _pack(entries: list[PlanEntry]) -> list[list[PlanEntry]]:
    """Batches of at most 50 objects, each item followed by its child notes."""
    batches: list[list[PlanEntry]] = [[]]
    size = 0
    for entry in entries:
        weight = 1 + len(_children(entry))
        if size + weight > BATCH:
            batches.append([])
            size = 0
        batches[-1].append(entry)
        size += weight
    return [b for b in batches if b]


def _parents(batch: list[PlanEntry]) -> list[tuple[int, PlanEntry]]:
    """Index of each item in the payload list (its notes follow it)."""
    out, index = [], 0
    for entry in batch:
        out.append((index, entry))
        index += 1 + len(_children(entry))
    return out


def _children(entry: PlanEntry) -> list[dict[str, Any]]:
    """The child notes sent with an item: as many as fit in one batch beside it."""
    return entry.children[:BATCH - 1]


def _already_exists(failure: dict[str, Any]) -> bool:
    return failure.get("code") == 412 and "expected 0" in str(failure.get("message", ""))


def _message(failure: dict[str, Any]) -> str:
    return f"{failure.get('code')}: {html.unescape(str(failure.get('message', '')))}"
