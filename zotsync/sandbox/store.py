"""Sandbox storage: libraries of items and collections, kept in memory and written through to SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass
class Library:
    lib_type: str  # "user" or "group"
    lib_id: int
    version: int = 0
    items: dict[str, Obj] = field(default_factory=dict)
    collections: dict[str, Obj] = field(default_factory=dict)
    deleted: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, key) -> version
    _counts: dict[str, int] | None = None

    def child_count(self, parent: str) -> int:
        """Children of an item (or items of a collection, with prefix 'c:'), cached until the next write."""
        if self._counts is None:
            counts: dict[str, int] = {}
            for obj in self.items.values():
                if obj.data.get("parentItem"):
                    counts[obj.data["parentItem"]] = counts.get(obj.data["parentItem"], 0) + 1
                for coll in obj.data.get("collections", []):
                    counts["c:" + coll] = counts.get("c:" + coll, 0) + 1
            for obj in self.collections.values():
                if obj.data.get("parentCollection"):
                    key = "cc:" + obj.data["parentCollection"]
                    counts[key] = counts.get(key, 0) + 1
            self._counts = counts
        return self._counts.get(parent, 0)

    @property
    def name(self) -> str:
        return f"{self.lib_type}s/{self.lib_id}"

    def objects(self, kind: str) -> dict[str, Obj]:
        return self.items if kind == "item" else self.collections


class Store:
    """All libraries of one sandbox. Callers hold ``lock`` around each request."""

    def __init__(self, path: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.libraries: dict[str, Library] = {}
        self.write_tokens: set[tuple[str, str]] = set()
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.db.executescript(SCHEMA)
        self._load()

    def _load(self) -> None:
        for lib, version in self.db.execute("SELECT lib, version FROM libraries"):
            self.library(*lib.split("/")).version = version
        for lib, kind, key, version, data in self.db.execute("SELECT lib, kind, key, version, data FROM objects"):
            self.library(*lib.split("/")).objects(kind)[key] = Obj(key, version, json.loads(data))
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
        lib.objects(kind)[obj.key] = obj
        lib._counts = None
        lib.deleted.pop((kind, obj.key), None)
        self.db.execute("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)",
                        (lib.name, kind, obj.key, obj.version, json.dumps(obj.data)))
        self.db.execute("DELETE FROM deleted WHERE lib = ? AND kind = ? AND key = ?", (lib.name, kind, obj.key))

    def remove(self, lib: Library, kind: str, key: str, version: int) -> None:
        lib.objects(kind).pop(key, None)
        lib._counts = None
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
