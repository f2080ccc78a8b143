"""One sync run: parse, fit, group, refresh the mirror, plan, apply. The CLI and cron call this."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from zotsync.apply import Applied, Applier
from zotsync.documents import ParseResult, parse_paths
from zotsync.library.client import ZoteroClient
from zotsync.plan import PlanEntry, Snapshot, plan
from zotsync.state import State, now
from zotsync.works import Work, group

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


def new_key() -> str:
    """A random client-made Zotero object key."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


def key_deriver(library_uri: str) -> Callable[[str], str]:
    """Keys derived from (library, source identity): the same work always gets the same key.

    A lost state database then still knows which keys zotsync would use, so an item the
    user deleted (listed by /deleted) is not created again, and two machines syncing the
    same sources into one library cannot create the same work twice.
    """

    def derive(seed: str) -> str:
        number = int.from_bytes(hashlib.sha256(f"{library_uri}|{seed}".encode()).digest()[:8], "big")
        chars = []
        for _ in range(8):
            number, digit = divmod(number, len(KEY_ALPHABET))
            chars.append(KEY_ALPHABET[digit])
        return "".join(chars)

    return derive


@dataclass
class Source:
    """One configured source: paths, and what to do with its items."""

    paths: list[str]
    collection: str | None = None
    tags: list[str] = field(default_factory=list)
    kind: str | None = None


@dataclass
class RunResult:
    parsed: ParseResult
    entries: list[PlanEntry]
    applied: Applied | None
    requests: int = 0


def refresh_mirror(client: ZoteroClient, state: State) -> None:
    """Bring the local mirror of the library up to date with as few requests as possible."""
    since = state.library_version
    if since == 0:
        items = client.all_items()
        version = client.last_version or 0
        state.mirror_put(items)
        if version:  # a library with a history: learn what was deleted, so that it is not recreated
            state.add_deleted_keys(client.deleted_since(0))
        state.library_version = version
        state.commit()
        return
    changed = client.changed_versions(since)
    if changed is None:
        return
    version = client.last_version or since
    known = state.mirror_versions()
    stale = [key for key, v in changed.items() if known.get(key) != v]
    if stale:
        state.mirror_put(client.items_by_key(stale))
    gone = client.deleted_since(since)
    state.mirror_remove(gone)
    state.add_deleted_keys(gone)
    state.library_version = version
    state.commit()


def collection_key(client: ZoteroClient, state: State, name: str) -> str:
    cached = state.collection_key(name)
    if cached:
        return cached
    found = next((str(c["key"]) for c in client.collections() if c["data"]["name"] == name), None)
    key = found or str(client.create_collection(new_key(), name)["key"])
    state.set_collection(name, key)
    state.commit()
    return key


def gather(sources: list[Source]) -> tuple[ParseResult, list[Work], dict[str, str]]:
    """Parse every source; tag its items; remember which collection each source id goes to."""
    combined = ParseResult()
    collection_of: dict[str, str] = {}
    for source in sources:
        result = parse_paths(source.paths, source.kind)
        for parsed in result.parsed:
            have = {t["tag"] for t in parsed.item.get("tags", [])}
            parsed.item["tags"] = list(parsed.item.get("tags", [])) + [{"tag": t} for t in source.tags if t not in have]
            if source.collection:
                collection_of[parsed.source] = source.collection
        combined.parsed += result.parsed
        combined.errors += result.errors
        combined.warnings += result.warnings
        combined.files += result.files
    return combined, group(combined.parsed), collection_of


def file_works(works: list[Work], collection_of: dict[str, str], keys: dict[str, str]) -> None:
    for work in works:
        work.collections = sorted({keys[collection_of[s]] for s in work.sources if s in collection_of})


class Progress(Protocol):
    """Told how many objects will be written, then as each batch lands."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        return None

    def advance(self, done: int) -> None:
        return None


def sync(sources: list[Source], client: ZoteroClient, state: State, library_uri: str, dry_run: bool = False,
         progress: Progress | None = None, collection: str | None = None) -> RunResult:
    parsed, works, collection_of = gather(sources)
    refresh_mirror(client, state)
    names = set(collection_of.values()) | ({collection} if collection else set())
    keys = {name: collection_key(client, state, name) for name in sorted(names)} if not dry_run else {}
    if keys:
        file_works(works, collection_of, keys)
    snap = Snapshot(state.sources(), state.managed(), state.mirror(), library_uri, keys.get(collection or ""),
                    state.deleted_keys())
    entries = plan(works, snap, key_deriver(library_uri))
    if dry_run:
        return RunResult(parsed, entries, None, client.requests)
    progress = progress or NoProgress()
    progress.start(sum(1 for e in entries if e.action in {"create", "update"}))
    applied = Applier(client, state, snap, progress.advance).run(entries)
    state.set_meta("last_sync", now())
    state.commit()
    return RunResult(parsed, entries, applied, client.requests)
