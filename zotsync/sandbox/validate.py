"""What the real server checks and normalises on every item and collection it saves.

Each check returns an ``Invalid`` with the status code, the server's message
and its ``data``, as observed on the real server (shared/real-api).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zotsync import schema

KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
RELATION_URI = re.compile(r"^http://zotero\.org/(users|groups)/\d+/(publications/)?items/[A-Z0-9]{8}$")
PREDICATES = {"dc:relation", "owl:sameAs", "dc:replaces"}
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$")
SQL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?$")
SQL_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$")
CHILD_TYPES = {"note", "attachment", "annotation"}
ITEM_PROPS = {"key", "version", "itemType", "creators", "tags", "collections", "relations", "deleted",
              "dateAdded", "dateModified", "parentItem", "note", "extra", "accessDate", "inPublications"}
ATTACHMENT_FIELDS = {
    "linked_url": ["title", "accessDate", "url", "note", "contentType", "charset"],
    "imported_url": ["title", "accessDate", "url", "note", "contentType", "charset", "filename", "md5", "mtime"],
    "imported_file": ["title", "accessDate", "note", "contentType", "charset", "filename", "md5", "mtime"],
    "linked_file": ["title", "accessDate", "note", "contentType", "charset", "path"],
    "embedded_image": ["title", "accessDate", "note", "contentType", "charset"],
}
NAME_LIMIT = 255
VALUE_LIMIT = 65535
NOTE_LIMIT = 500_000  # characters (dataserver Notes::$MAX_NOTE_LENGTH)


@dataclass
class Invalid(Exception):
    code: int
    message: str
    data: dict[str, Any] = field(default_factory=dict)


def ellipsis(value: str) -> str:
    return value[:50] + "…"


def check_key(key: Any, kind: str = "item") -> None:
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise Invalid(400, f"'{key}' is not a valid {kind} key")


def type_fields(item_type: str, data: dict[str, Any]) -> list[str]:
    """Every field an item of this type shows in its data (the type's fields, or an attachment's)."""
    if item_type == "attachment":
        return ATTACHMENT_FIELDS.get(str(data.get("linkMode", "linked_url")), ATTACHMENT_FIELDS["linked_url"])
    if item_type == "note":
        return ["note"]
    if item_type == "annotation":
        return []
    return list(schema.fields_for(item_type))


def valid_item_type(item_type: Any) -> bool:
    return isinstance(item_type, str) and (item_type in schema.item_types())


def normalise_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (int, float)):
        return str(value)
    return str(value).strip() if value is not None else ""


def check_item(data: dict[str, Any], lib_name: str, key: str, is_new: bool) -> dict[str, Any]:
    """Validate merged item data; return it normalised (fields the type lacks but empty dropped)."""
    item_type = data.get("itemType")
    if item_type is None:
        raise Invalid(400, "'itemType' property not provided")
    if not valid_item_type(item_type):
        raise Invalid(400, f"'{item_type}' is not a valid itemType")
    allowed = set(type_fields(item_type, data)) | {"linkMode"} if item_type == "attachment" else set(type_fields(item_type, data))
    out: dict[str, Any] = {"itemType": item_type}
    for name, value in data.items():
        if name in ITEM_PROPS or name == "itemType" or name == "linkMode":
            continue
        if name not in schema.all_fields() and name not in allowed:
            raise Invalid(400, f"Invalid property '{name}'")
        text = normalise_value(value)
        if name not in allowed:
            if text:
                raise Invalid(400, f"'{name}' is not a valid field for type '{item_type}'")
            continue
        _check_length(name, text, lib_name, key)
        out[name] = text
    if item_type == "attachment":
        out["linkMode"] = data.get("linkMode", "linked_url")
    _check_parent_rules(data, item_type)
    out.update(_special_fields(data, item_type, lib_name, key))
    return out


def _check_length(name: str, text: str, lib_name: str, key: str) -> None:
    if len(text.encode("utf-8")) > VALUE_LIMIT:
        label = schema.field_label(name)
        lib_id = lib_name.split("/")[-1]
        raise Invalid(413, f"{label} field value '{ellipsis(text)}' too long for item '{lib_id}/{key}'",
                      {"field": label, "value": ellipsis(text)})


def _check_note_length(note: str, lib_name: str, key: str) -> None:
    """The server's note limit counts characters (mb_strlen), not bytes; over it: 413 per object."""
    if len(note) > NOTE_LIMIT:
        excerpt = " ".join(re.sub(r"<[^>]*>", " ", note[:2000]).split())
        lib_id = lib_name.split("/")[-1]
        raise Invalid(413, f"Note '{ellipsis(excerpt)}' too long for item '{lib_id}/{key}'", {"value": ellipsis(excerpt)})


def _check_parent_rules(data: dict[str, Any], item_type: str) -> None:
    if data.get("parentItem"):
        if item_type not in CHILD_TYPES:
            raise Invalid(400, "Child item must be note, attachment, or annotation")
        if data.get("collections"):
            raise Invalid(400, "Child items cannot be assigned to collections")


