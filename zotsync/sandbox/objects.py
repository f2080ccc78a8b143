"""JSON shapes of sandbox objects, as the real server returns them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from zotsync import dates
from zotsync.sandbox.store import Library, Obj
from zotsync.sandbox.validate import type_fields

WEBSITE = "https://www.zotero.org"


def full_data(obj: Obj) -> dict[str, Any]:
    """Item data with every field of its type present ("" when empty)."""
    data = obj.data
    item_type = data["itemType"]
    out: dict[str, Any] = {"key": obj.key, "version": obj.version, "itemType": item_type}
    if data.get("parentItem"):
        out["parentItem"] = data["parentItem"]
    if item_type == "attachment":
        out["linkMode"] = data.get("linkMode", "linked_url")
    for name in type_fields(item_type, data):
        out[name] = data.get(name, "")
    if item_type not in {"note", "attachment", "annotation"}:
        out["creators"] = data.get("creators", [])
        out["extra"] = data.get("extra", "")
    out["tags"] = data.get("tags", [])
    if not data.get("parentItem"):
        out["collections"] = data.get("collections", [])
    out["relations"] = data.get("relations", {})
    if data.get("deleted"):
        out["deleted"] = 1
    out["dateAdded"] = data.get("dateAdded", "")
    out["dateModified"] = data.get("dateModified", "")
    return out


@lru_cache(maxsize=64)
def _library_json_of(lib_type: str, lib_id: int) -> dict[str, Any]:
    """Shared between every rendered object of a library (json.dumps only reads it)."""
    return {"type": lib_type, "id": lib_id, "name": f"{lib_type} {lib_id}",
            "links": {"alternate": {"href": f"{WEBSITE}/{lib_type}s/{lib_id}", "type": "text/html"}}}


def _library_json(lib: Library, base: str) -> dict[str, Any]:
    return _library_json_of(lib.lib_type, lib.lib_id)


def _links(lib: Library, base: str, kind: str, key: str, parent: str | None) -> dict[str, Any]:
    links: dict[str, Any] = {
        "self": {"href": f"{base}/{lib.name}/{kind}/{key}", "type": "application/json"},
        "alternate": {"href": f"{WEBSITE}/{lib.name}/{kind}/{key}", "type": "text/html"},
    }
    if parent:
        links["up"] = {"href": f"{base}/{lib.name}/{kind}/{parent}", "type": "application/json"}
    return links


def creator_summary(creators: list[dict[str, str]]) -> str:
    names = [c.get("lastName") or c.get("name") or "" for c in creators]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


@lru_cache(maxsize=8192)
def parsed_date(date: str) -> str:
    """The server's ``parsedDate`` of a date field, or "" when it has none (dates repeat: cached)."""
    parsed = dates.to_iso(date)
    return parsed if parsed[:4].isdigit() and all(c.isdigit() or c == "-" for c in parsed) else ""


def item_meta(lib: Library, obj: Obj) -> dict[str, Any]:
    data = obj.data
    if data["itemType"] == "attachment":
        return {}
    meta: dict[str, Any] = {}
    if data.get("creators"):
        meta["creatorSummary"] = creator_summary(data["creators"])
    parsed = parsed_date(data["date"]) if data.get("date") else ""
    if parsed:
        meta["parsedDate"] = parsed
    meta["numChildren"] = lib.child_count(obj.key) if data["itemType"] != "note" else 0
    return meta


def item_json(lib: Library, obj: Obj, base: str) -> dict[str, Any]:
    return {"key": obj.key, "version": obj.version, "library": _library_json(lib, base),
            "links": _links(lib, base, "items", obj.key, obj.data.get("parentItem")),
            "meta": item_meta(lib, obj), "data": full_data(obj)}


def collection_json(lib: Library, obj: Obj, base: str) -> dict[str, Any]:
    parent = obj.data.get("parentCollection") or None
    data = {"key": obj.key, "version": obj.version, "name": obj.data["name"],
            "parentCollection": obj.data.get("parentCollection") or False,
            "relations": obj.data.get("relations", {})}
    meta = {"numCollections": lib.child_count("cc:" + obj.key), "numItems": lib.child_count("c:" + obj.key)}
    return {"key": obj.key, "version": obj.version, "library": _library_json(lib, base),
            "links": _links(lib, base, "collections", obj.key, parent), "meta": meta, "data": data}
