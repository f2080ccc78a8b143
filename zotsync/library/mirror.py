"""The local mirror of the library: brought up to date in one place, then read as a frozen Snapshot.

``refresh_mirror`` makes as few requests as it can: the whole library once, then only what
changed since the version last seen (a 304 costs one request), plus the deletions.
``known_collections`` finds the keys of the named collections (the state's cache first, then
one listing). ``snapshot`` freezes what the plan reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from zotsync.library.base import Library
from zotsync.model import Snapshot
from zotsync.state import State


def refresh_mirror(library: Library, state: State) -> None:
    """Bring the local mirror of the library up to date with as few requests as possible."""
    since = state.library_version
    if since == 0:
        _first_copy(library, state)
        return
    changed = library.changed_versions(since)
    if changed is None:
        return
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


def _first_copy(library: Library, state: State) -> None:
    for page in library.item_pages():  # page by page: the whole library is never held in memory
        state.mirror_put(page)
    version = library.last_version or 0
    if version:  # a library with a history: learn what was deleted, so that it is not recreated
        state.add_deleted_keys(library.deleted_since(0))
    state.library_version = version
    state.commit()


def known_collections(library: Library, state: State, names: Iterable[str]) -> dict[str, str]:
    """name -> key of the named collections that exist; the library is asked only about unknown names."""
    wanted = sorted(set(names))
    known: dict[str, str] = {}
    for name in wanted:
        cached = state.collection_key(name)
        if cached:
            known[name] = cached
    missing = set(wanted) - set(known)
    if missing:
        for collection in library.collections():
            name = str(collection["data"]["name"])
            if name in missing:
                known.setdefault(name, str(collection["key"]))
    return known


def snapshot(state: State, library_uri: str, collections: dict[str, str]) -> Snapshot:
    """What the plan reads, as of now: the mirror is read item by item as the plan asks for one."""
    return Snapshot(state.sources(), state.managed(), MirrorView(state), library_uri, collections,
                    deleted=frozenset(state.deleted_keys()), survivors=state.mirror_survivors())


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
