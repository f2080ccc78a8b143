"""Match: is this work already in the library, and under which key? Pure functions over item data.

The one place that ties works to items: ``same_work`` (used by group to merge records),
``LibraryIndex`` (the mirror, indexed), ``locate`` (state, then zotsync marker, then the
library) and ``assign_keys`` (one key per work; two works resolving to one item become one).

Strong identifiers first (DOI, PMID, PMCID, handle URL, ISBN for whole books),
then normalised title + year + first-author surname, fuzzily. Two different
works with the same title and year by different authors stay apart; a chapter
never matches its book by ISBN.

Lookups are by exact keys (identifiers, markers, the normalised title); the fuzzy title
comparison runs only within a bucket of items sharing the year and a word of the first author's
surname, on those that share one of the two longest title words: matching is linear in works + items.
An item's ``IndexKeys`` are computed once, when it enters the mirror, and stored with it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz

from zotsync import dates, extra, ids, jsontext
from zotsync.model import How, Matched, Snapshot, Work
from zotsync.text import normalise_title

TITLE_THRESHOLD = 0.92
BOOKISH = {"book", "thesis", "report"}
MIN_TITLE_ONLY_WORDS = 4


def identifiers(item: dict[str, Any]) -> list[str]:
    """Strong identity keys of an item ("doi:10.1/x", "pmid:123", ...)."""
    keys: list[str] = []
    notes = item.get("extra") or ""
    doi = item.get("DOI", "") or (extra.value_of(notes, "DOI") if notes else "")
    doi = ids.clean_doi(doi) if doi else ""  # (empty fields are most of a library's: not searched)
    if doi:
        keys.append(f"doi:{doi.lower()}")
    for field in ("PMID", "PMCID"):
        value = item.get(field) or (extra.value_of(notes, field) if notes else "")
        if value:
            keys.append(f"{field.lower()}:{str(value).strip().upper()}")
    url = item.get("url", "")
    handle = ids.find_handle(url) if url else ""
    if handle:
        keys.append("hdl:" + handle.split("hdl.handle.net/", 1)[1].lower())
    if item.get("itemType") in BOOKISH:
        keys += [f"isbn:{isbn}" for isbn in ids.find_isbns(item.get("ISBN", ""))]
    return keys


def title_keys(title: str) -> list[str]:
    """The two longest words of a title: a fuzzy match almost surely shares one of them."""
    return longest_words(normalise_title(title))


def longest_words(normalised: str) -> list[str]:
    words = sorted(set(normalised.split()))
    words.sort(key=len, reverse=True)  # stable: among words of one length, alphabetical order stays
    return words[:2]


def title_similarity(a: str, b: str) -> float:
    """How alike two normalised titles are, 0..1 (below TITLE_THRESHOLD it may answer 0)."""
    return float(fuzz.ratio(a, b, score_cutoff=TITLE_THRESHOLD * 100)) / 100


def first_author(item: dict[str, Any]) -> str:
    for creator in item.get("creators") or []:
        name = creator.get("lastName") or creator.get("name") or ""
        if name:
            return normalise_title(name)
    return ""


@dataclass(frozen=True)
class WorkKey:
    """What fuzzy matching compares, computed once per item."""

    title: str
    year: str
    author: str
    numbers: tuple[str, ...]
    words: tuple[str, ...] = ()  # the two longest title words (fuzzy buckets)

    @classmethod
    def of(cls, item: dict[str, Any]) -> WorkKey:
        title = _normalise(item.get("title", ""))
        return cls(title, dates.year_of(item.get("date", "")), first_author(item), tuple(_NUMBER.findall(title)),
                   tuple(longest_words(title)))


def same_work(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Title, year and first author agree (fuzzy on the title; missing year/author tolerated on long exact titles)."""
    return same_key(WorkKey.of(a), WorkKey.of(b))


def same_key(a: WorkKey, b: WorkKey) -> bool:
    if not a.title or not b.title:
        return False
    if (a.year and b.year and a.year != b.year) or (a.author and b.author and not _same_surname(a.author, b.author)):
        return False
    if a.numbers != b.numbers:  # "Part 1" and "Part 2" are different works
        return False
    if not (a.year and b.year and a.author and b.author):
        return a.title == b.title and len(a.title.split()) >= MIN_TITLE_ONLY_WORDS
    return a.title == b.title or title_similarity(a.title, b.title) >= TITLE_THRESHOLD


