"""Write handlers of the sandbox, with the real server's version, key and write-token rules."""

from __future__ import annotations

import copy
import json
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from zotsync.sandbox.http import HttpError, Request, Response
from zotsync.sandbox.objects import collection_json, item_json
from zotsync.sandbox.store import Library, Obj, Store
from zotsync.sandbox.validate import KEY_RE, Invalid, check_collection, check_item, check_key

MAX_OBJECTS = 50
KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
PRECONDITION = "Either If-Unmodified-Since-Version or 'version' property must be provided for 'key'-based writes"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


def parse_body(req: Request) -> Any:
    try:
        return json.loads(req.body.decode("utf-8") or "null")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "JSON Error: Syntax error, malformed JSON") from None


def library_precondition(req: Request, lib: Library) -> int | None:
    raw = req.header("if-unmodified-since-version")
    if raw is None:
        return None
    try:
        expected = int(raw)
    except ValueError:
        raise HttpError(400, "Invalid If-Unmodified-Since-Version value") from None
    if expected < lib.version:
        raise HttpError(412, f"Library has been modified since specified version (expected {expected}, found {lib.version})")
    return expected


def write_token(req: Request) -> str | None:
    token = req.header("zotero-write-token")
    if token is not None and not 5 <= len(token) <= 32:
        raise HttpError(400, "Write token must be 5-32 characters in length")
    return token


