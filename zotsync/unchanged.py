"""The ledger of documents read: a document unchanged since all its records landed is not read again.

For each document the state keeps a digest of the bytes read and the configuration it was
parsed under (its source's kind, tags, collection and reading options such as sentence case,
its scope, zotsync's version): when both
are the same, the document is not parsed, fitted, grouped or planned, and the items it gave are
counted as unchanged. A large BibTeX file (more than ``LARGE`` entries, split by ``bibscan``
without parsing) also gets a digest per entry, so that when one entry changes only that entry is
parsed; whatever entries depend on (``@string``, ``@preamble``, ``crossref`` parents and
children) has one shared digest, and when it changes the whole file is read.

Digests are recorded only after apply, and only for what landed: a document (an entry) with a
record that failed or could not be read is read again next run, and so is everything when a run
stops before recording. A dry run records nothing. Documents that were grouped with a changed
one (their records went to an item a changed record goes to) are read again in the same run
(``reread``), so a work is always planned from all its records. Rows of documents that no longer
exist are forgotten; nothing in the library is deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from zotsync import __version__
from zotsync.documents import Screen
from zotsync.model import Outcome, Parsed, Result
from zotsync.sources import bibscan
from zotsync.sources.base import Options
from zotsync.state import State
from zotsync.walk import Found

LARGE = 200  # entries: above this, a BibTeX file's entries are digested one by one
WHOLE = ""  # the ledger part of a whole document
SHARED = "@shared"  # the part every entry of a large BibTeX file depends on
ENTRY = "="  # prefix of an entry's part: "=citationKey"
CROSSREF = re.compile(r"\bcrossref\s*=\s*[{\"]?\s*([^\s,{}\"]+)", re.I)

Rows = dict[str, tuple[str, str, list[str]]]  # part -> (config, digest, keys)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Seen:
    """One document met in this run: what to record once its records have landed."""

    config: str
    digest: str
    skipped: bool = False  # unchanged as a whole: nothing to record
    parts: dict[str, str] | None = None  # entry part -> digest, when the document was split
    shared: str = ""
    lines: dict[int, str] = field(default_factory=dict)  # an entry's first line -> its part
    reused: set[str] = field(default_factory=set)  # parts not parsed: unchanged
    origins: list[str] = field(default_factory=list)  # the records parsed
    failed: bool = True  # until the parse stage says what the document gave (not a record at all: never recorded)


class Ledger:
    """The digests of one run: which documents (entries) to pass over, and what to record after apply."""

    def __init__(self, state: State, full: bool = False, collection: str | None = None) -> None:
        self.state, self.full, self.collection = state, full, collection
        self.rows: dict[str, Rows] = state.ledger()
        self.seen: dict[str, Seen] = {}
        self.forced: set[str] = set()

    def screen(self, kind: str | None, tags: list[str], collection: str | None,
               options: Options | None = None) -> Screen:
        """The screen of one configured source's documents: a document read under other options is read again."""
        chosen = asdict(options or Options())
        return SourceScreen(self, [__version__, kind, list(tags), collection, self.collection, chosen])

    def library_changed(self, keys: set[str]) -> None:
        """Items edited, trashed, merged or deleted in the library: their documents are read and planned again."""
        if keys:
            self.forced |= {doc for doc, rows in self.rows.items() if any(keys & set(row[2]) for row in rows.values())}

    def reads_all(self, document: str) -> bool:
        """Read in full whatever the ledger says: ``--full``, or grouped with a changed document."""
        return self.full or document in self.forced

    def start(self) -> None:
        """A new reading of the sources (the first, or again after ``reread``)."""
        self.seen = {}

    # ---- what was passed over ----------------------------------------------------
    def skipped_keys(self) -> dict[str, set[str]]:
        """document -> the keys of the items its unchanged parts gave."""
        out: dict[str, set[str]] = {}
        for document, seen in self.seen.items():
            rows = self.rows.get(document, {})
            parts = [WHOLE] if seen.skipped else sorted(seen.reused)
            out[document] = {key for part in parts if part in rows for key in rows[part][2]}
        return out

    def unchanged_items(self) -> int:
        return len({key for keys in self.skipped_keys().values() for key in keys})

    def reread(self, keys: Iterable[str]) -> bool:
        """Read again, in full, the documents passed over whose items a record read now goes to as well;
        False when there are none."""
        wanted = set(keys)
        more = {doc for doc, found in self.skipped_keys().items() if found & wanted} - self.forced
        self.forced |= more
        return bool(more)

    # ---- after apply -----------------------------------------------------------------
    def record(self, outcomes: list[Outcome]) -> None:
        """Record the digests of what landed; forget what did not, and documents that are gone."""
        landed: dict[str, set[str]] = {}
        failed: set[str] = set()
        for outcome in outcomes:
            for origin in outcome.entry.work.origins:
                if outcome.action == Result.FAILED:
                    failed.add(origin)
                else:
                    landed.setdefault(origin, set()).add(outcome.entry.key)
        for document, seen in self.seen.items():
            if not seen.skipped:
                _Record(self.state, document, seen, self.rows.get(document, {}), landed, failed).write()
        for document in set(self.rows) - set(self.seen):
            if not os.path.lexists(document):
                self.state.ledger_forget(document)


