"""Apply: the only stage that writes. Runs a plan through the client in batches of 50.

Creates carry client-made keys with ``version: 0``, recorded in the state as
*pending* before the POST, so a retry or a rerun can never duplicate: a
per-object 412 on such a create means an earlier attempt landed, and the item
is fetched and recorded. Updates carry the item's version; a 412 means the user
edited the item during the run: it is fetched again, re-planned and retried.
Every batch's outcome is committed to the state as soon as it lands.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zotsync.library.client import BATCH, WriteResult, ZoteroClient
from zotsync.plan import PlanEntry, Snapshot, decide_existing
from zotsync.state import State

MAX_REPLANS = 2


@dataclass
class Outcome:
    entry: PlanEntry
    action: str  # created | updated | unchanged | conflict | skipped | failed
    error: str = ""


@dataclass
class Applied:
    outcomes: list[Outcome] = field(default_factory=list)
    library_version: int | None = None


class Applier:
    def __init__(self, client: ZoteroClient, state: State, snap: Snapshot,
                 progress: Callable[[int], None] = lambda n: None) -> None:
        self.client, self.state, self.snap, self.progress = client, state, snap, progress
        self.expected = state.library_version
        self.contiguous = True
        self.result = Applied()

    def run(self, entries: list[PlanEntry]) -> Applied:
        for entry in entries:
            if entry.action in {"unchanged", "skip_deleted"}:
                self._record_quiet(entry)
        self.state.commit()
        self._creates([e for e in entries if e.action == "create"])
        self._updates([e for e in entries if e.action == "update"], MAX_REPLANS)
        if self.contiguous:
            self.state.library_version = self.expected
            self.result.library_version = self.expected
        self.state.commit()
        return self.result

    # ---- bookkeeping ---------------------------------------------------------
    def _outcome(self, entry: PlanEntry, action: str, error: str = "") -> None:
        self.result.outcomes.append(Outcome(entry, action, error))
        if error:
            for source in entry.work.sources:
                self.state.record_failure(source, error)
        else:
            self.state.clear_failures(entry.work.sources)

    def _record_quiet(self, entry: PlanEntry) -> None:
        self.state.link_sources(entry.work.sources, entry.key)
        if entry.action == "skip_deleted":
            self.state.set_managed(entry.key, "deleted", entry.version, entry.desired)
            self._outcome(entry, "skipped")
        else:
            self.state.set_managed(entry.key, "synced", entry.version, entry.desired)
            self._outcome(entry, "conflict" if entry.conflicts else "unchanged")

    def _landed(self, obj: dict[str, Any], entry: PlanEntry, action: str) -> None:
        self.state.set_managed(entry.key, "synced", int(obj["version"]), entry.desired)
        self.state.mirror_put([obj])
        self.snap.mirror[entry.key] = {"version": int(obj["version"]), "data": obj["data"]}
        self._outcome(entry, "conflict" if entry.conflicts and action == "updated" and not entry.changes else action)

    def _advance(self, result: WriteResult) -> None:
        bump = len(result.successful) + (1 if result.unchanged else 0)
        if result.library_version is not None and result.library_version == self.expected + bump:
            self.expected = result.library_version
        elif bump:
            self.contiguous = False

    def _write(self, payloads: list[dict[str, Any]], items: int) -> WriteResult:
        """One POST; the library version is followed and ``items`` plan entries count as done."""
        result = self.client.write_items(payloads)
        self._advance(result)
        self.progress(items)
        return result

    # ---- creates ---------------------------------------------------------------
    def _creates(self, entries: list[PlanEntry]) -> None:
        for batch in _pack(entries):
            for entry in batch:
                self.state.link_sources(entry.work.sources, entry.key)
                self.state.set_managed(entry.key, "pending", None, entry.desired)
            self.state.commit()
            payloads = [p for entry in batch for p in [entry.payload, *entry.children]]
            result = self._write(payloads, len(batch))
            self.state.mirror_put(o for o in result.successful.values() if o["data"].get("parentItem"))
            landed_before: list[PlanEntry] = []
            for i, entry in _parents(batch):
                if i in result.successful:
                    self._landed(result.successful[i], entry, "created")
                elif i in result.failed and _already_exists(result.failed[i]):
                    landed_before.append(entry)
                elif i in result.failed:
                    self._outcome(entry, "failed", _message(result.failed[i]))
            self._recover(landed_before)
            self.state.commit()

    def _recover(self, entries: list[PlanEntry]) -> None:
        """Creates whose earlier attempt landed (response lost): fetch and record them."""
        if not entries:
            return
        found = {o["key"]: o for o in self.client.items_by_key([e.key for e in entries])}
        for entry in entries:
            if entry.key in found:
                self._landed(found[entry.key], entry, "created")
            else:
                self._outcome(entry, "failed", "the server reports the key as taken but does not return the item")

    # ---- updates -----------------------------------------------------------------
    def _updates(self, entries: list[PlanEntry], replans: int) -> None:
        stale: list[PlanEntry] = []
        for start in range(0, len(entries), BATCH):
            batch = entries[start:start + BATCH]
            result = self._write([e.payload for e in batch], len(batch))
            for i, entry in enumerate(batch):
                if i in result.successful:
                    self._landed(result.successful[i], entry, "updated")
                elif i in result.unchanged:
                    self.state.set_managed(entry.key, "synced", entry.version, entry.desired)
                    self._outcome(entry, "unchanged")
                elif i in result.failed and result.failed[i].get("code") == 412 and replans > 0:
                    stale.append(entry)
                elif i in result.failed and result.failed[i].get("code") == 404:
                    self.state.set_managed(entry.key, "deleted", entry.version, entry.desired)
                    self._outcome(entry, "skipped")
                elif i in result.failed:
                    self._outcome(entry, "failed", _message(result.failed[i]))
            self.state.commit()
        if stale:
            self._updates(self._replan(stale), replans - 1)

    def _replan(self, entries: list[PlanEntry]) -> list[PlanEntry]:
        """Items edited in Zotero during the run: fetch them and plan them again."""
        fresh = {o["key"]: o for o in self.client.items_by_key([e.key for e in entries])}
        self.state.mirror_put(fresh.values())
        again: list[PlanEntry] = []
        for entry in entries:
            if entry.key not in fresh:
                self.state.set_managed(entry.key, "deleted", entry.version, entry.desired)
                self._outcome(entry, "skipped")
                continue
            self.snap.mirror[entry.key] = {"version": fresh[entry.key]["version"], "data": fresh[entry.key]["data"]}
            replanned = decide_existing(entry.work, entry.key, entry.how, self.snap, entry.note)
            if replanned.action == "update":
                again.append(replanned)
            else:
                self._record_quiet(replanned)
        return again


def _pack(entries: list[PlanEntry]) -> list[list[PlanEntry]]:
    """Batches of at most 50 objects, each item followed by its child notes."""
    batches: list[list[PlanEntry]] = [[]]
    size = 0
    for entry in entries:
        weight = 1 + len(entry.children[:BATCH - 1])
        entry.children = entry.children[:BATCH - 1]
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
        index += 1 + len(entry.children)
    return out


def _already_exists(failure: dict[str, Any]) -> bool:
    return failure.get("code") == 412 and "expected 0" in str(failure.get("message", ""))


def _message(failure: dict[str, Any]) -> str:
    return f"{failure.get('code')}: {html.unescape(str(failure.get('message', '')))}"
