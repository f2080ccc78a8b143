"""``zotsync check``: the library read again whole and compared with the state; ``--rebuild`` makes
the state again from the library's zotsync marker lines.

Compared: the library version (lower than the state's: the library was reset or restored), the
items zotsync synced that the library no longer has (and does not list as deleted), the items
edited in Zotero since zotsync last saw them (not a problem: the next sync keeps those edits),
and marker lines the state does not know (a lost or partial state). A rebuild keeps nothing of the
old state but what the library says: each marker line links its source to its item, and the next
sync treats the copy last pushed as unknown (see ``plan._rebuilt``), so no edit is reverted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zotsync import extra
from zotsync.library.base import Library
from zotsync.library.mirror import refresh_mirror
from zotsync.model import Status
from zotsync.state import State


@dataclass
class Findings:
    library_version: int
    state_version: int
    items: int
    managed: int
    missing: list[str] = field(default_factory=list)  # synced keys the library lacks, not listed as deleted
    ahead: list[str] = field(default_factory=list)  # synced keys edited in Zotero since zotsync last saw them
    unknown_markers: dict[str, str] = field(default_factory=dict)  # marker source -> key, unknown to the state

    @property
    def problems(self) -> list[str]:
        out = []
        if self.library_version < self.state_version:
            out.append(f"the library answers version {self.library_version}, lower than the state's "
                       f"{self.state_version}: it was reset or restored")
        if self.missing:
            out.append(f"{len(self.missing)} item(s) zotsync synced are not in the library and not listed as deleted: "
                       + ", ".join(sorted(self.missing)[:10]))
        if self.unknown_markers:
            out.append(f"{len(self.unknown_markers)} zotsync marker line(s) in the library are unknown to the state")
        return out

    def lines(self) -> list[str]:
        return [f"library version {self.library_version} (the state last saw {self.state_version})",
                f"items in the library: {self.items}; synced by zotsync: {self.managed} "
                f"({len(self.missing)} missing, {len(self.ahead)} edited in Zotero since the last sync)",
                f"marker lines unknown to the state: {len(self.unknown_markers)}"]


def read_library(library: Library) -> tuple[list[dict[str, Any]], list[str], int]:
    """Every item, the keys /deleted lists, and the library version: one whole read."""
    items = library.all_items()
    version = library.last_version or 0
    return items, (library.deleted_since(0) if version else []), version


def check(library: Library, state: State) -> Findings:
    items, deleted_keys, version = read_library(library)
    present, deleted = {str(o["key"]): o for o in items}, set(deleted_keys)
    synced = {k: m for k, m in state.managed().items() if m.status == Status.SYNCED}
    known = state.sources()
    unknown = {source: key for key, o in present.items() for source in extra.markers(o["data"].get("extra", ""))
               if known.get(source) != key}
    return Findings(version, state.library_version, len(items), len(synced),
                    [k for k in synced if k not in present and k not in deleted],
                    [k for k, m in synced.items() if k in present and int(present[k]["version"]) > (m.version or 0)],
                    unknown)


def rebuild(library: Library, state: State) -> int:
    """Make the state again from the library: the mirror read whole, each marker line linked. Returns the links."""
    state.forget_all()
    refresh_mirror(library, state)  # a whole read, with the /deleted listing
    links = 0
    for key, obj in state.mirror().items():
        sources = extra.markers(obj["data"].get("extra", ""))
        if sources and not obj["data"].get("parentItem"):
            state.link_sources(sources, key)
            links += len(sources)
    state.set_meta("rebuilt_from_markers", str(links))
    state.commit()
    return links