class Writer:
    """Multi-object POSTs and single-object writes against one library."""

    def __init__(self, store: Store, lib: Library, base: str, key_id: str) -> None:
        self.store, self.lib, self.base, self.key_id = store, lib, base, key_id

    # ---- POST /items and /collections ---------------------------------
    def post(self, req: Request, kind: str) -> Response:
        objects = parse_body(req)
        if not isinstance(objects, list):
            raise HttpError(400, "Uploaded data must be a JSON array")
        if len(objects) > MAX_OBJECTS:
            noun = "items" if kind == "item" else "collections"
            raise HttpError(413, f"Cannot add more than {MAX_OBJECTS} {noun} at a time")
        token = write_token(req)
        if token and (self.key_id, token) in self.store.write_tokens:
            raise HttpError(412, "Write token already used")
        library_ok = library_precondition(req, self.lib) is not None
        result: dict[str, dict[str, Any]] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
        for index, obj in enumerate(objects):
            self._post_one(kind, str(index), obj, library_ok, result)
        if result["unchanged"]:
            self.store.bump(self.lib)
        if token and not result["failed"]:
            self.store.remember_token(self.key_id, token, time.time())
        self.store.commit()
        return Response.json(result, Last_Modified_Version=str(self.lib.version))

    def _post_one(self, kind: str, index: str, obj: Any, library_ok: bool, result: dict[str, dict[str, Any]]) -> None:
        try:
            if not isinstance(obj, dict):
                raise Invalid(400, "Object must be a JSON object")
            outcome, saved = self.save(kind, obj, library_ok)
        except Invalid as exc:
            entry: dict[str, Any] = {"code": exc.code, "message": exc.message}
            if exc.data:
                entry["data"] = exc.data
            result["failed"][index] = entry
            return
        if outcome == "unchanged":
            result["unchanged"][index] = saved.key
        else:
            render = item_json if kind == "item" else collection_json
            result["successful"][index] = render(self.lib, saved, self.base)
            result["success"][index] = saved.key

    def save(self, kind: str, obj: dict[str, Any], library_ok: bool, replace: bool = False) -> tuple[str, Obj]:
        """Validate and store one object; returns ("saved" | "unchanged", object)."""
        existing = self._existing(kind, obj, library_ok)
        key = obj.get("key") or new_key()
        merged = copy.deepcopy(existing.data) if existing else {}
        merged.update({k: v for k, v in obj.items() if k not in {"key", "version"}})
        if "deleted" in obj and obj["deleted"] in (0, False, "0", "false"):
            merged.pop("deleted", None)
        if kind == "item":
            data = check_item(merged, self.lib.name, key, existing is None)
            self._check_references(data)
        else:
            data = check_collection(merged)
            parent = data["parentCollection"]
            if parent and parent not in self.lib.collections:
                raise Invalid(409, f"Parent collection {parent} not found", {"collection": parent})
        if existing is not None and self._same(existing.data, data):
            return "unchanged", existing
        if kind == "item":
            data.setdefault("dateAdded", existing.data.get("dateAdded") if existing else now_iso())
            if "dateModified" not in obj:
                data["dateModified"] = now_iso()
        version = self.store.bump(self.lib)
        saved = Obj(key, version, data)
        self.store.put(self.lib, kind, saved)
        return "saved", saved

    def _existing(self, kind: str, obj: dict[str, Any], library_ok: bool) -> Obj | None:
        key = obj.get("key")
        noun = "Item" if kind == "item" else "Collection"
        if key is None:
            if "version" in obj:
                raise Invalid(400, f"'version' is valid only if {kind} key is provided")
            return None
        check_key(key, kind)
        existing = self.lib.objects(kind).get(key)
        if "version" not in obj:
            if not library_ok:
                raise Invalid(428, PRECONDITION)
            return existing
        version = int(obj["version"] or 0)
        if existing is None and version:
            raise Invalid(404, f"{noun} doesn't exist (expected version {version}; use 0 instead)")
        if existing is not None and version != existing.version:
            raise Invalid(412, f"{noun} has been modified since specified version "
                               f"(expected {version}, found {existing.version})")
        return existing

    def _check_references(self, data: dict[str, Any]) -> None:
        parent = data.get("parentItem")
        if parent and parent not in self.lib.items:
            raise Invalid(409, f"Parent item {parent} not found", {"parentItem": parent})
        for coll in data.get("collections", []):
            if coll not in self.lib.collections:
                raise Invalid(409, f"Collection {coll} not found", {"collection": coll})

    @staticmethod
    def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
        def strip(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items() if k not in {"dateModified", "dateAdded"} and v not in ("", [], {})}

        return strip(old) == strip(new) and (not new.get("dateAdded") or new.get("dateAdded") == old.get("dateAdded"))

    # ---- PATCH / PUT /items/KEY ----------------------------------------
    def write_single(self, req: Request, key: str, method: str) -> Response:
        if not KEY_RE.match(key):
            raise HttpError(404, "Not found")
        body = parse_body(req)
        if not isinstance(body, dict):
            raise HttpError(400, "Uploaded data must be a JSON object")
        header = req.header("if-unmodified-since-version")
        existing = self.lib.items.get(key)
        if method == "PUT" and existing is not None:
            for prop in ("itemType", "tags", "collections", "relations"):
                if prop not in body:
                    raise HttpError(400, f"'{prop}' property not provided")
        if header is not None and "version" in body and str(body["version"]) != header:
            raise HttpError(400, "If-Unmodified-Since-Version value does not match JSON 'version' property "
                                 f"({header} != {body['version']})")
        expected = _version_from(header, body)
        if expected is None and existing is not None:
            raise HttpError(428, "Either If-Unmodified-Since-Version or object version property must be "
                                 "provided for key-based writes")
        if existing is not None and expected is not None and expected != existing.version:
            raise HttpError(412, f"Item has been modified since specified version (expected {expected}, "
                                 f"found {existing.version})", {"Last-Modified-Version": str(existing.version)})
        before = self.lib.version
        try:
            outcome, _ = self.save("item", {**body, "key": key, "version": existing.version if existing else 0}, True)
        except Invalid as exc:
            raise HttpError(exc.code, exc.message) from None
        if outcome == "unchanged":
            self.store.bump(self.lib)
            self.store.commit()
            return Response.empty(204, Last_Modified_Version=str(before))
        self.store.commit()
        return Response.empty(204, Last_Modified_Version=str(self.lib.version))

    # ---- DELETE ----------------------------------------------------------
    def delete_single(self, req: Request, kind: str, key: str) -> Response:
        header = req.header("if-unmodified-since-version")
        if header is None:
            raise HttpError(428, "If-Unmodified-Since-Version must be provided for delete requests")
        expected = _int_header(header)
        existing = self.lib.objects(kind).get(key)
        noun = "Item" if kind == "item" else "Collection"
        if existing is None:
            raise HttpError(412, f"{noun} not found (expected version {expected})")
        if expected != existing.version:
            raise HttpError(412, f"{noun} has been modified since specified version (expected {expected}, "
                                 f"found {existing.version})", {"Last-Modified-Version": str(existing.version)})
        version = self.store.bump(self.lib)
        self._delete(kind, key, version)
        self.store.commit()
        return Response.empty(204, Last_Modified_Version=str(version))

    def delete_multi(self, req: Request, kind: str) -> Response:
        library_precondition(req, self.lib)
        param = "itemKey" if kind == "item" else "collectionKey"
        keys = [k for k in req.query.get(param, "").split(",") if k]
        version = self.store.bump(self.lib)
        for key in keys:
            if key in self.lib.objects(kind):
                self._delete(kind, key, version)
        self.store.commit()
        return Response.empty(204, Last_Modified_Version=str(version))

    def _delete(self, kind: str, key: str, version: int) -> None:
        self.store.remove(self.lib, kind, key, version)
        if kind == "item":
            for child in sorted(self.lib.linked(key)):
                self.store.remove(self.lib, "item", child, version)
        else:
            for member in sorted(self.lib.linked("c:" + key)):
                item = self.lib.items[member]
                item.data["collections"] = [c for c in item.data["collections"] if c != key]
                self.store.put(self.lib, "item", item)


def _int_header(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, "Invalid If-Unmodified-Since-Version value") from None


def _version_from(header: str | None, body: dict[str, Any]) -> int | None:
    if header is not None:
        return _int_header(header)
    if "version" in body:
        return int(body["version"])
    return None
