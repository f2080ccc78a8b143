"""Match: is this work already in the library, and under which key? Pure functions over item data.

The one place that ties works to items: ``same_work`` (used by group to merge records),
``LibraryIndex`` (the mirror, indexed), ``locate`` (state, then zotsync marker, then the
library) and ``assign_keys`` (one key per work; two works resolving to one item become one).

Strong identifiers first (DOI, PMID, PMCID, handle URL, ISBN for whole books),
then normalised title + year + first-author surname, fuzzily. Two different
works with the same title and year by different authors stay apart; a chapter
never matches its book by ISBN.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

from zotsync import dates, extra, ids
from zotsync.model import How, Matched, Snapshot, Work
from zotsync.text import normalise_title

TITLE_THRESHOLD = 0.92
BOOKISH = {"book", "thesis", "report"}
MIN_TITLE_ONLY_WORDS = 4


def identifiers(item: dict[str, Any]) -> list[str]:
    """Strong identity keys of an item ("doi:10.1/x", "pmid:123", ...)."""
    keys: list[str] = []
    doi = ids.clean_doi(item.get("DOI", "") or extra.value_of(item.get("extra", ""), "DOI"))
    if doi:
        keys.append(f"doi:{doi.lower()}")
    for field in ("PMID", "PMCID"):
        value = item.get(field) or extra.value_of(item.get("extra", ""), field)
        if value:
            keys.append(f"{field.lower()}:{str(value).strip().upper()}")
    handle = ids.find_handle(item.get("url", ""))
    if handle:
        keys.append("hdl:" + handle.split("hdl.handle.net/", 1)[1].lower())
    if item.get("itemType") in BOOKISH:
        keys += [f"isbn:{isbn}" for isbn in ids.find_isbns(item.get("ISBN", ""))]
    return keys


def title_keys(title: str) -> list[str]:
    """The two longest words of a title: a fuzzy match almost surely shares one of them."""
    words = sorted(set(normalise_title(title).split()), key=lambda w: (-len(w), w))
    return words[:2]


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

    @classmethod
    def of(cls, item: dict[str, Any]) -> WorkKey:
        title = normalise_title(item.get("title", ""))
        return cls(title, dates.year_of(item.get("date", "")), first_author(item), tuple(re.findall(r"\d+", title)))


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
    return a.title == b.title or SequenceMatcher(None, a.title, b.title).ratio() >= TITLE_THRESHOLD


def _same_surname(a: str, b: str) -> bool:
    """Equal, or one holds the other's words ("de luca" / "luca")."""
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def conflicting_ids(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both carry a DOI (or PMID) and they differ: different works whatever the title says."""
    for prefix in ("doi:", "pmid:"):
        ia = {k for k in identifiers(a) if k.startswith(prefix)}
        ib = {k for k in identifiers(b) if k.startswith(prefix)}
        if ia and ib and not ia & ib:
            return True
    return False


class LibraryIndex:
    """Lookup of library items by identifier, zotsync marker and title."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.by_id: dict[str, list[str]] = defaultdict(list)
        self.by_marker: dict[str, str] = {}
        self.by_word: dict[str, list[str]] = defaultdict(list)
        self.work_keys: dict[str, WorkKey] = {}

    @classmethod
    def from_mirror(cls, mirror: Mapping[str, dict[str, Any]]) -> LibraryIndex:
        """The index of a library mirror (key -> {"version", "data"})."""
        index = cls()
        for key, obj in mirror.items():
            index.add(key, obj["data"])
        return index

    def add(self, key: str, data: dict[str, Any]) -> None:
        """Index one item under ``key`` (notes, attachments and child items are not works)."""
        self.items[key] = {"data": data}
        if data.get("itemType") in {"note", "attachment", "annotation"} or data.get("parentItem"):
            return
        for ident in identifiers(data):
            self.by_id[ident].append(key)
        for source in extra.markers(data.get("extra", "")):
            self.by_marker[source] = key
        self.work_keys[key] = WorkKey.of(data)
        for word in title_keys(data.get("title", "")):
            self.by_word[word].append(key)

    def by_markers(self, sources: Iterable[str]) -> str | None:
        return next((self.by_marker[s] for s in sources if s in self.by_marker), None)

    def find(self, item: dict[str, Any]) -> str | None:
        """Key of the library item that is the same work as ``item``, if any."""
        for ident in identifiers(item):
            for key in self.by_id.get(ident, []):
                if not conflicting_ids(item, self.items[key]["data"]):
                    return key
        wanted = WorkKey.of(item)
        candidates = dict.fromkeys(k for word in title_keys(item.get("title", "")) for k in self.by_word.get(word, []))
        for key in candidates:
            if same_key(wanted, self.work_keys[key]) and not conflicting_ids(item, self.items[key]["data"]):
                return key
        return None


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
