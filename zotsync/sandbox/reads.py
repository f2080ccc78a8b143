"""GET handlers of the sandbox: listings with since/format/limit/start/sort and Link paging."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from zotsync.sandbox.http import HttpError, Request, Response
from zotsync.sandbox.objects import WEBSITE, collection_json, item_json
from zotsync.sandbox.store import Library, Obj

FORMATS = {"json", "keys", "versions", "atom", "bib", "citation", "bibtex", "biblatex", "csljson", "ris"}
SORTS = {"dateAdded", "dateModified", "title", "creator", "itemType", "date", "publisher",
         "publicationTitle", "journalAbbreviation", "language", "accessDate", "libraryCatalog",
         "callNumber", "rights", "addedBy", "numItems", "name"}


def int_param(req: Request, name: str, message: str) -> int | None:
    raw = req.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, message) from None


def validate_params(req: Request) -> None:
    fmt = req.query.get("format", "json")
    if fmt not in FORMATS:
        raise HttpError(400, f"Invalid 'format' value '{fmt}'")
    if "sort" in req.query and req.query["sort"] not in SORTS:
        raise HttpError(400, f"Invalid 'sort' value '{req.query['sort']}'")
    if "direction" in req.query and req.query["direction"] not in {"asc", "desc"}:
        raise HttpError(400, f"Invalid 'direction' value '{req.query['direction']}'")
    int_param(req, "since", "Invalid value for 'since' parameter")


def not_modified(req: Request, lib: Library) -> bool:
    raw = req.header("if-modified-since-version")
    if raw is None:
        return False
    try:
        return int(raw) >= lib.version
    except ValueError:
        raise HttpError(400, "Invalid If-Modified-Since-Version value") from None


def filter_items(req: Request, objs: list[Obj]) -> list[Obj]:
    since = int_param(req, "since", "Invalid value for 'since' parameter")
    if since is not None:
        objs = [o for o in objs if o.version > since]
    if req.query.get("itemKey"):
        wanted = set(req.query["itemKey"].split(","))
        objs = [o for o in objs if o.key in wanted]
    if req.query.get("collectionKey"):
        wanted = set(req.query["collectionKey"].split(","))
        objs = [o for o in objs if o.key in wanted]
    if req.query.get("tag"):
        tags = {t.strip() for t in req.query["tag"].split("||")}
        objs = [o for o in objs if tags & {t["tag"] for t in o.data.get("tags", [])}]
    if req.query.get("itemType"):
        objs = [o for o in objs if o.data.get("itemType") == req.query["itemType"]]
    if req.query.get("q"):
        needle = req.query["q"].lower()
        objs = [o for o in objs if needle in str(o.data.get("title", "")).lower()
                or any(needle in (c.get("lastName", "") + c.get("name", "")).lower() for c in o.data.get("creators", []))]
    return objs


def sort_objects(req: Request, objs: list[Obj], default: str = "dateModified") -> list[Obj]:
    field = req.query.get("sort", default)
    descending = req.query.get("direction", "desc" if field in {"dateAdded", "dateModified"} else "asc") == "desc"

    def key(o: Obj) -> tuple[Any, ...]:
        if field == "creator":
            creators = o.data.get("creators") or [{}]
            value = creators[0].get("lastName") or creators[0].get("name") or ""
        else:
            value = o.data.get(field, "")
        return (str(value).lower(), o.version, o.key)

    return sorted(objs, key=key, reverse=descending)


def page(req: Request, objs: list[Any], fmt: str) -> tuple[list[Any], int, int | None]:
    """The slice for limit/start; itemKey lists ignore the limit, keys/versions default to no limit."""
    total = len(objs)
    start = int_param(req, "start", "Invalid value for 'start' parameter") or 0
    limit = int_param(req, "limit", "Invalid value for 'limit' parameter")
    if req.query.get("itemKey") or req.query.get("collectionKey"):
        return objs, total, None
    if limit is None and fmt in {"keys", "versions"}:
        return objs[start:], total, None
    limit = 25 if not limit else min(limit, 100)
    return objs[start:start + limit], total, limit


def link_header(req: Request, base: str, lib: Library, total: int, limit: int | None) -> str:
    params = {k: v for k, v in req.query.items() if k not in {"start", "key"}}
    start = int(req.query.get("start") or 0)
    links: list[str] = []

    if limit and "limit" in params:
        params["limit"] = str(limit)

    def url(at: int) -> str:
        query = dict(params)
        if at:
            query["start"] = str(at)
        return f"{base}{req.path}?{urlencode(sorted(query.items()))}"

    if limit:
        last = ((total - 1) // limit) * limit if total else 0
        if start > 0:
            links.append(f'<{url(0)}>; rel="first"')
            links.append(f'<{url(max(start - limit, 0))}>; rel="prev"')
        if start + limit < total:
            links.append(f'<{url(start + limit)}>; rel="next"')
        if last != start and total > limit:
            links.append(f'<{url(last)}>; rel="last"')
    links.append(f'<{WEBSITE}/{lib.name}/items>; rel="alternate"')
    return ", ".join(links)


def listing(req: Request, lib: Library, objs: list[Obj], base: str, kind: str = "item") -> Response:
    validate_params(req)
    if not_modified(req, lib):
        return Response(304, bare=True)
    fmt = req.query.get("format", "json")
    objs = sort_objects(req, filter_items(req, objs), "dateModified" if kind == "item" else "name")
    chunk, total, limit = page(req, objs, fmt)
    headers = {"Last-Modified-Version": str(lib.version), "Total-Results": str(total),
               "Link": link_header(req, base, lib, total, limit)}
    if fmt == "keys":
        body = "".join(o.key + "\n" for o in chunk).encode()
        return Response(200, body, {"Content-Type": "text/plain; charset=utf-8", **headers})
    render = item_json if kind == "item" else collection_json
    payload: Any = {o.key: o.version for o in chunk} if fmt == "versions" else [render(lib, o, base) for o in chunk]
    response = Response.json(payload)
    response.headers.update(headers)
    return response


def items_for(req: Request, lib: Library, scope: str, key: str | None = None) -> list[Obj]:
    include_trashed = req.query.get("includeTrashed") in {"1", "true"}
    objs = list(lib.items.values())
    if scope == "trash":
        return [o for o in objs if o.data.get("deleted")]
    if scope == "children":
        return [o for o in objs if o.data.get("parentItem") == key]
    if scope.startswith("collection"):
        members = {o.key for o in objs if key in o.data.get("collections", [])}
        objs = [o for o in objs if o.key in members or (scope == "collection" and o.data.get("parentItem") in members)]
    if not include_trashed:
        objs = [o for o in objs if not o.data.get("deleted")]
    if scope.endswith("top"):
        objs = [o for o in objs if not o.data.get("parentItem")]
    return objs


def single_item(lib: Library, key: str, base: str) -> Response:
    obj = lib.items.get(key)
    if obj is None:
        raise HttpError(404, "Item does not exist")
    return Response.json(item_json(lib, obj, base), Last_Modified_Version=str(obj.version))


def single_collection(lib: Library, key: str, base: str) -> Response:
    obj = lib.collections.get(key)
    if obj is None:
        raise HttpError(404, "Collection not found")
    return Response.json(collection_json(lib, obj, base), Last_Modified_Version=str(obj.version))


def deleted(req: Request, lib: Library) -> Response:
    since = int_param(req, "since", "Invalid value for 'since' parameter")
    if since is None:
        raise HttpError(400, "'since' parameter must be provided")
    out: dict[str, list[str]] = {"collections": [], "items": [], "searches": [], "settings": [], "tags": []}
    for (kind, key), version in lib.deleted.items():
        if version > since:
            out["items" if kind == "item" else "collections"].append(key)
    return Response.json(out, Last_Modified_Version=str(lib.version))
