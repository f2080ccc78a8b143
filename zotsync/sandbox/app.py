"""Routing, authentication and rate limiting of the sandbox: one request in, one response out."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from zotsync import schema
from zotsync.sandbox import reads, schema_api
from zotsync.sandbox.http import HttpError, Request, Response
from zotsync.sandbox.store import Library, Store
from zotsync.sandbox.writes import Writer

LIBRARY_PATH = re.compile(r"^/(users|groups)/(\d+)(/.*)?$")
BEARER = re.compile(r"^bearer +([a-z0-9]+)$", re.I)


@dataclass
class Account:
    user_id: int
    api_key: str
    username: str = "sandbox"
    groups: tuple[int, ...] = ()


@dataclass
class RateLimiter:
    """Token bucket per key: a burst of ``capacity`` requests, then ``rate`` per second (the real server: 100, 10/s)."""

    capacity: float = 100.0
    rate: float = 10.0
    enabled: bool = True
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, who: str) -> bool:
        if not self.enabled:
            return True
        with self._lock:
            now = time.monotonic()
            tokens, last = self._buckets.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[who] = (tokens, now)
                return False
            self._buckets[who] = (tokens - 1, now)
            return True


def key_id(api_key: str) -> str:
    """What the sandbox stores instead of a key: a hash, so no secret lands on disk."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:32]


