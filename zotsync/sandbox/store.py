"""Sandbox storage: libraries of items and collections, kept in memory and written through to SQLite."""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

SCHEMA = """
CREATE TABLE IF NOT EXISTS libraries (lib TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS objects (lib TEXT, kind TEXT, key TEXT, version INTEGER, data TEXT,
                                    PRIMARY KEY (lib, kind, key));
CREATE TABLE IF NOT EXISTS deleted (lib TEXT, kind TEXT, key TEXT, version INTEGER,
                                    PRIMARY KEY (lib, kind, key));
CREATE TABLE IF NOT EXISTS write_tokens (api_key TEXT, token TEXT, created REAL, PRIMARY KEY (api_key, token));
"""


@dataclass
class Obj:
    key: str
    version: int
    data: dict[str, Any]


class Order:
    """The objects of one kind that ``keep`` accepts (all by default) in ascending order of ``key``,
    kept sorted as objects change (an object that ``keep`` stops accepting leaves the order).

    Each object's sort key is remembered as it was when stored, so an object found again (even
    after its data was changed in place) is taken out by a binary search, never by a scan."""

    def __init__(self, key: Callable[[Obj], Any], objects: Iterable[Obj],
                 keep: Callable[[Obj], bool] | None = None) -> None:
        self.key = key
        self.keep = keep or _everything
        pairs = sorted(((key(o), o) for o in objects if self.keep(o)), key=lambda pair: pair[0])
        self.keys: list[Any] = [k for k, _ in pairs]
        self.objs: list[Obj] = [o for _, o in pairs]
        self.at: dict[str, Any] = {o.key: k for k, o in pairs}

    def add(self, obj: Obj) -> None:
        self.remove(obj.key)
        if not self.keep(obj):
            return
        sort_key = self.key(obj)
        i = bisect.bisect_left(self.keys, sort_key)
        self.keys.insert(i, sort_key)
        self.objs.insert(i, obj)
        self.at[obj.key] = sort_key

    def remove(self, key: str) -> None:
        sort_key = self.at.pop(key, None)
        if sort_key is not None:
            i = bisect.bisect_left(self.keys, sort_key)
            del self.keys[i]
            del self.objs[i]


class Backwards(Sequence[Obj]):
    """A list read from its end, without copying it (a descending listing of an ascending order)."""

    def __init__(self, objs: list[Obj]) -> None:
        self.objs = objs

    def __len__(self) -> int:
        return len(self.objs)

    @overload
    def __getitem__(self, index: int) -> Obj: ...

    @overload
    def __getitem__(self, index: slice) -> list[Obj]: ...

    def __getitem__(self, index: int | slice) -> Obj | list[Obj]:
        last = len(self.objs) - 1
        if isinstance(index, slice):
            return [self.objs[last - i] for i in range(len(self.objs))[index]]
        return self.objs[last - range(len(self.objs))[index]]  # range raises IndexError out of bounds

    def __iter__(self) -> Iterator[Obj]:
        return reversed(self.objs)


@dataclass
class Library:
    """One library's objects, with the indexes that keep every request independent of its size.

    ``revision`` changes whenever an object is stored or removed; sorted orders and listings are
    computed at most once per revision (``cached``). Links (an item's children, a collection's
    items and sub-collections) are kept as objects change, so counting them costs nothing.
    Objects change only through ``store`` and ``drop`` (``Store.put`` / ``Store.remove``).
    """

    lib_type: str  # "user" or "group"
    lib_id: int
    version: int = 0
    items: dict[str, Obj] = field(default_factory=dict)
    collections: dict[str, Obj] = field(default_factory=dict)
    deleted: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, key) -> version
    revision: int = 0
    _links: dict[str, set[str]] = field(default_factory=dict)  # link name -> keys of the objects that make it
    _linked: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (kind, key) -> its link names
    _orders: dict[tuple[str, Hashable], Order] = field(default_factory=dict)  # (kind, sort name) -> order
    _cache: dict[Hashable, Sequence[Obj]] = field(default_factory=dict)
    _cache_revision: int = 0

    @property
    def name(self) -> str:
        return f"{self.lib_type}s/{self.lib_id}"

    def objects(self, kind: str) -> dict[str, Obj]:
        return self.items if kind == "item" else self.collections

    # ---- changes -------------------------------------------------------
    def store(self, kind: str, obj: Obj) -> None:
        """Add or replace one object (also when its data was changed in place) and re-link it."""
        self._unlink(kind, obj.key)
        self.objects(kind)[obj.key] = obj
        names = link_names(kind, obj.data)
        if names:
            self._linked[(kind, obj.key)] = names
            for name in names:
                self._links.setdefault(name, set()).add(obj.key)
        for (order_kind, _), order in self._orders.items():
            if order_kind == kind:
                order.add(obj)
        self.revision += 1

    def drop(self, kind: str, key: str) -> None:
        self._unlink(kind, key)
        self.objects(kind).pop(key, None)
        for (order_kind, _), order in self._orders.items():
            if order_kind == kind:
                order.remove(key)
        self.revision += 1

    def _unlink(self, kind: str, key: str) -> None:
        for name in self._linked.pop((kind, key), ()):
            members = self._links[name]
            members.discard(key)
            if not members:
                del self._links[name]

    # ---- derived views ---------------------------------------------------
    def linked(self, name: str) -> set[str]:
        """Keys linked under ``name``: an item key (its children), 'c:' + a collection key (its items),
        'cc:' + a collection key (its sub-collections). The caller must not change the set."""
        return self._links.get(name, _NONE)

    def child_count(self, name: str) -> int:
        """Children of an item (or items of a collection, with prefix 'c:'; sub-collections, 'cc:')."""
        return len(self._links.get(name, _NONE))

    def ordered(self, kind: str, name: Hashable, key: Callable[[Obj], Any],
                keep: Callable[[Obj], bool] | None = None) -> list[Obj]:
        """The objects of a kind that ``keep`` accepts, in ascending ``key`` order: sorted once, then
        kept as objects change.

        ``name`` identifies the order (one per key function and ``keep``); the caller must not change the list."""
        order = self._orders.get((kind, name))
        if order is None:
            order = self._orders[(kind, name)] = Order(key, self.objects(kind).values(), keep)
        return order.objs

    def since(self, kind: str, version: int) -> list[Obj]:
        """The objects of a kind changed after ``version``, oldest change first (the caller must not change the list)."""
        self.ordered(kind, _BY_VERSION, _version_key)
        order = self._orders[(kind, _BY_VERSION)]
        return order.objs[bisect.bisect_left(order.keys, (version + 1,)):]

    def cached(self, key: Hashable, compute: Callable[[], Sequence[Obj]]) -> Sequence[Obj]:
        """``compute()``, remembered until the next change of the library (callers must not change the list)."""
        if self._cache_revision != self.revision or len(self._cache) >= CACHE_ENTRIES:
            self._cache.clear()
            self._cache_revision = self.revision
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