def _same_surname(a: str, b: str) -> bool:
    """Equal, or one holds the other's words ("de luca" / "luca")."""
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def conflicting_ids(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both carry a DOI (or PMID) and they differ: different works whatever the title says."""
    return _conflicting(identifiers(a), identifiers(b))


def _conflicting(a: Iterable[str], b: Iterable[str]) -> bool:
    for prefix in ("doi:", "pmid:"):
        ia = {k for k in a if k.startswith(prefix)}
        ib = {k for k in b if k.startswith(prefix)}
        if ia and ib and not ia & ib:
            return True
    return False


NOT_WORKS = {"note", "attachment", "annotation"}


@dataclass(frozen=True)
class IndexKeys:
    """What the index and the plan need of a library item, computed once from its data.

    ``work`` is None for what is not a work (notes, attachments, child items); ``replaces``
    are the item URIs its ``dc:replaces`` names (the items merged into it)."""

    ids: tuple[str, ...]
    markers: tuple[str, ...]
    work: WorkKey | None
    replaces: tuple[str, ...] = ()
    deleted: bool = False

    @classmethod
    def of(cls, data: dict[str, Any]) -> IndexKeys:
        relations = data.get("relations")
        replaces = tuple(str(v) for v in _as_list(relations.get("dc:replaces"))) if relations else ()
        deleted = bool(data.get("deleted"))
        if data.get("itemType") in NOT_WORKS or data.get("parentItem"):
            return cls((), (), None, replaces, deleted)
        notes = data.get("extra") or ""
        return cls(tuple(identifiers(data)), tuple(extra.markers(notes)) if notes else (), WorkKey.of(data),
                   replaces, deleted)

    def to_json(self) -> str:
        work = self.work
        fields = [work.title, work.year, work.author, list(work.numbers), list(work.words)] if work else None
        return jsontext.dumps([list(self.ids), list(self.markers), fields, list(self.replaces), int(self.deleted)])

    @classmethod
    def from_json(cls, text: str) -> IndexKeys:
        ids_, markers, fields, replaces, deleted = jsontext.loads(text)
        key = WorkKey(fields[0], fields[1], fields[2], tuple(fields[3]), tuple(fields[4])) if fields else None
        return cls(tuple(ids_), tuple(markers), key, tuple(replaces), bool(deleted))


def _as_list(value: Any) -> list[Any]:
    if not value:
        return []
    return list(value) if isinstance(value, list) else [value]


_NUMBER = re.compile(r"\d+")
# each title is keyed once (when its item enters the mirror, or its record is grouped): a cache of
# 100,000 library titles would only hold memory
_normalise = normalise_title.__wrapped__


class LibraryIndex:
    """Lookup of library items by identifier, zotsync marker and title.

    Built from item data (``add``, ``from_mirror``) or from the keys stored in the mirror
    (``from_keys``: read on the first lookup, so a run that looks nothing up reads nothing)."""

    def __init__(self, fine: bool = False) -> None:
        """``fine``: buckets by title word too (more entries, fewer candidates: for grouping records,
        which share more words than a library does)."""
        self.fine = fine
        self.keys: dict[str, IndexKeys | str] = {}  # stored keys stay JSON text until a lookup needs them
        self.by_id: dict[str, list[str]] = defaultdict(list)
        self.by_marker: dict[str, str] = {}
        self.by_title: dict[str, list[str]] = defaultdict(list)
        self.by_bucket: dict[str, list[str]] = defaultdict(list)
        self._pending: Iterable[tuple[str, str]] = ()

    @classmethod
    def from_mirror(cls, mirror: Mapping[str, dict[str, Any]]) -> LibraryIndex:
        """The index of a library mirror (key -> {"version", "data"})."""
        index = cls()
        for key, obj in mirror.items():
            index.add(key, obj["data"])
        return index

    @classmethod
    def from_keys(cls, rows: Iterable[tuple[str, str]]) -> LibraryIndex:
        """The index of stored keys (key, ``IndexKeys.to_json()``); ``rows`` is consumed at the first lookup."""
        index = cls()
        index._pending = rows
        return index

    def add(self, key: str, data: dict[str, Any]) -> None:
        """Index one item under ``key`` (notes, attachments and child items are not works)."""
        self.add_keys(key, IndexKeys.of(data))

    def add_keys(self, key: str, keys: IndexKeys, stored: str | None = None) -> None:
        work = keys.work
        if work is None:
            return
        self.keys[key] = keys if stored is None else stored
        for ident in keys.ids:
            self.by_id[ident].append(key)
        for source in keys.markers:
            self.by_marker[source] = key
        if work.title:
            self.by_title[work.title].append(key)
        for bucket in _buckets(work, self.fine):
            self.by_bucket[bucket].append(key)

    def _load(self) -> None:
        pending, self._pending = self._pending, ()
        for key, stored in pending:
            self.add_keys(key, IndexKeys.from_json(stored), stored)

    def _keys_of(self, key: str) -> IndexKeys:
        found = self.keys[key]
        return IndexKeys.from_json(found) if isinstance(found, str) else found

    def by_markers(self, sources: Iterable[str]) -> str | None:
        self._load()
        return next((self.by_marker[s] for s in sources if s in self.by_marker), None)

    def find(self, item: dict[str, Any]) -> str | None:
        """Key of the library item that is the same work as ``item``, if any."""
        return self.find_keys(IndexKeys.of(item))

    def find_keys(self, wanted: IndexKeys) -> str | None:
        """As ``find``, for an item whose keys are at hand."""
        self._load()
        for ident in wanted.ids:
            for key in self.by_id.get(ident, []):
                if not _conflicting(wanted.ids, self._keys_of(key).ids):
                    return key
        work = wanted.work
        if work is None:
            return None
        for key in self._candidates(work):
            found = self._keys_of(key)
            if (found.work is not None and set(work.words) & set(found.work.words) and same_key(work, found.work)
                    and not _conflicting(wanted.ids, found.ids)):
                return key
        return None

    def _candidates(self, work: WorkKey) -> Iterable[str]:
        """Items with the same title, then those in the same fuzzy buckets (each once)."""
        seen: set[str] = set()
        for key in self.by_title.get(work.title, []) if work.title else []:
            seen.add(key)
            yield key
        for bucket in _buckets(work, self.fine):
            for key in self.by_bucket.get(bucket, []):
                if key not in seen:
                    seen.add(key)
                    yield key


def _buckets(work: WorkKey, fine: bool = False) -> list[str]:
    """Where a fuzzy title match must be: the same year and a shared surname word (and, checked on
    each candidate, one of the two longest title words). A key with no year or no author is matched
    on its exact title only (``same_key``)."""
    if not (work.title and work.year and work.author):
        return []
    names = set(work.author.split())
    if fine:
        return [f"{work.year}|{name}|{word}" for name in names for word in work.words]
    return [f"{work.year}|{name}" for name in names]


@dataclass(frozen=True)
class Match:
    key: str | None
    how: How


def locate(work: Work, snap: Snapshot, index: LibraryIndex) -> Match:
    """The key ``work`` already has: from the state, a zotsync marker, or a matching library item."""
    for source in work.sources:
        if source in snap.sources:
            return Match(snap.sources[source], How.STATE)
    key = index.by_markers(work.sources)
    if key:
        return Match(key, How.MARKER)
    key = index.find(work.item)
    return Match(key, How.MATCH) if key else Match(None, How.NEW)


def assign_keys(works: list[Work], snap: Snapshot, index: LibraryIndex,
                new_key: Callable[[str], str]) -> list[Matched]:
    """One key per work (``new_key(label)`` for new ones); works that resolve to one item are joined."""
    out: list[Matched] = []
    taken: dict[str, int] = {}
    for work in works:
        found = locate(work, snap, index)
        key, how = (found.key, found.how) if found.key else (new_key(work.label), How.NEW)
        if key in taken:  # two works resolved to one library item: one item it is
            first = out[taken[key]]
            out[taken[key]] = replace(first, work=_joined(first.work, work))
            continue
        taken[key] = len(out)
        out.append(Matched(work, key, how))
    return out


def _joined(work: Work, other: Work) -> Work:
    from zotsync.works import merge_items  # works imports this module: merged here as group merges

    return replace(work, sources=work.sources + [s for s in other.sources if s not in work.sources],
                   item=merge_items(work.item, other.item),
                   cited_by=work.cited_by + [c for c in other.cited_by if c not in work.cited_by])
