"""The Zotero Web API client zotsync uses, on pyzotero, with the gaps pyzotero leaves filled.

Reads: ``since`` + ``format=versions`` with ``If-Modified-Since-Version`` (304 means
nothing changed), items by key in batches of 50, the whole library in pages of 100.
Writes: batches of at most 50 through ``create_items`` (a POST with per-object
versions serves creates and updates alike); every ``failed`` entry is returned
to the caller, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx2
from pyzotero import errors as pz_errors
from pyzotero.zotero import Zotero

from zotsync.errors import AuthError, ConfigError, ZotsyncError
from zotsync.library.base import BATCH, DEFAULT_API_URL, WriteResult
from zotsync.library.transport import RetryPolicy, RetryTransport

__all__ = ["BATCH", "DEFAULT_API_URL", "LibraryChanged", "LibrarySpec", "WriteResult", "ZoteroClient"]

PAGE = 100


@dataclass(frozen=True)
class LibrarySpec:
    kind: str  # "user" or "group"
    id: int

    @classmethod
    def parse(cls, text: str) -> LibrarySpec:
        kind, _, ident = text.partition(":")
        if kind not in {"user", "group"} or not ident.isdigit():
            raise ConfigError(f"--library must be user:ID, group:ID or sandbox, not {text!r}")
        return cls(kind, int(ident))

    @property
    def prefix(self) -> str:
        return f"/{self.kind}s/{self.id}"

    @property
    def uri(self) -> str:
        """Base of item URIs in relations (http, as the server requires)."""
        return f"http://zotero.org/{self.kind}s/{self.id}"

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class LibraryChanged(ZotsyncError):
    """The library moved past the version a write was conditioned on (request-level 412)."""


class ZoteroClient:
    def __init__(self, spec: LibrarySpec, api_key: str, api_url: str = DEFAULT_API_URL,
                 policy: RetryPolicy | None = None, timeout: float = 30.0) -> None:
        self.spec = spec
        self.transport = RetryTransport(httpx2.HTTPTransport(), policy)
        self.http = httpx2.Client(transport=self.transport, timeout=timeout)
        self.zot = Zotero(spec.id, spec.kind, api_key, client=self.http)
        self.zot.endpoint = api_url.rstrip("/")
        self.last_version: int | None = None

    @property
    def requests(self) -> int:
        return self.transport.requests

    def close(self) -> None:
        self.http.close()

    # ---- helpers -------------------------------------------------------
    def _raw_get(self, path: str, params: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> httpx2.Response:
        response = self.http.get(self.zot.endpoint + path, params=params,
                                 headers={**self.zot.default_headers(), **(headers or {})})
        if response.status_code in {401, 403}:
            raise AuthError(f"the Zotero API refused the key ({response.status_code} {response.text.strip()[:80]}); "
                            "check it with 'zotsync login'")
        return response

    def _track(self) -> None:
        raw = self.zot.request.headers.get("Last-Modified-Version") if self.zot.request is not None else None
        if raw is not None and raw.isdigit():
            self.last_version = int(raw)

    # ---- reads -----------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        response = self._raw_get("/keys/current")
        if response.status_code != 200:
            raise AuthError(f"cannot check the key: HTTP {response.status_code}")
        return dict(response.json())

    def changed_versions(self, since: int) -> dict[str, int] | None:
        """Versions of items changed after ``since`` (trash included); None when nothing changed (304)."""
        response = self._raw_get(f"{self.spec.prefix}/items",
                                 {"since": since, "format": "versions", "includeTrashed": 1},
                                 {"If-Modified-Since-Version": str(since)})
        if response.status_code == 304:
            self.last_version = since
            return None
        _raise_for(response)
        self.last_version = int(response.headers.get("Last-Modified-Version", since))
        return {k: int(v) for k, v in response.json().items()}

    def deleted_since(self, since: int) -> list[str]:
        result = _call(self.zot.deleted, since=since)
        return list(result.get("items", []))

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            batch = keys[start:start + BATCH]
            out += _call(self.zot.items, itemKey=",".join(batch), includeTrashed=1)
        return out

    def all_items(self) -> list[dict[str, Any]]:
        """Every item of the library (trash included), 100 per request."""
        items: list[dict[str, Any]] = list(_call(self.zot.items, includeTrashed=1, limit=PAGE))
        self._track()
        while self.zot.links and self.zot.links.get("next"):
            items += _call(self.zot.follow)
        return items

    def collections(self) -> list[dict[str, Any]]:
        collections = list(_call(self.zot.collections, limit=PAGE))
        while self.zot.links and self.zot.links.get("next"):
            collections += _call(self.zot.follow)
        return collections

    # ---- writes ----------------------------------------------------------
    def write_items(self, batch: list[dict[str, Any]]) -> WriteResult:
        if len(batch) > BATCH:
            raise ValueError(f"at most {BATCH} objects per write")
        raw = _call(self.zot.create_items, batch)
        self._track()
        return WriteResult(
            successful={int(i): o for i, o in (raw.get("successful") or {}).items()},
            unchanged={int(i): k for i, k in (raw.get("unchanged") or {}).items()},
            failed={int(i): o for i, o in (raw.get("failed") or {}).items()},
            library_version=self.last_version,
        )

    write = write_items  # the Library protocol's name

    def create_collection(self, key: str, name: str) -> dict[str, Any]:
        raw = _call(self.zot.create_collections, [{"key": key, "version": 0, "name": name}])
        failed = raw.get("failed") or {}
        if failed:
            message = next(iter(failed.values())).get("message", "")
            raise ZotsyncError(f"cannot create collection {name!r}: {message}")
        return dict(next(iter((raw.get("successful") or {}).values())))


def _raise_for(response: httpx2.Response) -> None:
    if response.status_code >= 400:
        raise ZotsyncError(f"Zotero API error {response.status_code}: {response.text.strip()[:200]}")


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a pyzotero method, mapping its exceptions onto zotsync's."""
    try:
        return method(*args, **kwargs)
    except pz_errors.UserNotAuthorisedError as exc:
        raise AuthError("the Zotero API refused the key or its permissions (403); "
                        "check it with 'zotsync login'") from exc
    except pz_errors.PreConditionFailedError as exc:
        raise LibraryChanged("the library changed during the write") from exc
    except pz_errors.ResourceNotFoundError as exc:
        raise ConfigError(f"the Zotero API does not know this library ({_first_line(exc)}); "
                          "check --library (user:ID is the numeric user ID from zotero.org/settings/keys)") from exc
    except pz_errors.PyZoteroError as exc:
        raise ZotsyncError(f"Zotero API error: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    """pyzotero's message is "Code: N / URL / Method / Response: text": keep the code and the server's words."""
    text = str(exc)
    code = re.search(r"Code:\s*(\d+)", text)
    answer = re.search(r"Response:\s*(.+)", text)
    if code:
        return f"HTTP {code.group(1)}" + (f" {answer.group(1).strip()[:200]}" if answer else "")
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
