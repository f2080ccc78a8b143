"""GET handlers of the sandbox: listings with since/format/limit/start/sort and Link paging."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from zotsync.sandbox.http import HttpError, Request, Response
from zotsync.sandbox.objects import WEBSITE, collection_json, item_json
from zotsync.sandbox.store import Backwards, Library, Obj

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


def filter_items(req: Request, objs: Sequence[Obj]) -> Sequence[Obj]:
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


def sort_order(req: Request, default: str) -> tuple[str, bool]:
    """(field, descending) of a listing: dates newest first, everything else ascending, unless asked."""
    field = req.query.get("sort", default)
    return field, req.query.get("direction", "desc" if field in {"dateAdded", "dateModified"} else "asc") == "desc"


def sort_key(field: str) -> Callable[[Obj], tuple[Any, ...]]:
    """A total order (the key breaks every tie), so filtering a sorted list keeps it sorted."""

    def key(o: Obj) -> tuple[Any, ...]:
        if field == "creator":
            creators = o.data.get("creators") or [{}]
            value = creators[0].get("lastName") or creators[0].get("name") or ""
        else:
            value = o.data.get(field, "")
        return (str(value).lower(), o.version, o.key)

    return key


def sort_objects(req: Request, objs: list[Obj], default: str = "dateModified") -> list[Obj]:
    field, descending = sort_order(req, default)
    return sorted(objs, key=sort_key(field), reverse=descending)


def ordered(lib: Library, kind: str, field: str, descending: bool) -> Iterable[Obj]:
    """Every object of a kind in one order (the library keeps it sorted as objects change)."""
    objs = lib.ordered(kind, field, sort_key(field))
    return reversed(objs) if descending else objs


# Whole-library scopes: which items each keeps, by (scope, includeTrashed). The library keeps one
# sorted order per scope and sort field, so a page after a write costs the page, not the library.
SUBSETS: dict[tuple[str, bool], Callable[[Obj], bool]] = {
    ("all", True): lambda o: True,
    ("all", False): lambda o: not o.data.get("deleted"),
    ("top", True): lambda o: not o.data.get("parentItem"),
    ("top", False): lambda o: not o.data.get("parentItem") and not o.data.get("deleted"),
    ("trash", True): lambda o: bool(o.data.get("deleted")),
    ("trash", False): lambda o: bool(o.data.get("deleted")),
}
# A ``since`` listing sorts just the changed items when they are fewer than this share of the library.
SINCE_SHARE = 0.1


def whole_library(req: Request, lib: Library, scope: str) -> Sequence[Obj]:
    """The items of a whole-library scope in the asked order, before the other filters."""
    subset = (scope, req.query.get("includeTrashed") in {"1", "true"})
    keep = SUBSETS[subset]
    since = int_param(req, "since", "Invalid value for 'since' parameter")
    if since is not None:
        changed = lib.since("item", since)
        if len(changed) <= SINCE_SHARE * len(lib.items):
            return sort_objects(req, [o for o in changed if keep(o)])
    field, descending = sort_order(req, "dateModified")
    objs = lib.ordered("item", (field, subset), sort_key(field), keep)
    return Backwards(objs) if descending else objs


def page(req: Request, objs: Sequence[Obj], fmt: str) -> tuple[Sequence[Obj], int, int | None]:
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


def listing(req: Request, lib: Library, select: Callable[[], Sequence[Obj]], base: str, kind: str = "item") -> Response:
    """One page of ``select()`` (the filtered, sorted objects), computed once per library revision."""
    validate_params(req)
    if not_modified(req, lib):
        return Response(304, bare=True)
    # key lists are cheap to select and rarely asked twice: not cached
    by_keys = bool(req.query.get("itemKey"))
    objs = select() if by_keys else lib.cached(("listing", kind, req.path, selection_params(req)), select)
    fmt = req.query.get("format", "json")
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


def selection_params(req: Request) -> tuple[tuple[str, str], ...]:
    """The query parameters that decide which objects a listing holds and in what order (not the page)."""
    return tuple(sorted((k, v) for k, v in req.query.items() if k not in {"start", "limit", "format", "key"}))


def item_listing(req: Request, lib: Library, base: str, scope: str, key: str | None = None) -> Response:
    return listing(req, lib, lambda: select_items(req, lib, scope, key), base)


def collection_listing(req: Request, lib: Library, base: str, keep: Callable[[Obj], bool]) -> Response:
    return listing(req, lib, lambda: filter_items(req, [c for c in ordered(lib, "collection", *sort_order(req, "name"))
                                                        if keep(c)]), base, "collection")


def select_items(req: Request, lib: Library, scope: str, key: str | None = None) -> Sequence[Obj]:
    """The items of a listing (scope: all, top, trash, children, collection, collection_top), filtered and sorted.

    Whole-library scopes read an order the library keeps per scope (or sort the few items changed
    since a version); key lists, children and collections sort just their own few items (the order
    is total, so each way gives the same sequence).
    """
    keep = scope_test(req, lib, scope, key)
    wanted = req.query.get("itemKey")
    if wanted:
        pool = [lib.items[k] for k in dict.fromkeys(wanted.split(",")) if k in lib.items]
    elif scope in {"children", "collection", "collection_top"}:
        pool = [lib.items[k] for k in scope_keys(lib, scope, key or "")]
    else:
        return filter_items(req, whole_library(req, lib, scope))
    return filter_items(req, sort_objects(req, [o for o in pool if keep(o)]))


def scope_keys(lib: Library, scope: str, key: str) -> set[str]:
    if scope == "children":
        return lib.linked(key)
    members = lib.linked("c:" + key)
    if scope == "collection_top":
        return members
    return members.union(*(lib.linked(member) for member in members))


def scope_test(req: Request, lib: Library, scope: str, key: str | None) -> Callable[[Obj], bool]:
    """Whether an item belongs to the scope (trashed items only with includeTrashed, except in the trash)."""
    if scope == "trash":
        return lambda o: bool(o.data.get("deleted"))
    if scope == "children":
        return lambda o: o.data.get("parentItem") == key
    include_trashed = req.query.get("includeTrashed") in {"1", "true"}
    members = lib.linked("c:" + (key or "")) if scope.startswith("collection") else None
    top_only = scope.endswith("top")

    def keep(o: Obj) -> bool:
        data = o.data
        if members is not None and o.key not in members and not (scope == "collection" and data.get("parentItem") in members):
            return False
        if not include_trashed and data.get("deleted"):
            return False
        return not (top_only and data.get("parentItem"))

    return keep


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