CACHE_ENTRIES = 32
_NONE: set[str] = set()
_BY_VERSION = ("changes", "version")


def _everything(obj: Obj) -> bool:
    return True


def _version_key(obj: Obj) -> tuple[int, str]:
    return obj.version, obj.key


def link_names(kind: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The links an object makes: to its parent item and collections, or to its parent collection."""
    if kind == "item":
        names = ["c:" + coll for coll in data.get("collections") or ()]
        if data.get("parentItem"):
            names.append(data["parentItem"])
        return tuple(dict.fromkeys(names))
    parent = data.get("parentCollection")
    return ("cc:" + parent,) if parent else ()


class Store:
    """All libraries of one sandbox. Callers hold ``lock`` around each request."""

    def __init__(self, path: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.libraries: dict[str, Library] = {}
        self.write_tokens: set[tuple[str, str]] = set()
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        if path:  # a write-ahead log, synced at checkpoints: a commit costs no fsync, the file stays consistent
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._load()

    def _load(self) -> None:
        for lib, version in self.db.execute("SELECT lib, version FROM libraries"):
            self.library(*lib.split("/")).version = version
        for lib, kind, key, version, data in self.db.execute("SELECT lib, kind, key, version, data FROM objects"):
            self.library(*lib.split("/")).store(kind, Obj(key, version, json.loads(data)))
        for lib, kind, key, version in self.db.execute("SELECT lib, kind, key, version FROM deleted"):
            self.library(*lib.split("/")).deleted[(kind, key)] = version
        self.write_tokens = {(k, t) for k, t in self.db.execute("SELECT api_key, token FROM write_tokens")}

    def library(self, lib_type: str, lib_id: int | str) -> Library:
        lib_type = lib_type.rstrip("s")
        name = f"{lib_type}s/{int(lib_id)}"
        if name not in self.libraries:
            self.libraries[name] = Library(lib_type, int(lib_id))
        return self.libraries[name]

    # ---- write-through -------------------------------------------------
    def put(self, lib: Library, kind: str, obj: Obj) -> None:
        lib.store(kind, obj)
        lib.deleted.pop((kind, obj.key), None)
        self.db.execute("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)",
                        (lib.name, kind, obj.key, obj.version, json.dumps(obj.data)))
        self.db.execute("DELETE FROM deleted WHERE lib = ? AND kind = ? AND key = ?", (lib.name, kind, obj.key))

    def remove(self, lib: Library, kind: str, key: str, version: int) -> None:
        lib.drop(kind, key)
        lib.deleted[(kind, key)] = version
        self.db.execute("DELETE FROM objects WHERE lib = ? AND kind = ? AND key = ?", (lib.name, kind, key))
        self.db.execute("INSERT OR REPLACE INTO deleted VALUES (?, ?, ?, ?)", (lib.name, kind, key, version))

    def bump(self, lib: Library) -> int:
        lib.version += 1
        self.db.execute("INSERT OR REPLACE INTO libraries VALUES (?, ?)", (lib.name, lib.version))
        return lib.version

    def remember_token(self, api_key: str, token: str, now: float) -> None:
        self.write_tokens.add((api_key, token))
        self.db.execute("INSERT OR REPLACE INTO write_tokens VALUES (?, ?, ?)", (api_key, token, now))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