class SourceScreen:
    """The ledger as one source's documents see it (``documents.Screen``)."""

    def __init__(self, ledger: Ledger, config: list[object]) -> None:
        self.ledger, self.config = ledger, config

    def unchanged(self, entry: Found, data: bytes) -> bool:
        document = os.path.abspath(entry.path)
        seen = Seen(json.dumps([*self.config, entry.scope], ensure_ascii=False), digest(data))
        self.ledger.seen[document] = seen
        row = self.ledger.rows.get(document, {}).get(WHOLE)
        seen.skipped = not self.ledger.reads_all(document) and row is not None and row[:2] == (seen.config, seen.digest)
        return seen.skipped

    def narrow(self, entry: Found, text: str, kind: str) -> str | None:
        document = os.path.abspath(entry.path)
        seen = self.ledger.seen[document]
        if kind != "bibtex":
            return text
        chunks = list(bibscan.split(text))
        if not _splittable(chunks):
            return text
        _digest_entries(seen, chunks, text)
        rows = self.ledger.rows.get(document, {})
        if self.ledger.reads_all(document) or rows.get(SHARED, ("", "", []))[:2] != (seen.config, seen.shared):
            return text
        assert seen.parts is not None
        seen.reused = {part for part, value in seen.parts.items() if rows.get(part, ("", "", []))[:2] == (seen.config, value)}
        seen.reused.add(SHARED)
        changed = set(seen.parts) - seen.reused
        if not changed:
            return None
        return _only(chunks, changed)

    def parsed(self, entry: Found, found: list[Parsed], failed: bool) -> None:
        seen = self.ledger.seen.get(os.path.abspath(entry.path))
        if seen is None:  # it could not be read: it has no digest, so it is read again next time
            return
        seen.origins = [p.origin for p in found]
        seen.failed = failed


def _splittable(chunks: list[bibscan.Chunk]) -> bool:
    """Large, and every entry known by a key of its own (a place or a duplicate depends on the others)."""
    keys = [c.key for c in chunks if c.kind not in bibscan.SPECIAL]
    return len(keys) > LARGE and "" not in keys and len(set(keys)) == len(keys)