class SandboxApp:
    def __init__(self, store: Store, account: Account, base_url: str = "", rate_limit: bool = True) -> None:
        self.store = store
        self.account = account
        self.base_url = base_url
        self.limiter = RateLimiter(enabled=rate_limit)
        self.requests = 0
        store.library("user", account.user_id)
        for group in account.groups:
            store.library("group", group)

    def __call__(self, req: Request) -> Response:
        self.requests += 1
        try:
            response = self._route(req)
        except HttpError as exc:
            response = exc.response()
        if not response.bare:
            response.headers.setdefault("Zotero-API-Version", "3")
            response.headers.setdefault("Zotero-Schema-Version", str(schema.schema_version()))
        return response

    # ---- auth ------------------------------------------------------------
    def _api_key(self, req: Request) -> str | None:
        auth = req.header("authorization")
        if auth is not None:
            match = BEARER.match(auth.strip())
            if not match:
                raise HttpError(400, "Invalid Authorization header format")
            return match.group(1)
        return req.header("zotero-api-key") or req.query.get("key")

    def _authenticate(self, req: Request) -> str | None:
        api_key = self._api_key(req)
        if api_key is not None and api_key != self.account.api_key:
            raise HttpError(403, "Invalid key")
        who = key_id(api_key) if api_key else "anonymous"
        if not self.limiter.allow(who):
            raise HttpError(429, "Request rate limit exceeded", {"Retry-After": "10"})
        return api_key

    # ---- routing ---------------------------------------------------------
    def _route(self, req: Request) -> Response:
        api_key = self._authenticate(req)
        path = req.path.rstrip("/") or "/"
        if path.startswith("/keys/"):
            return self._key_info(path, api_key)
        schema_route = SCHEMA_ROUTES.get(path)
        if schema_route and req.method == "GET":
            return schema_route(req)
        match = LIBRARY_PATH.match(path)
        if not match:
            raise HttpError(404, "Not found")
        lib = self._library(match.group(1), int(match.group(2)), api_key, req.method)
        return self._library_route(req, lib, match.group(3) or "", api_key or "")

    def _key_info(self, path: str, api_key: str | None) -> Response:
        wanted = path.split("/", 2)[2]
        if wanted == "current":
            if api_key is None:
                raise HttpError(403, "Forbidden")
            wanted = api_key
        if wanted != self.account.api_key:
            raise HttpError(404, "Key not found")
        access: dict[str, object] = {"user": {"library": True, "files": True, "notes": True, "write": True}}
        if self.account.groups:
            access["groups"] = {"all": {"library": True, "write": True}}
        return Response.json({"key": wanted, "userID": self.account.user_id, "username": self.account.username,
                              "displayName": self.account.username, "access": access})

    def _library(self, kind: str, lib_id: int, api_key: str | None, method: str) -> Library:
        if kind == "users" and lib_id != self.account.user_id:
            raise HttpError(404, f"User {lib_id} not found")
        if kind == "groups" and lib_id not in self.account.groups:
            raise HttpError(404 if api_key else 403, f"Group {lib_id} not found" if api_key else "Forbidden")
        if api_key is None:
            raise HttpError(403, "Forbidden")
        return self.store.library(kind, lib_id)

    def _library_route(self, req: Request, lib: Library, rest: str, api_key: str) -> Response:
        base = self.base_url
        parts = [p for p in rest.split("/") if p]
        writer = Writer(self.store, lib, base, key_id(api_key))
        with self.store.lock:
            if req.method == "GET":
                return self._read(req, lib, parts, base)
            return self._write(req, writer, parts)

    def _read(self, req: Request, lib: Library, parts: list[str], base: str) -> Response:
        route = "/".join(p if i % 2 == 0 else "*" for i, p in enumerate(parts))
        key = parts[1] if len(parts) > 1 else None
        if route == "items":
            return reads.item_listing(req, lib, base, "all")
        if parts[:1] == ["items"] and len(parts) == 2 and parts[1] in {"top", "trash"}:
            return reads.item_listing(req, lib, base, parts[1])
        if route == "items/*" and key:
            if not re.match(r"^[A-Z0-9]{8}$", key):
                raise HttpError(404, "Not found")
            return reads.single_item(lib, key, base)
        if route == "items/*/children" and key:
            return reads.item_listing(req, lib, base, "children", key)
        if route == "collections":
            return reads.collection_listing(req, lib, base, lambda c: True)
        if route == "collections/top" or (route == "collections/*" and key == "top"):
            return reads.collection_listing(req, lib, base, lambda c: not c.data.get("parentCollection"))
        if route == "collections/*" and key:
            return reads.single_collection(lib, key, base)
        if route == "collections/*/collections" and key:
            return reads.collection_listing(req, lib, base, lambda c: c.data.get("parentCollection") == key)
        if route in {"collections/*/items", "collections/*/items/*"} and key and parts[3:] in ([], ["top"]):
            scope = "collection_top" if parts[3:] == ["top"] else "collection"
            return reads.item_listing(req, lib, base, scope, key)
        if route == "deleted":
            return reads.deleted(req, lib)
        if route in {"searches", "tags", "groups"}:
            return Response.json([], Last_Modified_Version=str(lib.version), Total_Results="0")
        raise HttpError(404, "Not found")

    def _write(self, req: Request, writer: Writer, parts: list[str]) -> Response:
        kind = {"items": "item", "collections": "collection"}.get(parts[0] if parts else "")
        if kind is None:
            raise HttpError(404, "Not found")
        if len(parts) == 1 and req.method == "POST":
            return writer.post(req, kind)
        if len(parts) == 1 and req.method == "DELETE":
            return writer.delete_multi(req, kind)
        if len(parts) == 2 and kind == "item" and req.method in {"PATCH", "PUT"}:
            return writer.write_single(req, parts[1], req.method)
        if len(parts) == 2 and req.method == "DELETE":
            return writer.delete_single(req, kind, parts[1])
        raise HttpError(405, "Method not allowed")


SCHEMA_ROUTES: dict[str, Callable[[Request], Response]] = {
    "/itemTypes": schema_api.item_types,
    "/itemFields": schema_api.item_fields,
    "/creatorFields": schema_api.creator_fields,
    "/itemTypeFields": schema_api.type_fields,
    "/itemTypeCreatorTypes": schema_api.type_creator_types,
    "/items/new": schema_api.template,
}
