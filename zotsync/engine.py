"""One sync run, orchestration only: read → parse → fit → group → refresh the mirror → match → plan → apply.

Each stage is a sibling with one entry point; the engine only hands each one's result to the
next. Reading, parsing and fitting each document happen in ``documents.parse_paths``; the
engine adds each configured source's tags and collection. The CLI, cron and tests call ``sync``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from zotsync.apply import Applier
from zotsync.config import Source
from zotsync.documents import ParseResult, parse_paths
from zotsync.keys import KEY_ALPHABET, key_deriver, new_key
from zotsync.library.base import Library
from zotsync.library.mirror import known_collections, refresh_mirror, snapshot
from zotsync.match import LibraryIndex, assign_keys
from zotsync.model import Parsed, RunResult
from zotsync.plan import plan, replan
from zotsync.state import State, now
from zotsync.works import file_in, group

__all__ = ["KEY_ALPHABET", "NoProgress", "Progress", "RunResult", "Source", "key_deriver", "new_key", "read", "sync"]


class Progress(Protocol):
    """Told how many objects will be written, then as each batch lands."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        return None

    def advance(self, done: int) -> None:
        return None


def sync(sources: list[Source], library: Library, state: State, library_uri: str, dry_run: bool = False,
         progress: Progress | None = None, collection: str | None = None) -> RunResult:
    parsed, collection_of = read(sources)
    works = file_in(group(parsed.parsed), collection_of, collection)
    refresh_mirror(library, state)
    snap = snapshot(state, library_uri, known_collections(library, state, {n for w in works for n in w.collections}))
    derive = key_deriver(library_uri)
    the_plan = plan(assign_keys(works, snap, LibraryIndex.from_mirror(snap.mirror), derive), snap, derive)
    if dry_run:
        return RunResult(parsed, the_plan, None, library.requests)
    progress = progress or NoProgress()
    progress.start(the_plan.writes)
    applied = Applier(library, state, replan, progress.advance).run(the_plan)
    state.set_meta("last_sync", now())
    state.commit()
    return RunResult(parsed, the_plan, applied, library.requests)


def read(sources: list[Source]) -> tuple[ParseResult, dict[str, str]]:
    """Parse (and fit) every source's documents, with the source's tags; which collection each record goes to."""
    combined = ParseResult()
    collection_of: dict[str, str] = {}
    for source in sources:
        result = parse_paths(source.paths, source.kind)
        combined.parsed += [_tagged(p, source.tags) for p in result.parsed]
        collection_of.update({p.source: source.collection for p in result.parsed if source.collection})
        combined.errors += result.errors
        combined.warnings += result.warnings
        combined.files += result.files
    return combined, collection_of


def _tagged(parsed: Parsed, tags: list[str]) -> Parsed:
    have = [t for t in parsed.item.get("tags", [])]
    names = {t["tag"] for t in have}
    return replace(parsed, item={**parsed.item, "tags": have + [{"tag": t} for t in tags if t not in names]})
