"""Group parsed items into works: the same work from two sources becomes one item.

The richest record is the base; the others fill its empty fields, add tags,
and lend their creators when the base has none; a merged item is fitted again.
Pure: the input records are never changed, every Work is new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from zotsync import extra, schema
from zotsync.match import IndexKeys, LibraryIndex
from zotsync.model import Parsed, Work

__all__ = ["Work", "file_in", "group", "merge_items"]

LIST_FIELDS = {"creators", "tags", "collections", "relations"}


def richness(item: dict[str, Any]) -> int:
    return sum(1 for k, v in item.items() if v and k not in {"tags"}) + len(item.get("creators") or [])


def group(parsed: list[Parsed]) -> list[Work]:
    """Works in document order; records of the same work are merged."""
    works: list[Work] = []
    index = LibraryIndex(fine=True)
    by_source: dict[str, int] = {}
    for record in parsed:
        if record.source in by_source:
            target = by_source[record.source]
        else:
            keys = IndexKeys.of(record.item)
            found = index.find_keys(keys)
            target = int(found) if found is not None else -1
        if target >= 0:
            _merge_into(works[target], record)
        else:
            target = len(works)
            works.append(Work([record.source], dict(record.item), [record.origin],
                              [record.cited_by] if record.cited_by else [], list(record.notes)))
            index.add_keys(str(target), keys)
        by_source[record.source] = target
    return works


def _merge_into(work: Work, record: Parsed) -> None:
    if record.source not in work.sources:
        work.sources.append(record.source)
    work.origins.append(record.origin)
    if record.cited_by and record.cited_by not in work.cited_by:
        work.cited_by.append(record.cited_by)
    work.notes += [n for n in record.notes if n not in work.notes]
    work.item = merge_items(work.item, record.item)


def merge_items(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    base, other = (a, b) if richness(a) >= richness(b) else (b, a)
    merged = dict(base)
    item_type = merged["itemType"]
    for name, value in other.items():
        if name in LIST_FIELDS or name in {"itemType", "extra"} or not value:
            continue
        target = schema.field_for_type(item_type, name)
        if target and not merged.get(target):
            merged[target] = value
    if not merged.get("creators") and other.get("creators"):
        merged["creators"] = other["creators"]
    seen = {t["tag"] for t in merged.get("tags", [])}
    merged["tags"] = list(merged.get("tags", [])) + [t for t in other.get("tags", []) if t["tag"] not in seen]
    lent = extra.parse(other.get("extra", ""))
    if merged.get("creators") != other.get("creators"):  # its "et al." spoke of its own, shorter author list
        lent = [line for line in lent if line != ("", "et al.")]
    extra_text = extra.merge(merged.get("extra", ""), lent)
    if extra_text:
        merged["extra"] = extra_text
    return schema.fit(merged)


def file_in(works: list[Work], collection_of: Mapping[str, str], everything: str | None = None) -> list[Work]:
    """Works with the names of the collections their sources go to (``everything``: all of them)."""
    out = []
    for work in works:
        names = {collection_of[s] for s in work.sources if s in collection_of} | ({everything} if everything else set())
        out.append(replace(work, collections=sorted(names)) if names else work)
    return out
