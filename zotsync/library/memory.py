"""An in-memory Library with the real server's write rules, for tests and dry experiments.

It keeps one library in the sandbox's store and validates every object with the sandbox's
rules (``sandbox.writes`` / ``sandbox.validate``, checked against the recorded real server):
library and object versions, ``version: 0`` = create only, a per-object 412 on a stale
version, 404 for a version on a missing key, 428 for a key-based write without a version,
409 for a missing parent or collection, 400 for invalid data, at most 50 objects per write.
No HTTP and no threads; ``requests`` counts the requests the web client would have made.
It also acts the user's part (``user_edit``, ``user_delete``) and can fail on cue (``fail_next``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from zotsync.errors import ServiceUnavailable, ZotsyncError
from zotsync.library.base import BATCH, WriteResult
from zotsync.sandbox.objects import collection_json, item_json
from zotsync.sandbox.store import Obj, Store
from zotsync.sandbox.validate import Invalid
from zotsync.sandbox.writes import Writer

PAGE = 100


class LibraryChangedError(ZotsyncError):
    """A write conditioned on a library version the library has moved past (a request-level 412)."""


class MemoryLibrary:
    def __init__(self, lib_type: str = "user", lib_id: int = 1) -> None:
        self.store = Store()
        self.lib = self.store.library(lib_type, lib_id)
        self.writer = Writer(self.store, self.lib, "", "memory")
        self.last_version: int | None = None
        self.requests = 0
        self.faults: list[str] = []  # "outage": raise before the write; "lost": write, then lose the answer

    # ---- reads ----------------------------------------------------------
    def changed_versions(self, since: int) -> dict[str, int] | None:
        self.requests += 1
        self.last_version = self.lib.version  # lower than ``since``: the library was reset
        if self.lib.version == since:
            return None
        return {o.key: o.version for o in self.lib.items.values() if o.version > since}

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        self.requests += math.ceil(len(keys) / BATCH)
        return [self._item(self.lib.items[k]) for k in dict.fromkeys(keys) if k in self.lib.items]

    def all_items(self) -> list[dict[str, Any]]:
        return [item for page in self.item_pages() for item in page]

    def item_pages(self) -> Iterator[list[dict[str, Any]]]:
        self.last_version = self.lib.version
        objects = list(self.lib.items.values())
        for start in range(0, max(len(objects), 1), PAGE):
            self.requests += 1
            yield [self._item(o) for o in objects[start:start + PAGE]]

    def deleted_since(self, since: int) -> list[str]:
        self.requests += 1
        return [key for (kind, key), version in self.lib.deleted.items() if kind == "item" and version > since]

    def collections(self) -> list[dict[str, Any]]:
        self.requests += max(1, math.ceil(len(self.lib.collections) / PAGE))
        return [collection_json(self.lib, o, "") for o in self.lib.collections.values()]

    # ---- writes ---------------------------------------------------------
    def write(self, batch: list[dict[str, Any]], since: int | None = None) -> WriteResult:
        """As the client's write; ``since`` plays If-Unmodified-Since-Version (412 when stale)."""
        if len(batch) > BATCH:
            raise ValueError(f"at most {BATCH} objects per write")
        self.requests += 1
        self._fault("outage")
        if since is not None and since < self.lib.version:
            raise LibraryChangedError(f"the library changed during the write (expected {since}, "
                                      f"found {self.lib.version})")
        result = WriteResult()
        for index, obj in enumerate(batch):
            self._write_one(index, obj, since is not None, result)
        if result.unchanged:
            self.store.bump(self.lib)
        result.library_version = self.last_version = self.lib.version
        self._fault("lost")
        return result

    def _write_one(self, index: int, obj: dict[str, Any], library_ok: bool, result: WriteResult) -> None:
        try:
            outcome, saved = self.writer.save("item", obj, library_ok)
        except Invalid as exc:
            result.failed[index] = {"code": exc.code, "message": exc.message}
            return
        if outcome == "unchanged":
            result.unchanged[index] = saved.key
        else:
            result.successful[index] = self._item(saved)

    def create_collection(self, key: str, name: str) -> dict[str, Any]:
        self.requests += 1
        try:
            _, saved = self.writer.save("collection", {"key": key, "version": 0, "name": name}, False)
        except Invalid as exc:
            raise ZotsyncError(f"cannot create collection {name!r}: {exc.message}") from None
        self.last_version = self.lib.version
        return collection_json(self.lib, saved, "")

    # ---- the user's part, and faults ------------------------------------
    def user_edit(self, key: str, changes: dict[str, Any]) -> None:
        """Change an item as the user would in Zotero (its version and the library's move on)."""
        obj = self.lib.items[key]
        self.writer.save("item", {**changes, "key": key, "version": obj.version}, True)

    def user_delete(self, key: str) -> None:
        """Delete an item for good, as emptying the trash does (it is then listed by /deleted)."""
        self.store.remove(self.lib, "item", key, self.store.bump(self.lib))

    def user_delete_collection(self, key: str) -> None:
        """Delete a collection as the user would in Zotero (its items stay, out of it)."""
        self.writer._delete("collection", key, self.store.bump(self.lib))

    def fail_next(self, fault: str) -> None:
        """``outage``: the next write raises ServiceUnavailable unsent; ``lost``: it lands, its answer is lost."""
        self.faults.append(fault)

    def _fault(self, kind: str) -> None:
        if kind in self.faults[:1]:
            self.faults.pop(0)
            raise ServiceUnavailable(f"the in-memory library simulates a failure ({kind})")

    def _item(self, obj: Obj) -> dict[str, Any]:
        return item_json(self.lib, obj, "")
