"""One sync run, orchestration only: read → parse → fit → group → refresh the mirror → match → plan → apply.

Each stage is a sibling with one entry point; the engine only hands each one's result to the
next. Reading, parsing and fitting each document happen in ``documents.parse_paths``; the
engine adds each configured source's tags and collection. The CLI, cron and tests call ``sync``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from zotsync.apply import Applier
from zotsync.config import Source
from zotsync.documents import ParseResult, parse_paths
from zotsync.keys import KEY_ALPHABET, key_deriver, new_key
from zotsync.library.base import Library
from zotsync.library.mirror import known_collections, refresh_mirror, snapshot
from zotsync.match import LibraryIndex, assign_keys
from zotsync.model import Parsed, Result, RunResult
from zotsync.plan import plan, replan
from zotsync.positions import follow_moves
from zotsync.state import State, now
from zotsync.works import file_in, group

if TYPE_CHECKING:
    from zotsync.fetch.read import Fetch

__all__ = ["KEY_ALPHABET", "NoProgress", "Progress", "RunResult", "Source", "key_deriver", "new_key", "read", "sync"]


class Progress(Protocol):
    """Told what the run is doing, how many objects will be written, then as each batch lands."""

    def phase(self, text: str) -> None: ...

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


class NoProgress:
    def phase(self, text: str) -> None:
        return None

    def start(self, total: int) -> None:
        return None

    def advance(self, done: int) -> None:
        return None


def sync(sources: list[Source], library: Library, state: State, library_uri: str, dry_run: bool = False,
         progress: Progress | None = None, collection: str | None = None, fetch: Fetch | None = None) -> RunResult:
    progress = progress or NoProgress()
    progress.phase("reading the sources")
    parsed, collection_of, harvests = read(sources, fetch)
    works = file_in(group(parsed.parsed), collection_of, collection)
    progress.phase(f"reading the library ({len(works)} works from {parsed.files} documents)")
    refreshed = refresh_mirror(library, state)
    names = {n for w in works for n in w.collections}
    snap = snapshot(state, library_uri, known_collections(library, state, names, refreshed.changed))
    works = follow_moves(works, snap)
    derive = key_deriver(library_uri)
    progress.phase("planning")
    the_plan = plan(assign_keys(works, snap, LibraryIndex.from_keys(state.mirror_keys()), derive), snap, derive)
    if dry_run:
        return RunResult(parsed, the_plan, None, library.requests, refreshed.notices)
    progress.start(the_plan.writes)
    applied = Applier(library, state, replan, progress.advance).run(the_plan)
    if not any(o.action == Result.FAILED for o in applied.outcomes):
        record_harvests(state, harvests)
    state.set_meta("last_sync", now())
    state.set_meta("last_parse_errors", json.dumps([[e.origin, str(e)] for e in parsed.errors], ensure_ascii=False))
    state.commit()
    return RunResult(parsed, the_plan, applied, library.requests, refreshed.notices)


def read(sources: list[Source], fetch: Fetch | None = None) -> tuple[ParseResult, dict[str, str], dict[str, str]]:
    """Parse (and fit) every source's documents and live records, with the source's tags;
    which collection each record goes to; the OAI-PMH harvests to record once the run lands."""
    combined = ParseResult()
    collection_of: dict[str, str] = {}
    harvests: dict[str, str] = {}
    for source in sources:
        result = parse_paths(source.paths, source.kind) if source.paths else ParseResult()
        if source.targets and fetch is not None:
            live = fetch(source.targets)
            if not live.parsed.errors:  # a record that could not be read is asked for again next time
                harvests.update(live.harvests)
            result.add(live.parsed)
        collection_of.update({p.source: source.collection for p in result.parsed if source.collection})
        result.parsed = [_tagged(p, source.tags) for p in result.parsed]
        combined.add(result)
    return combined, collection_of, harvests


def record_harvests(state: State, harvests: dict[str, str]) -> None:
    """Complete harvests whose records have all landed: the next one asks only for what changed since."""
    for key, stamp in harvests.items():
        state.set_meta(f"harvest:{key}", stamp)


class StateHarvestLog:
    """The dates of the last complete harvests, as the state keeps them."""

    def __init__(self, state: State) -> None:
        self.state = state

    def last_harvest(self, key: str) -> str | None:
        return self.state.get_meta(f"harvest:{key}") or None


def _tagged(parsed: Parsed, tags: list[str]) -> Parsed:
    have = [t for t in parsed.item.get("tags", [])]
    names = {t["tag"] for t in have}
    return replace(parsed, item={**parsed.item, "tags": have + [{"tag": t} for t in tags if t not in names]})
