"""The local mirror of the library: brought up to date in one place, then read as a frozen Snapshot.

``refresh_mirror`` makes as few requests as it can: the whole library once, then only what
changed since the version last seen (a 304 costs one request), plus the deletions.
``known_collections`` finds the keys of the named collections (the state's cache while the
library has not changed, else one listing, which also finds a collection the user deleted). ``snapshot`` freezes what the plan reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from zotsync.library.base import Library
from zotsync.model import Snapshot
from zotsync.state import State


def refresh_mirror(library: Library, state: State) -> bool:
    """Bring the local mirror of the library up to date with as few requests as possible.

    True when the library changed since the state last saw it (or was read whole)."""
    since = state.library_version
    if since == 0:
        _first_copy(library, state)
        return True
    changed = library.changed_versions(since)
    if changed is None:
        return False
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
    return True


def _first_copy(library: Library, state: State) -> None:
    items = library.all_items()
    version = library.last_version or 0
    state.mirror_put(items)
    if version:  # a library with a history: learn what was deleted, so that it is not recreated
        state.add_deleted_keys(library.deleted_since(0))
    state.library_version = version
    state.commit()


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
    """What the plan reads, as of now."""
    return Snapshot(state.sources(), state.managed(), state.mirror(), library_uri, collections,
                    state.collections(), frozenset(state.deleted_keys()))
