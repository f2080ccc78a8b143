"""Sync state: one SQLite database per library, mode 0600.

It holds the library version last seen, a mirror of the library's items (for
matching and three-way merges, each with its match keys), per item zotsync manages: its source
identities, its Zotero key and version, and the pristine data last pushed; and the ledger of documents
whose records all landed (``zotsync.unchanged``: their digests, so they are not read again).
Each batch's outcome is committed as soon as it lands. The ``meta`` row ``schema_version``
says which layout the file has; an older file is migrated at open, a newer or unreadable one
is refused with a StateError that says what to do (nothing in Zotero depends on this file).
``State(Path(":memory:"))`` keeps the state in memory (tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from zotsync import jsontext
from zotsync.errors import StateError
from zotsync.match import IndexKeys
from zotsync.model import Managed, Status

__all__ = ["Managed", "State", "StateError", "Status", "content_hash", "now"]

SCHEMA_VERSION = 2
# version N -> the SQL that takes a version N-1 database to N (SCHEMA below is always the newest layout)
MIGRATIONS: dict[int, str] = {
    2: "ALTER TABLE mirror ADD COLUMN match_keys TEXT;",  # the item's IndexKeys, computed when it enters
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS managed (key TEXT PRIMARY KEY, status TEXT NOT NULL, version INTEGER,
                                    pristine TEXT, hash TEXT, updated TEXT);
CREATE TABLE IF NOT EXISTS mirror (key TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL,
                                   match_keys TEXT);
CREATE TABLE IF NOT EXISTS failures (source TEXT PRIMARY KEY, message TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deleted_keys (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS ledger (document TEXT NOT NULL, part TEXT NOT NULL, config TEXT NOT NULL,
                                   digest TEXT NOT NULL, keys TEXT NOT NULL, PRIMARY KEY (document, part));
"""


