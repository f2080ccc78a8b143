"""CSL-JSON (a list of items or one item), mapped through the schema's own ``csl`` tables."""

from __future__ import annotations

import json
from typing import Any

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources.base import Document, suffix

CREATOR_FROM_CSL = {"author": "author", "container-author": "bookAuthor", "editor": "editor",
                    "collection-editor": "seriesEditor", "translator": "translator", "contributor": "contributor",
                    "reviewed-author": "reviewedAuthor", "original-author": "originalCreator",
                    "director": "director", "interviewer": "interviewer", "recipient": "recipient",
                    "composer": "composer", "chair": "chair", "organizer": "organizer", "guest": "guest",
                    "narrator": "narrator", "producer": "producer", "executive-producer": "executiveProducer",
                    "script-writer": "scriptwriter", "performer": "castMember", "host": "host"}


class CslJsonParser:
    name = "csljson"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:2000]
        if head.startswith(("[", "{")) and '"type"' in head and ('"title"' in head or '"author"' in head or '"id"' in head):
            return 0.9
        return 0.3 if suffix(filename) in {"json", "csl"} and head.startswith(("[", "{")) else 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"invalid JSON: {exc.msg}", doc.origin, exc.lineno) from exc
        records = data if isinstance(data, list) else data.get("items", [data]) if isinstance(data, dict) else []
        out = []
        for record in records:
            if isinstance(record, dict) and record:
                item = csl_to_item(record)
                cid = str(record.get("id", ""))
                out.append(Parsed(source=common.identity("csl", item, doc, local=cid), item=item, origin=doc.origin))
        if not out:
            raise ParseError("no CSL-JSON items found", doc.origin)
        return out


def csl_to_item(record: dict[str, Any]) -> dict[str, Any]:
    csl_type = str(record.get("type") or "article")
    item_type = (schema.csl_types().get(csl_type) or ["document"])[0]
    item: dict[str, Any] = {"itemType": item_type, "creators": [], "tags": []}
    for variable, fields in schema.csl_text_fields().items():
        value = record.get(variable)
        if value in (None, "", []):
            continue
        target = next((t for f in fields if (t := schema.field_for_type(item_type, f))), None)
        if target and target not in item:
            item[target] = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    for variable, field in schema.csl_date_fields().items():
        if record.get(variable) and schema.field_for_type(item_type, field):
            item[schema.field_for_type(item_type, field)] = csl_date(record[variable])  # type: ignore[index]
    for variable, role in CREATOR_FROM_CSL.items():
        for name in record.get(variable) or []:
            item["creators"].append(_creator(name, role))
    if isinstance(record.get("keyword"), str):
        item["tags"] = common.tags(record["keyword"].split(","))
    return item


def _creator(name: dict[str, Any], role: str) -> dict[str, str]:
    if name.get("literal") or not name.get("family"):
        return {"creatorType": role, "name": str(name.get("literal") or name.get("given") or "")}
    family = " ".join(str(p) for p in (name.get("non-dropping-particle"), name["family"]) if p)
    given = " ".join(str(p) for p in (name.get("given"), name.get("dropping-particle")) if p)
    if name.get("suffix"):
        given = f"{given}, {name['suffix']}"
    return {"creatorType": role, "firstName": given, "lastName": family}


def csl_date(value: Any) -> str:
    if isinstance(value, dict):
        parts = (value.get("date-parts") or [[]])[0]
        if parts and parts[0]:
            numbers = [int(p) for p in parts if str(p).lstrip("-").isdigit()]
            return "-".join([f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:3]])
        return str(value.get("literal") or value.get("raw") or "")
    return str(value)