def _special_fields(data: dict[str, Any], item_type: str, lib_name: str, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if item_type not in CHILD_TYPES:
        out["creators"] = check_creators(data.get("creators") or [], item_type)
    out["tags"] = check_tags(data.get("tags") or [])
    out["relations"] = check_relations(data.get("relations") or {})
    if not data.get("parentItem"):
        out["collections"] = list(data.get("collections") or [])
    else:
        out["parentItem"] = data["parentItem"]
    if "extra" in data and item_type not in {"note", "attachment", "annotation"}:
        extra = normalise_value(data["extra"])
        _check_length("extra", extra, lib_name, key)
        out["extra"] = extra
    if item_type in CHILD_TYPES:
        out["note"] = str(data.get("note") or "")
        _check_note_length(out["note"], lib_name, key)
    if "accessDate" in data:
        out["accessDate"] = check_access_date(data["accessDate"])
    for name in ("dateAdded", "dateModified"):
        if data.get(name):
            out[name] = check_timestamp(name, data[name])
    if data.get("deleted") in (1, True, "1", "true"):
        out["deleted"] = 1
    return out


def check_creators(creators: list[Any], item_type: str) -> list[dict[str, str]]:
    if len(creators) == 1 and isinstance(creators[0], dict) and not any(
            str(creators[0].get(k) or "").strip() for k in ("name", "firstName", "lastName")):
        return []
    allowed = set(schema.creator_types(item_type))
    primary = schema.primary_creator_type(item_type)
    out = []
    for creator in creators:
        out.append(_check_creator(creator, allowed, primary, item_type))
    return out


def _check_creator(creator: Any, allowed: set[str], primary: str, item_type: str) -> dict[str, str]:
    if not isinstance(creator, dict) or "creatorType" not in creator:
        raise Invalid(400, "creator object must contain 'creatorType'")
    ctype = creator["creatorType"]
    if ctype == "author" and "author" not in allowed:
        ctype = primary
    elif ctype not in allowed:
        raise Invalid(400, f"'{ctype}' is not a valid creator type for item type '{item_type}'")
    if "name" in creator and ("lastName" in creator or "firstName" in creator):
        raise Invalid(400, "'lastName' and 'name' creator fields are mutually exclusive")
    if "firstName" in creator and "lastName" not in creator:
        raise Invalid(400, "'lastName' creator field must be set if 'firstName' is set")
    if "lastName" in creator and "firstName" not in creator:
        raise Invalid(400, "'firstName' creator field must be set if 'lastName' is set")
    parts = {k: normalise_value(creator[k]) for k in ("name", "firstName", "lastName") if k in creator}
    if not any(parts.values()):
        raise Invalid(400, "creator object must contain 'firstName'/'lastName' or 'name'")
    for value in parts.values():
        if len(value) > NAME_LIMIT:
            raise Invalid(413, f"The creator name ‘{ellipsis(value)}…’ is too long to sync. Shorten the name "
                               "and sync again.\n\nIf you receive this message repeatedly for items saved from "
                               "a particular site, you can report this issue in the Zotero Forums.",
                          {"field": "creator", "value": ellipsis(value)})
    return {"creatorType": ctype, **parts}


def check_tags(tags: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for tag in tags:
        if not isinstance(tag, dict):
            raise Invalid(400, "Tag must be an object")
        for prop in tag:
            if prop not in {"tag", "type"}:
                raise Invalid(400, f"Invalid tag property '{prop}'")
        text = normalise_value(tag.get("tag"))
        if len(text) > NAME_LIMIT:
            raise Invalid(413, f"Tag '{ellipsis(text)}' too long", {"tag": text})
        if not text or text in seen:
            continue
        seen.add(text)
        entry: dict[str, Any] = {"tag": text}
        if int(tag.get("type") or 0):
            entry["type"] = int(tag["type"])
        out.append(entry)
    return out


def check_relations(relations: Any) -> dict[str, Any]:
    if not relations:
        return {}
    if not isinstance(relations, dict):
        raise Invalid(400, "'relations' property must be an object")
    out: dict[str, Any] = {}
    for predicate, values in relations.items():
        if predicate not in PREDICATES and not predicate.startswith("mendeleyDB:"):
            raise Invalid(400, f"Unsupported predicate '{predicate}'")
        listed = values if isinstance(values, list) else [values]
        for value in listed:
            if not isinstance(value, str) or not RELATION_URI.match(value):
                raise Invalid(400, "'relations' values currently must be Zotero item URIs")
        if listed:
            out[predicate] = listed[0] if len(listed) == 1 else list(listed)
    return out


def check_access_date(value: Any) -> str:
    text = normalise_value(value)
    if text and not (ISO_DATETIME.match(text) or SQL_DATE.match(text) or text == "CURRENT_TIMESTAMP"):
        raise Invalid(400, "'accessDate' must be in ISO 8601 or UTC 'YYYY-MM-DD[ hh:mm:ss]' format "
                           f"or 'CURRENT_TIMESTAMP' ({text})")
    return text


def check_timestamp(name: str, value: Any) -> str:
    text = normalise_value(value)
    sql = SQL_DATETIME.match(text)
    if sql:
        return f"{sql.group(1)}T{sql.group(2)}Z"
    if not ISO_DATETIME.match(text):
        raise Invalid(400, f"'{name}' must be in ISO 8601 or UTC 'YYYY-MM-DD hh:mm:ss' format ({text})")
    return text


def check_collection(data: dict[str, Any]) -> dict[str, Any]:
    for prop in data:
        if prop not in {"key", "version", "name", "parentCollection", "relations"}:
            raise Invalid(400, f"Invalid property '{prop}'")
    name = normalise_value(data.get("name"))
    if not name:
        raise Invalid(400, "Collection name cannot be empty")
    if len(name) > NAME_LIMIT:
        raise Invalid(413, f"Collection name '{ellipsis(name)}' too long", {"value": ellipsis(name)})
    return {"name": name, "parentCollection": data.get("parentCollection") or False,
            "relations": check_relations(data.get("relations") or {})}
