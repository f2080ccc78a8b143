"""Plan: a pure function of what the sources say, what was last pushed, and what the library holds.

Per work it decides: create; update only the fields whose source value changed
since the pristine copy; unchanged (never re-sent); keep the user's value where
the user changed the same field (a conflict, reported); leave alone an item the
user deleted or trashed; follow an item the user merged to its survivor.
Items zotsync finds but did not create are only filled in where empty.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zotsync import extra, schema
from zotsync.match import LibraryIndex
from zotsync.state import Managed
from zotsync.works import Work

SKIP_FIELDS = {"key", "version", "dateAdded", "dateModified", "deleted", "creators", "tags", "relations",
               "collections", "parentItem", "itemType"}


@dataclass
class PlanEntry:
    action: str  # create | update | unchanged | skip_deleted
    work: Work
    key: str
    version: int
    desired: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    how: str = "state"  # state | marker | match | merged | new
    note: str = ""
    children: list[dict[str, Any]] = field(default_factory=list)  # child notes created with the item

    @property
    def payload(self) -> dict[str, Any]:
        if self.action == "create":
            return {**self.desired, "key": self.key, "version": 0}
        return {**self.changes, "key": self.key, "version": self.version}


@dataclass
class Snapshot:
    """Everything the plan reads: state and the mirrored library."""

    sources: dict[str, str]
    managed: dict[str, Managed]
    mirror: dict[str, dict[str, Any]]
    library_uri: str
    collection: str | None = None
    deleted: set[str] = field(default_factory=set)  # keys the library reports as permanently deleted


def plan(works: list[Work], snap: Snapshot, new_key: Callable[[str], str]) -> list[PlanEntry]:
    """``new_key(seed)`` gives the key for a new object; zotsync derives it from the source identity."""
    index = LibraryIndex(snap.mirror)
    keyed = assign_keys(works, snap, index, new_key)
    relate(keyed, snap.library_uri)
    entries = [decide(work, key, how, snap) for work, key, how in keyed]
    for entry in entries:
        if entry.action == "create":
            entry.children = [note_payload(new_key(f"{entry.work.label}#note{n}"), entry.key, text)
                              for n, text in enumerate(entry.work.notes)]
    return entries


def note_payload(key: str, parent: str, text: str) -> dict[str, Any]:
    """A child note (a BibTeX ``note`` field, as Zotero's importer makes one), created with its parent."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return {"key": key, "version": 0, "itemType": "note", "parentItem": parent, "note": paragraphs}


def assign_keys(works: list[Work], snap: Snapshot, index: LibraryIndex,
                new_key: Callable[[str], str]) -> list[tuple[Work, str, str]]:
    out: list[tuple[Work, str, str]] = []
    taken: dict[str, int] = {}
    for work in works:
        key, how = locate(work, snap, index)
        if key is None:
            key, how = new_key(work.label), "new"
        if key in taken:  # two works resolved to one library item: one item it is
            other = out[taken[key]][0]
            other.sources += [s for s in work.sources if s not in other.sources]
            other.cited_by += [c for c in work.cited_by if c not in other.cited_by]
            continue
        taken[key] = len(out)
        out.append((work, key, how))
    return out


def locate(work: Work, snap: Snapshot, index: LibraryIndex) -> tuple[str | None, str]:
    for source in work.sources:
        if source in snap.sources:
            return snap.sources[source], "state"
    key = index.by_markers(work.sources)
    if key:
        return key, "marker"
    key = index.find(work.item)
    return (key, "match") if key else (None, "new")


def relate(keyed: list[tuple[Work, str, str]], library_uri: str) -> None:
    """Relate each reference to the paper that cites it, both ways (dc:relation)."""
    key_of = {source: key for work, key, _ in keyed for source in work.sources}
    for work, key, _ in keyed:
        for paper in work.cited_by:
            paper_key = key_of.get(paper)
            if paper_key and paper_key != key:
                _add_relation(work.item, f"{library_uri}/items/{paper_key}")
                paper_work = next(w for w, k, _ in keyed if k == paper_key)
                _add_relation(paper_work.item, f"{library_uri}/items/{key}")


def _add_relation(item: dict[str, Any], uri: str) -> None:
    relations = dict(item.get("relations") or {})
    values = _as_list(relations.get("dc:relation"))
    if uri not in values:
        values.append(uri)
    relations["dc:relation"] = values
    item["relations"] = relations


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return list(value) if isinstance(value, list) else [value]


def desired_data(work: Work, snap: Snapshot, marked: bool) -> dict[str, Any]:
    data = {k: v for k, v in work.item.items() if k not in {"key", "version"}}
    if marked:
        data["extra"] = extra.add_markers(data.get("extra", ""), work.sources)
    wanted = set(work.collections) | ({snap.collection} if snap.collection else set())
    if wanted:
        data["collections"] = sorted(set(data.get("collections", [])) | wanted)
    return data


def decide(work: Work, key: str, how: str, snap: Snapshot) -> PlanEntry:
    current = snap.mirror.get(key)
    managed = snap.managed.get(key)
    if how == "state" and current is None:
        survivor = merged_into(key, snap)
        if survivor:
            return decide_existing(work, survivor, "merged", snap, f"merged in Zotero into {survivor}")
        if managed is None or managed.status == "pending":
            return PlanEntry("create", work, key, 0, desired_data(work, snap, True), how="state")
        return PlanEntry("skip_deleted", work, key, 0, managed.pristine, note="deleted in Zotero; not recreated")
    if how == "new" and key in snap.deleted:
        return PlanEntry("skip_deleted", work, key, 0, desired_data(work, snap, True), how="new",
                         note="deleted in Zotero; not recreated")
    if how == "new":
        return PlanEntry("create", work, key, 0, desired_data(work, snap, True), how="new")
    return decide_existing(work, key, how, snap)


def merged_into(key: str, snap: Snapshot) -> str | None:
    uri = f"{snap.library_uri}/items/{key}"
    for other, obj in snap.mirror.items():
        if uri in _as_list((obj["data"].get("relations") or {}).get("dc:replaces")) and not obj["data"].get("deleted"):
            return other
    return None


def decide_existing(work: Work, key: str, how: str, snap: Snapshot, note: str = "") -> PlanEntry:
    current = snap.mirror[key]
    data = current["data"]
    managed = snap.managed.get(key)
    three_way = how == "state" and managed is not None and managed.status in {"synced", "pending"}
    desired = desired_data(work, snap, marked=how != "match" and how != "merged")
    if data.get("deleted"):
        return PlanEntry("skip_deleted", work, key, current["version"], desired,
                         how=how, note="in the Zotero trash; left alone")
    entry = PlanEntry("unchanged", work, key, current["version"], desired, how=how, note=note)
    if three_way:
        assert managed is not None
        _three_way(entry, managed.pristine, data)
    else:
        _fill_empty(entry, data)
        entry.note = entry.note or ("adopted an item already in the library" if how == "match" else "")
    _merge_lists(entry, managed.pristine if three_way and managed else {}, data)
    if entry.changes:
        entry.action = "update"
    return entry


def _three_way(entry: PlanEntry, pristine: dict[str, Any], current: dict[str, Any]) -> None:
    desired = entry.desired
    current_type = current.get("itemType", "")
    if desired.get("itemType") != pristine.get("itemType") and current_type == pristine.get("itemType"):
        _type_change(entry, pristine, current)
        return
    names = (set(desired) | set(pristine)) - SKIP_FIELDS | {"creators"}
    for name in sorted(names):
        if name != "creators" and schema.is_valid_type(current_type) and not schema.has_field(current_type, name):
            continue  # the user gave the item another type: fields it lacks are not ours to send
        src, pri, cur = desired.get(name, _empty(name)), pristine.get(name, _empty(name)), current.get(name, _empty(name))
        if src == pri or cur == src or src in ("", []):
            continue  # a value the source no longer gives is left in place, never cleared
        if cur == pri:
            entry.changes[name] = schema.fit_creators(current_type, src) if name == "creators" else src
        else:
            entry.conflicts.append(name)


def _type_change(entry: PlanEntry, pristine: dict[str, Any], current: dict[str, Any]) -> None:
    """The source now says another item type: change it, clear only what the new type cannot hold."""
    new_type = entry.desired["itemType"]
    entry.changes["itemType"] = new_type
    for name, value in current.items():
        if name not in SKIP_FIELDS and value and not schema.has_field(new_type, name):
            entry.changes[name] = ""
    for name, value in entry.desired.items():
        if name in SKIP_FIELDS or not value:
            continue
        cur = current.get(name, "") if schema.has_field(current.get("itemType", ""), name) else ""
        if not cur or cur == pristine.get(name, ""):
            entry.changes[name] = value
    if current.get("creators") != schema.fit_creators(new_type, current.get("creators", [])):
        same = current.get("creators") == pristine.get("creators")
        entry.changes["creators"] = entry.desired.get("creators", []) if same else \
            schema.fit_creators(new_type, current.get("creators", []))


def _fill_empty(entry: PlanEntry, current: dict[str, Any]) -> None:
    for name, value in entry.desired.items():
        if name in SKIP_FIELDS and name != "creators":
            continue
        if not value or current.get(name):
            continue
        if name == "extra" or name in current or name == "creators":
            entry.changes[name] = value


def _merge_lists(entry: PlanEntry, pristine: dict[str, Any], current: dict[str, Any]) -> None:
    cur_tags = [t for t in current.get("tags", [])]
    cur_names = {t["tag"] for t in cur_tags}
    src_names = {t["tag"] for t in entry.desired.get("tags", [])}
    pri_names = {t["tag"] for t in pristine.get("tags", [])}
    add = [t for t in entry.desired.get("tags", []) if t["tag"] not in cur_names and t["tag"] not in pri_names]
    drop = (pri_names - src_names) & cur_names
    if add or drop:
        entry.changes["tags"] = [t for t in cur_tags if t["tag"] not in drop] + add
    relations = dict(current.get("relations") or {})
    changed = False
    for predicate, values in (entry.desired.get("relations") or {}).items():
        have = _as_list(relations.get(predicate))
        new = [v for v in _as_list(values) if v not in have]
        if new:
            relations[predicate] = have + new
            changed = True
    if changed:
        entry.changes["relations"] = relations
    wanted = set(entry.desired.get("collections", [])) - set(current.get("collections", []))
    if wanted:
        entry.changes["collections"] = list(current.get("collections", [])) + sorted(wanted)


def _empty(name: str) -> Any:
    return [] if name == "creators" else ""
