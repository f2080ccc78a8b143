"""One sync run, orchestration only: read → parse → fit → group → refresh the mirror → match → plan → apply.

Each stage is a sibling with one entry point; the engine only hands each one's result to the
next. Reading, parsing and fitting each document happen in ``documents.parse_paths``; the
engine adds each configured source's tags and collection. Documents the ledger
(``zotsync.unchanged``) knows unchanged since their records landed are not parsed at all;
when none changed, the run only asks the library whether it changed (one request) and stops.
The CLI, cron and tests call ``sync``.
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
from zotsync.model import Applied, Parsed, Plan, Result, RunResult
from zotsync.plan import plan, replan
from zotsync.positions import follow_moves
from zotsync.sources.base import Options
from zotsync.state import State, now
from zotsync.unchanged import Ledger
from zotsync.works import file_in, group

if TYPE_CHECKING:
    from zotsync.fetch.read import Fetch

__all__ = ["KEY_ALPHABET", "NoProgress", "Progress", "RunResult", "Source", "key_deriver", "new_key", "read",
           "read_documents", "read_live", "sync"]


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
         progress: Progress | None = None, collection: str | None = None, fetch: Fetch | None = None,
         full: bool = False) -> RunResult:
    """One run; ``full`` reads every document, also those the ledger knows unchanged."""
    progress = progress or NoProgress()
    progress.phase("reading the library")
    ledger = Ledger(state, full, collection)
    refresh = refresh_mirror(library, state)
    ledger.library_changed(refresh.keys)
    progress.phase("reading the sources")
    live, harvests = read_live(sources, fetch)
    parsed, collection_of = read_documents(sources, ledger, live)
    the_plan = Plan()
    if parsed.parsed:  # else nothing changed: nothing to group, match or plan
        progress.phase(f"planning ({len(parsed.parsed)} records from {parsed.files} documents)")
        parsed, the_plan = _plan(sources, library, state, library_uri, collection, ledger, live, parsed, collection_of,
                                 refresh.changed, refresh.index)
    if dry_run:
        return RunResult(parsed, the_plan, None, library.requests, refresh.notices)
    progress.start(the_plan.writes)
    applied = Applier(library, state, replan, progress.advance).run(the_plan) if the_plan.entries else Applied()
    finish(state, ledger, parsed, applied, harvests)
    return RunResult(parsed, the_plan, applied, library.requests, refresh.notices)


def _plan(sources: list[Source], library: Library, state: State, library_uri: str, collection: str | None,
          ledger: Ledger, live: list[ParseResult], parsed: ParseResult,
          collection_of: dict[str, str], library_changed: bool = True,
          index: LibraryIndex | None = None) -> tuple[ParseResult, Plan]:
    """Group, match and plan what was read; documents grouped with a changed one are read too.
    ``index``: the library's, if refreshing the mirror built it; else the stored keys are read at the
    first lookup (a work the state does not know)."""
    if index is None:
        index = LibraryIndex.from_keys(state.mirror_keys())
    base = replace(snapshot(state, library_uri, {}), index=index)
    derive = key_deriver(library_uri)
    while True:
        works = follow_moves(file_in(group(parsed.parsed), collection_of, collection), base)
        matched = assign_keys(works, base, index, derive)
        if not ledger.reread(m.key for m in matched):
            break
        parsed, collection_of = read_documents(sources, ledger, live)
    names = {n for w in works for n in w.collections}
    snap = replace(base, collections=known_collections(library, state, names, library_changed))
    return parsed, plan(matched, snap, derive)


def finish(state: State, ledger: Ledger, parsed: ParseResult, applied: Applied, harvests: dict[str, str]) -> None:
    """After apply: the ledger and the harvests record what landed; the run's date and parse errors."""
    if not any(o.action == Result.FAILED for o in applied.outcomes):
        record_harvests(state, harvests)
    ledger.record(applied.outcomes)
    state.set_meta("last_sync", now())
    errors = json.dumps([[e.origin, str(e)] for e in parsed.errors], ensure_ascii=False)
    if state.get_meta("last_parse_errors", "[]") != errors:
        state.set_meta("last_parse_errors", errors)
    state.commit()


def read(sources: list[Source], fetch: Fetch | None = None,
         ledger: Ledger | None = None) -> tuple[ParseResult, dict[str, str], dict[str, str]]:
    """Parse (and fit) every source's documents and live records, with the source's tags;
    which collection each record goes to; the OAI-PMH harvests to record once the run lands."""
    live, harvests = read_live(sources, fetch)
    parsed, collection_of = read_documents(sources, ledger, live)
    return parsed, collection_of, harvests


def read_live(sources: list[Source], fetch: Fetch | None) -> tuple[list[ParseResult], dict[str, str]]:
    """Each source's live records (fetched once per run), and the harvests to record once they land."""
    results: list[ParseResult] = []
    harvests: dict[str, str] = {}
    for source in sources:
        result = ParseResult()
        if source.targets and fetch is not None:
            live = fetch(source.targets)
            if not live.parsed.errors:  # a record that could not be read is asked for again next time
                harvests.update(live.harvests)
            result.add(live.parsed)
        results.append(result)
    return results, harvests


def read_documents(sources: list[Source], ledger: Ledger | None,
                   live: list[ParseResult]) -> tuple[ParseResult, dict[str, str]]:
    """Every source's documents (those the ledger passes over only counted) and its live records, tagged."""
    combined = ParseResult()
    collection_of: dict[str, str] = {}
    if ledger is not None:
        ledger.start()
    for source, fetched in zip(sources, live, strict=True):
        options = Options(sentence_case=source.sentence_case)
        screen = ledger.screen(source.kind, source.tags, source.collection, options) if ledger is not None else None
        result = parse_paths(source.paths, source.kind, screen, options) if source.paths else ParseResult()
        result.add(ParseResult(list(fetched.parsed), list(fetched.errors), list(fetched.warnings),
                               list(fetched.skipped), fetched.files))
        collection_of.update({p.source: source.collection for p in result.parsed if source.collection})
        result.parsed = [_tagged(p, source.tags) for p in result.parsed]
        combined.add(result)
    if ledger is not None:
        combined.unchanged = ledger.unchanged_items()
    return combined, collection_of


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
