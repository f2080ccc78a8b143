"""The local mirror of the library: brought up to date in one place, then read as a frozen Snapshot.

``refresh_mirror`` makes as few requests as it can: the whole library once, then only what
changed since the version last seen (a 304 costs one request), plus the deletions.
``known_collections`` finds the keys of the named collections (the state's cache while the
library has not changed, else one listing, which also finds a collection the user deleted). ``snapshot`` freezes what the plan reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from zotsync.library.base import Library
from zotsync.match import LibraryIndex
from zotsync.model import Snapshot
from zotsync.state import State


@dataclass
class Refresh:
    """What refreshing the mirror found: whether the library changed, the mirrored items that changed
    in it or left it since the last refresh, and what to tell the user once; when the library was
    read whole, its match index, built as the pages were stored (else it is read from the state)."""

    changed: bool
    notices: list[str] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    index: LibraryIndex | None = None


def refresh_mirror(library: Library, state: State) -> Refresh:
    """Bring the local mirror of the library up to date with as few requests as possible.

    A library answering a version lower than the state's, or without any of the items zotsync
    synced, was reset or restored under the kept state: the mirror is read again whole and the
    items missing from it are forgotten, so that they are created again (and the report says so).
    A managed item missing from the mirror alone is asked for by key: only the /deleted listing
    or a 404 on the key says it was deleted, never a damaged mirror."""
    since = state.library_version
    if since == 0:
        return Refresh(True, index=_first_copy(library, state))
    changed = library.changed_versions(since)
    answered = library.last_version
    if answered is not None and answered < since:
        return _rebuild(library, state, f"the library answers version {answered}, lower than the {since} "
                                        "this state last saw: it was reset or restored")
    keys = _follow(library, state, since, changed) if changed is not None else set()
    if _confirm_missing(library, state):
        return _rebuild(library, state, "none of the items zotsync synced are in the library any more, and "
                                        "the library lists none of them as deleted: it was reset or restored")
    return Refresh(changed is not None, keys=keys)


def _follow(library: Library, state: State, since: int, changed: dict[str, int]) -> set[str]:
    """Fetch what changed since ``since``, drop what was deleted; the mirrored keys that changed or left."""
    version = library.last_version or since
    known = state.mirror_versions()
    stale = [key for key, v in changed.items() if known.get(key) != v]
    if stale:
        state.mirror_put(library.items_by_key(stale))
    gone = library.deleted_since(since)
    state.mirror_remove(gone)
    state.add_deleted_keys(gone)
    state.library_version = version
    state.commit()
    return {key for key in (*stale, *gone) if key in known}


def _confirm_missing(library: Library, state: State) -> bool:
    """Ask for the synced items the mirror lacks; a 404 is a deletion. True when every one is gone."""
    missing, synced = state.synced_missing()
    if not missing:
        return False
    found = library.items_by_key(missing)
    state.mirror_put(found)
    gone = set(missing) - {str(o["key"]) for o in found}
    if len(gone) == synced > 1:
        return True
    state.add_deleted_keys(gone)
    state.commit()
    return False


def _rebuild(library: Library, state: State, why: str) -> Refresh:
    """Read the library again whole; forget the synced items it lacks, so that they are created again."""
    before = state.mirror_versions()
    state.forget_library()
    index = _first_copy(library, state)
    after = state.mirror_versions()
    missing, _ = state.synced_missing()
    for key in missing:
        state.forget(key)
    state.commit()
    return Refresh(True, [f"{why}; the state was rebuilt from the library and "
                          f"{len(missing)} missing item{'s' if len(missing) != 1 else ''} will be created again"],
                   {key for key, version in before.items() if after.get(key) != version}, index)


def _first_copy(library: Library, state: State) -> LibraryIndex | None:
    """Read the whole library into the mirror; its match index, or None if an item came twice (the
    library changed while it was read: the stored keys, where the last copy won, are then read)."""
    index: LibraryIndex | None = LibraryIndex()
    seen: set[str] = set()
    for page in library.item_pages():  # page by page: the whole library is never held in memory
        for key, keys, stored in state.mirror_put(page):
            if index is not None and key not in seen:
                seen.add(key)
                index.add_keys(key, keys, stored)
            else:
                index = None
    version = library.last_version or 0
    if version:  # a library with a history: learn what was deleted, so that it is not recreated
        state.add_deleted_keys(library.deleted_since(0))
    state.library_version = version
    state.commit()
    return index


def known_collections(library: Library, state: State, names: Iterable[str], changed: bool = True) -> dict[str, str]:
    """name -> key of the named collections that exist.

    The state's cached keys are believed while the library has not ``changed`` (deleting a
    collection moves the library version); otherwise, or for an unknown name, one listing
    tells: a cached key kept (the user may have renamed it), a deleted one dropped."""
    wanted = sorted(set(names))
    cached = {name: key for name in wanted if (key := state.collection_key(name))}
    if not changed and len(cached) == len(wanted):
        return cached
    if not wanted:
        return {}
    listing = library.collections()
    present = {str(c["key"]) for c in listing}
    known = {name: key for name, key in cached.items() if key in present}
    for collection in listing:
        name = str(collection["data"]["name"])
        if name in wanted:
            known.setdefault(name, str(collection["key"]))
    return known


def snapshot(state: State, library_uri: str, collections: dict[str, str]) -> Snapshot:
    """What the plan reads, as of now: the mirror is read item by item as the plan asks for one."""
    return Snapshot(state.sources(), state.managed(), MirrorView(state), library_uri, collections,
                    filed=state.collections(), deleted=frozenset(state.deleted_keys()), survivors=state.mirror_survivors())


class MirrorView(Mapping[str, dict[str, Any]]):
    """The mirror as a mapping key -> {"version", "data"}, each item decoded when first asked for.

    A run that plans few works reads few items, whatever the size of the library. It is read
    before apply writes (the plan is made first), so it shows the library as of the refresh."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.cache: dict[str, dict[str, Any] | None] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self.cache:
            self.cache[key] = self.state.mirror_get(key)
        found = self.cache[key]
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.state.mirror_key_list())

    def __len__(self) -> int:
        return self.state.mirror_size()
