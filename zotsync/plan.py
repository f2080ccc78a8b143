"""Plan: a pure function of what the sources say, what was last pushed, and what the library holds.

``plan(matched, snapshot, new_key)`` decides per work: create; update only the fields whose
source value changed since the pristine copy; unchanged (never re-sent); keep the user's value
where the user changed the same field (a conflict, reported); leave alone an item the user
deleted or trashed; follow an item the user merged to its survivor. Items zotsync finds but did
not create are only filled in where empty. It also lists the collections items are filed in,
and which of them must be created. ``replan(entry, current)`` decides one entry again against a
fresh copy of its item (apply calls it after a 412). No I/O; the inputs are never changed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from zotsync import extra, schema
from zotsync.match import LibraryIndex
from zotsync.model import Action, CollectionEntry, How, Matched, Plan, PlanEntry, Snapshot, Status, Work

NOTE_LIMIT = 500_000  # characters of a note's HTML the Zotero API accepts (its Notes::$MAX_NOTE_LENGTH)
UNKNOWN_BASE = "zotsync:unknown-base"  # in a pristine copy: fields whose base was unknown at a state rebuild
SKIP_FIELDS = {"key", "version", "dateAdded", "dateModified", "deleted", "creators", "tags", "relations",
               "collections", "parentItem", "itemType", UNKNOWN_BASE}


def plan(matched: list[Matched], snap: Snapshot, new_key: Callable[[str], str]) -> Plan:
    """``new_key(seed)`` gives the key for a new object; zotsync derives it from the source identity."""
    collections = plan_collections(matched, snap, new_key)
    keys = {c.name: c.key for c in collections}
    entries = [decide(m, snap, keys) for m in relate(_pending_found(matched, snap), snap.library_uri)]
    return Plan([_with_notes(entry, new_key) for entry in entries], collections)


def _pending_found(matched: list[Matched], snap: Snapshot) -> list[Matched]:
    """A create that never landed, whose work the user has since made by hand: adopt that item, not a duplicate."""
    pending = [i for i, m in enumerate(matched) if m.how == How.STATE and m.key not in snap.mirror
               and (managed := snap.managed.get(m.key)) is not None and managed.status == Status.PENDING]
    if not pending:
        return matched
    index = snap.index or LibraryIndex.from_mirror(snap.mirror)
    taken, out = {m.key for m in matched}, list(matched)
    for i in pending:
        found = index.find(matched[i].work.item)
        if found and found not in taken and found not in snap.managed:
            out[i] = replace(matched[i], key=found, how=How.MATCH)
            taken.add(found)
    return out


def plan_collections(matched: list[Matched], snap: Snapshot, new_key: Callable[[str], str]) -> list[CollectionEntry]:
    """Every collection a work is filed in: known ones by their key, missing ones to create."""
    names = sorted({name for m in matched for name in m.work.collections})
    return [CollectionEntry(name, snap.collections[name], Action.UNCHANGED) if name in snap.collections
            else CollectionEntry(name, new_key(f"collection:{name}"), Action.CREATE,
                                 "deleted in Zotero; made again" if name in snap.filed else "")
            for name in names]


def _with_notes(entry: PlanEntry, new_key: Callable[[str], str]) -> PlanEntry:
    if entry.action != Action.CREATE or not entry.work.notes:
        return entry
    return replace(entry, children=[note_payload(new_key(f"{entry.work.label}#note{n}"), entry.key, text)
                                    for n, text in enumerate(entry.work.notes)])


def note_payload(key: str, parent: str, text: str) -> dict[str, Any]:
    """A child note (a BibTeX ``note`` field, as Zotero's importer makes one), created with its parent.

    A note past the API's limit (which it refuses with 413) is cut to fit, and says so at its end."""
    note = _note_html(text)
    if len(note) > NOTE_LIMIT:
        keep = NOTE_LIMIT - 200
        while len(note := _note_html(text[:keep])) > NOTE_LIMIT - 200:
            keep = keep * 9 // 10
        note += (f"<p>[zotsync: this note was cut at {keep:,} of its {len(text):,} characters; "
                 f"Zotero takes notes of at most {NOTE_LIMIT:,}]</p>")
    return {"key": key, "version": 0, "itemType": "note", "parentItem": parent, "note": note}


def _note_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def relate(matched: list[Matched], library_uri: str) -> list[Matched]:
    """Relate each reference to the paper that cites it, both ways (dc:relation), on copies.

    One pass: only the items that gain a relation are copied."""
    key_of = {source: m.key for m in matched for source in m.work.sources}
    item_of = {m.key: m.work.item for m in matched}
    items: dict[str, dict[str, Any]] = {}
    for m in matched:
        for paper in m.work.cited_by:
            paper_key = key_of.get(paper)
            if paper_key and paper_key != m.key:
                _add_relation(items.setdefault(m.key, dict(item_of[m.key])), f"{library_uri}/items/{paper_key}")
                _add_relation(items.setdefault(paper_key, dict(item_of[paper_key])), f"{library_uri}/items/{m.key}")
    return [m if items.get(m.key, m.work.item) == m.work.item else replace(m, work=replace(m.work, item=items[m.key]))
            for m in matched]


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


def desired_data(work: Work, collection_keys: Mapping[str, str], marked: bool) -> dict[str, Any]:
    """What the sources say the item holds; ``marked`` (creates only) adds zotsync's marker lines to Extra.

    An existing item is compared without marker lines (``_value``): a marker is never the
    source's value, so it can neither look like a change nor overwrite another's Extra."""
    data = {k: v for k, v in work.item.items() if k not in {"key", "version"}}
    if marked:
        data["extra"] = extra.add_markers(data.get("extra", ""), work.sources)
    wanted = {collection_keys[name] for name in work.collections if name in collection_keys}
    if wanted:
        data["collections"] = sorted(set(data.get("collections", [])) | wanted)
    return data


def decide(matched: Matched, snap: Snapshot, collection_keys: Mapping[str, str]) -> PlanEntry:
    work, key, how = matched.work, matched.key, matched.how
    current = snap.mirror.get(key)
    managed = snap.managed.get(key)
    if how == How.STATE and current is None:
        survivor = merged_into(key, snap)
        if survivor:
            desired = desired_data(work, collection_keys, marked=False)
            return decide_existing(work, survivor, How.MERGED, desired, None, snap.mirror[survivor],
                                   f"merged in Zotero into {survivor}")
        if managed is None or managed.status == Status.PENDING:
            return PlanEntry(Action.CREATE, work, key, 0, desired_data(work, collection_keys, True), how=How.STATE)
        return PlanEntry(Action.SKIP_DELETED, work, key, 0, managed.pristine, note="deleted in Zotero; not recreated")
    desired = desired_data(work, collection_keys, marked=how == How.NEW)
    if how in {How.MARKER, How.STATE} and managed is None:  # the state lost, or rebuilt from the marker lines
        return _rebuilt(work, key, desired, snap.mirror[key], how)
    if how == How.NEW and key in snap.deleted:
        return PlanEntry(Action.SKIP_DELETED, work, key, 0, desired, how=how, note="deleted in Zotero; not recreated")
    if how == How.NEW:
        return PlanEntry(Action.CREATE, work, key, 0, desired, how=how)
    three_way = how == How.STATE and managed is not None and managed.status in {Status.SYNCED, Status.PENDING}
    pristine = managed.pristine if three_way and managed is not None else None
    if how == How.MATCH and managed is not None and managed.status == Status.SYNCED and managed.pristine:
        return _enriched(work, key, desired, managed.pristine, snap.mirror[key])
    return decide_existing(work, key, how, desired, pristine, snap.mirror[key])


def _enriched(work: Work, key: str, desired: dict[str, Any], pristine: dict[str, Any],
              current: dict[str, Any]) -> PlanEntry:
    """Another record matched an item zotsync made: where the user has not touched a field (it is as
    zotsync last pushed it), the richer value wins; elsewhere only empty fields are filled."""
    entry = decide_existing(work, key, How.MATCH, desired, None, current, "matched an item zotsync made from another record")
    if entry.action == Action.SKIP_DELETED:
        return entry
    data = current["data"]
    if desired.get("itemType") != data.get("itemType") and data.get("itemType") == pristine.get("itemType"):
        _type_change(entry, pristine, data)
    item_type = entry.changes.get("itemType", data.get("itemType", ""))
    for name in sorted((set(desired) - SKIP_FIELDS) | {"creators"}):
        src, pri, cur = (_value(d, name) for d in (desired, pristine, data))
        if not src or src == cur or name in entry.changes and name != "creators":
            continue
        if name not in {"creators", "extra"} and not schema.has_field(item_type, name):
            continue
        if cur == pri and _richer(src, cur):
            entry.changes[name] = _sent(name, src, data, item_type)
    if len(entry.changes.get("creators", [])) > len(data.get("creators") or []):
        _drop_et_al(entry, pristine, data)
    if entry.changes:
        entry.action = Action.UPDATE
    return entry


def _richer(src: Any, cur: Any) -> bool:
    """More creators, or a longer value (a venue's full name beside its acronym, a full date beside a year)."""
    return len(src) > len(cur) if isinstance(src, list) and isinstance(cur, list) else len(str(src)) > len(str(cur))


def _drop_et_al(entry: PlanEntry, pristine: dict[str, Any], current: dict[str, Any]) -> None:
    """The ``et al.`` line zotsync wrote for a truncated author list goes once the full list is in."""
    lines = extra.lines(entry.changes.get("extra", current.get("extra", "")))
    if "et al." in lines and "et al." in extra.lines(pristine.get("extra", "")):
        entry.changes["extra"] = "\n".join(line for line in lines if line != "et al.")


def _rebuilt(work: Work, key: str, desired: dict[str, Any], current: dict[str, Any], how: How) -> PlanEntry:
    """An item zotsync made, found by its marker with the state lost: the copy last pushed is unknown.

    Only its empty fields are filled (where it differs from the source, the user may have edited
    it), and those fields are remembered as of unknown base: when the source changes one of them
    later, the change goes in rather than being reported as a conflict with an edit nobody may
    have made. (Zotero's dateModified, to the second, cannot tell an untouched item from one edited
    right after its creation, so it is not used.)"""
    data = current["data"]
    unknown = sorted(name for name in (set(desired) & set(data)) - SKIP_FIELDS
                     if _value(desired, name) and _value(data, name) and _value(desired, name) != _value(data, name))
    return decide_existing(work, key, how, {**desired, UNKNOWN_BASE: unknown} if unknown else desired, None, current)


def merged_into(key: str, snap: Snapshot) -> str | None:
    """The item the user merged ``key`` into: looked up in the snapshot's survivors (one scan of a hand-made
    snapshot's mirror otherwise)."""
    uri = f"{snap.library_uri}/items/{key}"
    if snap.survivors is not None:
        return snap.survivors.get(uri)
    for other, obj in snap.mirror.items():
        if uri in _as_list((obj["data"].get("relations") or {}).get("dc:replaces")) and not obj["data"].get("deleted"):
            return other
    return None


def replan(entry: PlanEntry, current: dict[str, Any]) -> PlanEntry:
    """``entry`` decided again against ``current`` ({"version", "data"}), a fresh copy of its item."""
    return decide_existing(entry.work, entry.key, entry.how, entry.desired, entry.pristine, current, entry.note)


def decide_existing(work: Work, key: str, how: How, desired: dict[str, Any], pristine: dict[str, Any] | None,
                    current: dict[str, Any], note: str = "") -> PlanEntry:
    """An item already in the library: three-way against ``pristine`` when given, else fill in the empty."""
    data = current["data"]
    if data.get("deleted"):
        return PlanEntry(Action.SKIP_DELETED, work, key, current["version"], desired,
                         how=how, note="in the Zotero trash; left alone")
    entry = PlanEntry(Action.UNCHANGED, work, key, current["version"], desired, how=how, note=note, pristine=pristine)
    if pristine is not None:
        _three_way(entry, pristine, data)
    else:
        _fill_empty(entry, data)
        entry.note = entry.note or ("adopted an item already in the library" if how == How.MATCH else "")
    _merge_lists(entry, pristine or {}, data)
    if entry.changes:
        entry.action = Action.UPDATE
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
        src, pri, cur = (_value(d, name) for d in (desired, pristine, current))
        if src == pri or cur == src or src in ("", []):
            continue  # a value the source no longer gives is left in place, never cleared
        if cur == pri or name in pristine.get(UNKNOWN_BASE, ()):
            entry.changes[name] = _sent(name, src, current, current_type)
        else:
            entry.conflicts.append(name)
    unresolved = [n for n in pristine.get(UNKNOWN_BASE, ()) if n not in entry.changes and _value(current, n) != _value(desired, n)]
    if unresolved:  # still of unknown base: remembered until the source changes them
        entry.desired = {**desired, UNKNOWN_BASE: unresolved}


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
        cur = _value(current, name) if schema.has_field(current.get("itemType", ""), name) else ""
        if not cur or cur == _value(pristine, name):
            entry.changes[name] = _sent(name, _value(entry.desired, name), current, new_type)
    if current.get("creators") != schema.fit_creators(new_type, current.get("creators", [])):
        same = current.get("creators") == pristine.get("creators")
        entry.changes["creators"] = entry.desired.get("creators", []) if same else \
            schema.fit_creators(new_type, current.get("creators", []))


def _value(data: Mapping[str, Any], name: str) -> Any:
    """A field's value as compared three-way: Extra without zotsync's marker lines."""
    value = data.get(name, _empty(name))
    return extra.without_markers(value) if name == "extra" else value


def _sent(name: str, value: Any, current: Mapping[str, Any], item_type: str) -> Any:
    """The value written for a field: creators fitted to the item's type, Extra keeping the item's markers."""
    if name == "creators":
        return schema.fit_creators(item_type, value)
    if name == "extra":
        return extra.add_markers(value, extra.markers(current.get("extra", "")))
    return value


def _fill_empty(entry: PlanEntry, current: dict[str, Any]) -> None:
    for name in entry.desired:
        if name in SKIP_FIELDS and name != "creators":
            continue
        value = _value(entry.desired, name)
        if not value or _value(current, name):
            continue
        if name == "extra" or name in current or name == "creators":
            entry.changes[name] = _sent(name, value, current, current.get("itemType", "")) if name == "extra" else value


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
    _merge_collections(entry, pristine, current)


def _merge_collections(entry: PlanEntry, pristine: dict[str, Any], current: dict[str, Any]) -> None:
    """Three-way, like the tags: zotsync files in (or takes out of) only what it changed since it last
    pushed; a collection the user took the item out of is theirs to leave."""
    src, pri = set(entry.desired.get("collections", [])), set(pristine.get("collections", []))
    have = list(current.get("collections", []))
    add, drop = (src - pri) - set(have), (pri - src) & set(have)
    if add or drop:
        entry.changes["collections"] = [c for c in have if c not in drop] + sorted(add)


def _empty(name: str) -> Any:
    return [] if name == "creators" else ""
