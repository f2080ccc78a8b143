"""The sandbox's schema endpoints: /itemTypes, /itemFields, /creatorFields, /itemTypeFields,
/itemTypeCreatorTypes and /items/new (templates)."""

from __future__ import annotations

from typing import Any

from zotsync import schema
from zotsync.sandbox.http import HttpError, Request, Response
from zotsync.sandbox.validate import ATTACHMENT_FIELDS

HIDDEN_TYPES = {"attachment", "annotation"}


def _type_or_400(req: Request) -> str:
    item_type = req.query.get("itemType")
    if item_type is None:
        raise HttpError(400, "'itemType' not provided")
    if item_type not in schema.item_types():
        raise HttpError(400, f"Invalid item type '{item_type}'")
    return item_type


def item_types(req: Request) -> Response:
    types = sorted(t for t in schema.item_types() if t not in HIDDEN_TYPES)
    return Response.json([{"itemType": t, "localized": schema.item_type_label(t)} for t in types])


def item_fields(req: Request) -> Response:
    return Response.json([{"field": f, "localized": schema.field_label(f)} for f in sorted(schema.all_fields())])


def creator_fields(req: Request) -> Response:
    return Response.json([{"field": f, "localized": label} for f, label in
                          (("firstName", "First"), ("lastName", "Last"), ("name", "Name"))])


def type_fields(req: Request) -> Response:
    item_type = _type_or_400(req)
    rows = [{**f, "localized": schema.field_label(f["field"])} for f in schema.field_rows(item_type)]
    return Response.json(rows)


def type_creator_types(req: Request) -> Response:
    item_type = _type_or_400(req)
    types = list(schema.creator_types(item_type))
    primary = schema.primary_creator_type(item_type)
    ordered = [primary] + sorted(t for t in types if t != primary) if types else []
    return Response.json([{"creatorType": t, "localized": schema.creator_type_label(t)} for t in ordered])


def template(req: Request) -> Response:
    item_type = _type_or_400(req)
    if item_type == "attachment":
        mode = req.query.get("linkMode")
        if not mode:
            raise HttpError(400, "linkMode required for itemType=attachment")
        if mode not in ATTACHMENT_FIELDS:
            raise HttpError(400, f"Invalid linkMode '{mode}'")
        body: dict[str, Any] = {"itemType": "attachment", "linkMode": mode}
        body.update({f: "" for f in ATTACHMENT_FIELDS[mode]})
        body.update({"tags": [], "collections": [], "relations": {}})
        return Response.json(body)
    if item_type == "annotation":
        raise HttpError(400, "annotationType required for itemType=annotation")
    if item_type == "note":
        return Response.json({"itemType": "note", "note": "", "tags": [], "collections": [], "relations": {}})
    body = {"itemType": item_type}
    body.update({f: "" for f in schema.fields_for(item_type)})
    body["creators"] = [{"creatorType": schema.primary_creator_type(item_type), "firstName": "", "lastName": ""}]
    body.update({"tags": [], "collections": [], "relations": {}})
    return Response.json(body)
