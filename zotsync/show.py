"""What a library holds, as a person reads it: one row per top-level item, with what zotsync manages.

Pure: library objects and the state's source identities in, rows and text out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from zotsync import dates

TITLE_WIDTH = 60


@dataclass(frozen=True)
class Row:
    key: str
    item_type: str
    year: str
    creator: str
    title: str
    sources: list[str]
    trashed: bool


def rows(objects: Iterable[dict[str, Any]], sources: dict[str, str]) -> list[Row]:
    """Top-level items (no notes or attachments), by title; ``sources`` maps source id -> key."""
    by_key: dict[str, list[str]] = {}
    for source, key in sources.items():
        by_key.setdefault(key, []).append(source)
    out = [_row(obj, sorted(by_key.get(obj["key"], []))) for obj in objects
           if not obj["data"].get("parentItem") and obj["data"].get("itemType") not in {"note", "attachment", "annotation"}]
    return sorted(out, key=lambda r: (r.title.casefold(), r.key))


def _row(obj: dict[str, Any], sources: list[str]) -> Row:
    data = obj["data"]
    creators = data.get("creators") or [{}]
    first = creators[0].get("lastName") or creators[0].get("name") or ""
    more = " et al." if len(creators) > 1 else ""
    return Row(obj["key"], data.get("itemType", ""), dates.year_of(data.get("date", "")), first + more,
               data.get("title", ""), sources, bool(data.get("deleted")))


def as_table(table: list[Row]) -> str:
    if not table:
        return "The library is empty."
    lines = [f"{'key':8}  {'type':16}  {'year':4}  {'creator':20}  {'title':{TITLE_WIDTH}}  managed by zotsync"]
    for row in table:
        title = row.title if len(row.title) <= TITLE_WIDTH else row.title[:TITLE_WIDTH - 1] + "…"
        managed = ", ".join(row.sources) if row.sources else "-"
        trash = " (in the trash)" if row.trashed else ""
        lines.append(f"{row.key:8}  {row.item_type[:16]:16}  {row.year:4}  {row.creator[:20]:20}  "
                     f"{title:{TITLE_WIDTH}}  {managed}{trash}")
    managed_count = sum(1 for r in table if r.sources)
    lines.append(f"{len(table)} items, {managed_count} managed by zotsync")
    return "\n".join(lines)


def as_json(table: list[Row]) -> str:
    return json.dumps([asdict(r) for r in table], ensure_ascii=False, indent=2)