def _digest_entries(seen: Seen, chunks: list[bibscan.Chunk], text: str) -> None:
    """An entry's digest each; one shared digest of the macros, the preambles (with how many entries
    precede each: a macro applies only below it) and the entries in a crossref relation."""
    targets = _crossref_targets(text)
    shared = hashlib.blake2b(digest_size=16)
    seen.parts, entries = {}, 0
    for chunk in chunks:
        if chunk.kind == "comment":
            continue
        if chunk.kind in bibscan.SPECIAL:
            shared.update(f"{entries}\0{chunk.text}\0".encode())
            continue
        entries += 1
        if chunk.key.lower() in targets or ("crossref" in chunk.text.lower() and CROSSREF.search(chunk.text)):
            shared.update(f"{chunk.key}\0{chunk.text}\0".encode())
            continue
        part = ENTRY + chunk.key
        seen.parts[part] = digest(chunk.text.encode())
        seen.lines[chunk.line] = part
    seen.shared = shared.hexdigest()


def _crossref_targets(text: str) -> set[str]:
    """The keys ``crossref`` fields name (the regex runs only where the word is: a large file has few)."""
    lower = text.lower()
    out: set[str] = set()
    position = lower.find("crossref")
    while position != -1:
        match = CROSSREF.match(lower, max(position - 1, 0)) or CROSSREF.match(lower, position)
        if match:
            out.add(match.group(1))
        position = lower.find("crossref", position + 8)
    return out


def _only(chunks: list[bibscan.Chunk], parts: set[str]) -> str:
    """The text with the macros, the preambles and the ``parts`` only, each at its own line."""
    out: list[str] = []
    line = 1
    for chunk in chunks:
        if chunk.kind == "comment" or (chunk.kind not in bibscan.SPECIAL and ENTRY + chunk.key not in parts):
            continue
        if chunk.line > line:
            out.append("\n" * (chunk.line - line))
            line = chunk.line
        out.append(chunk.text)
        line += chunk.text.count("\n")
    return "".join(out)


class _Record:
    """What one document read in this run leaves in the ledger."""

    def __init__(self, state: State, document: str, seen: Seen, rows: Rows, landed: dict[str, set[str]],
                 failed: set[str]) -> None:
        self.state, self.document, self.seen, self.rows = state, document, seen, rows
        self.landed, self.failed = landed, failed

    def ok(self, origin: str) -> bool:
        return origin in self.landed and origin not in self.failed

    def write(self) -> None:
        seen = self.seen
        if seen.parts is None:
            stale = [part for part in self.rows if part != WHOLE]
            if stale:
                self.state.ledger_forget(self.document, stale)
            if seen.failed or not all(self.ok(o) for o in seen.origins):
                self.state.ledger_forget(self.document)
            else:
                self.state.ledger_put(self.document, WHOLE, seen.config, seen.digest, self._keys(seen.origins))
            return
        self._write_parts()

    def _keys(self, origins: Iterable[str]) -> set[str]:
        return {key for origin in origins for key in self.landed.get(origin, set())}

    def _write_parts(self) -> None:
        seen = self.seen
        assert seen.parts is not None
        by_part: dict[str, list[str]] = {}
        for origin in seen.origins:
            line = origin.rsplit(":", 1)[-1]
            by_part.setdefault(seen.lines.get(int(line), SHARED) if line.isdigit() else SHARED, []).append(origin)
        complete = not seen.failed
        keys: set[str] = set()
        for part in [SHARED, *seen.parts]:
            if part in seen.reused:
                keys |= set(self.rows.get(part, ("", "", []))[2])
                continue
            origins = by_part.get(part, [])
            if (origins or part == SHARED) and all(self.ok(o) for o in origins):
                value = seen.shared if part == SHARED else seen.parts[part]
                self.state.ledger_put(self.document, part, seen.config, value, self._keys(origins))
                keys |= self._keys(origins)
            else:
                self.state.ledger_forget(self.document, [part])
                complete = False
        gone = [part for part in self.rows if part not in seen.parts and part not in {WHOLE, SHARED}]
        if gone:
            self.state.ledger_forget(self.document, gone)
        if complete:
            self.state.ledger_put(self.document, WHOLE, seen.config, seen.digest, keys)
        else:
            self.state.ledger_forget(self.document, [WHOLE])