def _private_file(path: Path) -> None:
    """The state holds the library's data: readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def damaged(path: Path, why: str) -> StateError:
    return StateError(f"state DB {path} is damaged: move it away and rerun; nothing in Zotero is lost ({why})")


def schema_version(db: sqlite3.Connection) -> int | None:
    """The layout version of an open database; None for a new, empty one."""
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    row = db.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone() if "meta" in tables else None
    return int(row[0]) if row else 1  # files from before the version row have the first layout


def _fill_match_keys(db: sqlite3.Connection) -> None:
    """Version 2: the match keys of the rows mirrored before, from their data."""
    rows = db.execute("SELECT key, data FROM mirror WHERE match_keys IS NULL").fetchall()
    db.executemany("UPDATE mirror SET match_keys = ? WHERE key = ?",
                   [(IndexKeys.of(jsontext.loads(data)).to_json(), key) for key, data in rows])


# version N -> what fills in, after MIGRATIONS[N], what SQL alone cannot compute
BACKFILLS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _fill_match_keys}


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the database to SCHEMA_VERSION; refuse one written by a newer zotsync."""
    try:
        found = schema_version(db)
    except ValueError:
        raise damaged(path, "its schema version is not a number") from None
    if found is not None and found > SCHEMA_VERSION:
        raise damaged(path, f"schema version {found}; this zotsync knows up to {SCHEMA_VERSION}")
    db.executescript(SCHEMA)
    for version in range((found or SCHEMA_VERSION) + 1, SCHEMA_VERSION + 1):
        db.executescript(MIGRATIONS[version])
        if version in BACKFILLS:
            BACKFILLS[version](db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    db.commit()


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            if str(path) != ":memory:":
                _private_file(path)
            self.db = sqlite3.connect(str(path))
            migrate(self.db, path)
        except sqlite3.OperationalError as exc:
            raise StateError(f"cannot use the state database {path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # not a database, or a corrupt one
            raise damaged(path, str(exc)) from exc
        except OSError as exc:
            raise StateError(f"cannot use the state database {path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def commit(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error as exc:
            raise StateError(f"cannot write the state database {self.path}: {exc}") from exc

    def _exec(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, tuple(args))
        except sqlite3.OperationalError as exc:
            raise StateError(f"cannot write the state database {self.path}: {exc}") from exc

    # ---- meta --------------------------------------------------------------
    def get_meta(self, name: str, default: str = "") -> str:
        row = self._exec("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def set_meta(self, name: str, value: str) -> None:
        """Rows are written only when they change (here and below): a quiet run rewrites nothing."""
        self._exec("INSERT INTO meta VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value "
                   "WHERE value IS NOT excluded.value", (name, value))

    @property
    def library_version(self) -> int:
        return int(self.get_meta("library_version", "0") or 0)

    @library_version.setter
    def library_version(self, version: int) -> None:
        self.set_meta("library_version", str(version))

    # ---- mirror --------------------------------------------------------------
    def mirror_put(self, objects: Iterable[dict[str, Any]]) -> list[tuple[str, IndexKeys, str]]:
        """Store items as the library has them, with their match keys (computed here, once);
        (key, match keys, their stored JSON) of each item, for an index built as the mirror is."""
        stored: list[tuple[str, IndexKeys, str]] = []
        rows = []
        for obj in objects:
            keys = IndexKeys.of(obj["data"])
            text = keys.to_json()
            stored.append((obj["key"], keys, text))
            rows.append((obj["key"], int(obj["version"]), jsontext.dumps(obj["data"]), text))
        try:
            self.db.executemany("INSERT OR REPLACE INTO mirror (key, version, data, match_keys) VALUES (?, ?, ?, ?)",
                                rows)
        except sqlite3.OperationalError as exc:
            raise StateError(f"cannot write the state database {self.path}: {exc}") from exc
        return stored

    def mirror_remove(self, keys: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM mirror WHERE key = ?", [(k,) for k in keys])

    def mirror(self) -> dict[str, dict[str, Any]]:
        """key -> {"version", "data"} for every item of the library last seen."""
        return {k: {"version": v, "data": jsontext.loads(d)} for k, v, d in self._exec("SELECT key, version, data FROM mirror")}

    def mirror_get(self, key: str) -> dict[str, Any] | None:
        """{"version", "data"} of one mirrored item, or None."""
        row = self._exec("SELECT version, data FROM mirror WHERE key = ?", (key,)).fetchone()
        return {"version": row[0], "data": jsontext.loads(row[1])} if row else None

    def mirror_keys(self) -> Iterator[tuple[str, str]]:
        """(key, stored IndexKeys JSON) of every mirrored item, without decoding the items."""
        yield from self._mirror_keys()

    def _mirror_keys(self, where: str = "") -> Iterator[tuple[str, str]]:
        rows = self._exec(f"SELECT key, match_keys, CASE WHEN match_keys IS NULL THEN data END FROM mirror {where}")
        while batch := rows.fetchmany(1000):  # read as consumed: the rows are never all in memory at once
            for key, stored, data in batch:
                yield key, stored or IndexKeys.of(jsontext.loads(data)).to_json()

    def mirror_survivors(self) -> dict[str, str]:
        """URI of a merged item -> key of the item (not in the trash) that names it in dc:replaces."""
        out: dict[str, str] = {}
        for key, stored in self._mirror_keys("WHERE match_keys IS NULL OR instr(match_keys, '/items/') > 0"):
            keys = IndexKeys.from_json(stored)
            for uri in () if keys.deleted else keys.replaces:
                out.setdefault(uri, key)
        return out

    def mirror_key_list(self) -> list[str]:
        return [k for (k,) in self._exec("SELECT key FROM mirror")]

    def mirror_versions(self) -> dict[str, int]:
        return dict(self._exec("SELECT key, version FROM mirror").fetchall())

    def mirror_size(self) -> int:
        return int(self._exec("SELECT COUNT(*) FROM mirror").fetchone()[0])

    def forget_library(self) -> None:
        """Drop the mirror, the deletions seen and the version: the library is to be read again whole."""
        self._exec("DELETE FROM mirror")
        self._exec("DELETE FROM deleted_keys")
        self.library_version = 0

    def forget_all(self) -> None:
        """Drop everything the state knows of the library (``zotsync check --rebuild`` makes it again)."""
        for table in ("sources", "managed", "failures", "collections"):
            self._exec(f"DELETE FROM {table}")
        self.forget_library()

    def synced_missing(self) -> tuple[list[str], int]:
        """Synced items absent from the mirror and not known as deleted; how many items are synced."""
        missing = [k for (k,) in self._exec(
            "SELECT key FROM managed WHERE status = ? AND key NOT IN (SELECT key FROM mirror) "
            "AND key NOT IN (SELECT key FROM deleted_keys)", (str(Status.SYNCED),))]
        synced = self._exec("SELECT COUNT(*) FROM managed WHERE status = ?", (str(Status.SYNCED),)).fetchone()[0]
        return missing, int(synced)

    def add_deleted_keys(self, keys: Iterable[str]) -> None:
        """Keys the library reports as permanently deleted."""
        self.db.executemany("INSERT OR IGNORE INTO deleted_keys VALUES (?)", [(k,) for k in keys])

    def deleted_keys(self) -> set[str]:
        return {k for (k,) in self._exec("SELECT key FROM deleted_keys")}

    # ---- managed items -------------------------------------------------------
    def sources(self) -> dict[str, str]:
        return dict(self._exec("SELECT source, key FROM sources").fetchall())

    def managed(self) -> dict[str, Managed]:
        rows = self._exec("SELECT key, status, version, pristine FROM managed").fetchall()
        return {k: Managed(k, Status(s), v, json.loads(p or "{}")) for k, s, v, p in rows}

    def link_sources(self, sources: Iterable[str], key: str) -> None:
        for source in sources:
            self._exec("INSERT INTO sources VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET key = excluded.key "
                       "WHERE key IS NOT excluded.key", (source, key))

    def set_managed(self, key: str, status: Status, version: int | None, pristine: dict[str, Any]) -> None:
        self._exec("INSERT INTO managed VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                   "status = excluded.status, version = excluded.version, pristine = excluded.pristine, "
                   "hash = excluded.hash, updated = excluded.updated WHERE status IS NOT excluded.status "
                   "OR version IS NOT excluded.version OR hash IS NOT excluded.hash",
                   (key, str(status), version, json.dumps(pristine, ensure_ascii=False), content_hash(pristine), now()))

    def forget(self, key: str) -> None:
        self._exec("DELETE FROM managed WHERE key = ?", (key,))
        self._exec("DELETE FROM sources WHERE key = ?", (key,))

    # ---- failures and collections ----------------------------------------------
    def record_failure(self, source: str, message: str) -> None:
        self._exec("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", (source, message, now()))

    def clear_failures(self, sources: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM failures WHERE source = ?", [(s,) for s in sources])

    def failures(self) -> Iterator[tuple[str, str, str]]:
        yield from self._exec("SELECT source, message, at FROM failures ORDER BY at")

    def collection_key(self, name: str) -> str | None:
        row = self._exec("SELECT key FROM collections WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def collections(self) -> dict[str, str]:
        """name -> key of every collection zotsync has filed items in."""
        return dict(self._exec("SELECT name, key FROM collections").fetchall())

    def set_collection(self, name: str, key: str) -> None:
        self._exec("INSERT INTO collections VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET key = excluded.key "
                   "WHERE key IS NOT excluded.key", (name, key))

    # ---- ledger of documents read ----------------------------------------------
    def ledger(self) -> dict[str, dict[str, tuple[str, str, list[str]]]]:
        """document -> part -> (config, digest, keys) for every document whose records all landed."""
        out: dict[str, dict[str, tuple[str, str, list[str]]]] = {}
        for document, part, config, digest, keys in self._exec("SELECT document, part, config, digest, keys FROM ledger"):
            out.setdefault(document, {})[part] = (config, digest, json.loads(keys))
        return out

    def ledger_put(self, document: str, part: str, config: str, digest: str, keys: Iterable[str]) -> None:
        self._exec("INSERT OR REPLACE INTO ledger VALUES (?, ?, ?, ?, ?)",
                   (document, part, config, digest, json.dumps(sorted(set(keys)))))

    def ledger_forget(self, document: str, parts: Iterable[str] | None = None) -> None:
        """Forget a document (``parts`` None) or some of its parts: they are read again next time."""
        if parts is None:
            self._exec("DELETE FROM ledger WHERE document = ?", (document,))
        else:
            self.db.executemany("DELETE FROM ledger WHERE document = ? AND part = ?", [(document, p) for p in parts])
