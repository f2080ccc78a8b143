"""The Zotero Web API client zotsync uses, on pyzotero, with the gaps pyzotero leaves filled.

Reads: ``since`` + ``format=versions`` with ``If-Modified-Since-Version`` (304 means
nothing changed), items by key in batches of 50, the whole library in pages of 100.
Writes: batches of at most 50 through ``create_items`` (a POST with per-object
versions serves creates and updates alike); every ``failed`` entry is returned
to the caller, never dropped, and an object the write report omits counts as failed.
Every answer's shape is checked (``answers``) before it reaches the engine, and every
text from the server is scrubbed of the key before it reaches a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
from pyzotero import errors as pz_errors
from pyzotero.zotero import Zotero

from zotsync.errors import AuthError, ConfigError, ServerAnswerError, ZotsyncError
from zotsync.library import answers
from zotsync.library.base import BATCH, DEFAULT_API_URL, WriteResult
from zotsync.library.transport import RetryPolicy, RetryTransport, deadline_http_transport, describe
from zotsync.secrets_store import register_secret, scrub

__all__ = ["BATCH", "DEFAULT_API_URL", "LibraryChanged", "LibrarySpec", "WriteResult", "ZoteroClient"]

PAGE = 100
MAX_PAGES = 100_000  # 10 million objects: past it, the server's "next" links are taken to loop


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
        register_secret(api_key)
        self.transport = RetryTransport(deadline_http_transport(), policy, timeout=timeout)
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
            raise AuthError(f"{describe(response.request)}: the Zotero API refused the key ({response.status_code} "
                            f"{_said(response)}); check it with 'zotsync login'")
        return response

    def _where(self) -> str:
        """The last request pyzotero made, as a message may name it."""
        response = self.zot.request
        return describe(response.request) if response is not None else "the Zotero API"

    def _track(self) -> None:
        raw = self.zot.request.headers.get("Last-Modified-Version") if self.zot.request is not None else None
        if raw is not None and raw.isdigit():
            self.last_version = int(raw)

    # ---- reads -----------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        response = self._raw_get("/keys/current")
        if response.status_code != 200:
            raise AuthError(f"{describe(response.request)}: cannot check the key: HTTP {response.status_code} "
                            f"{_said(response)}")
        return answers.key_info(_json(response), describe(response.request))

    def changed_versions(self, since: int) -> dict[str, int] | None:
        """Versions of items changed after ``since`` (trash included); None when nothing changed.

        The probe is conditional on version 0, not ``since``: a 304 would hide a library answering
        a version lower than ``since`` (reset or restored), so the version is always read (the
        body of a quiet library is ``{}``); a 304 then means a library that was never written."""
        response = self._raw_get(f"{self.spec.prefix}/items",
                                 {"since": since, "format": "versions", "includeTrashed": 1},
                                 {"If-Modified-Since-Version": "0"})
        if response.status_code == 304:
            self.last_version = 0
            return None
        _raise_for(response)
        if response.status_code != 200:
            raise ServerAnswerError(f"{describe(response.request)}: the server's answer is unusable: "
                                    f"HTTP {response.status_code} where 200 or 304 belongs")
        raw = response.headers.get("Last-Modified-Version", "")
        self.last_version = int(raw) if raw.isdigit() else since
        versions = answers.versions(_json(response), describe(response.request))
        return versions or (None if self.last_version == since else versions)

    def deleted_since(self, since: int) -> list[str]:
        result = _call(self.zot.deleted, since=since)
        return answers.deleted_items(result, self._where())

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            batch = keys[start:start + BATCH]
            out += answers.objects(_call(self.zot.items, itemKey=",".join(batch), includeTrashed=1), self._where())
        return out

    def all_items(self) -> list[dict[str, Any]]:
        """Every item of the library (trash included), 100 per request."""
        return [item for page in self.item_pages() for item in page]

    def item_pages(self) -> Iterator[list[dict[str, Any]]]:
        """Every item of the library (trash included), a page of 100 at a time as each arrives.

        The pages are read through the transport without pyzotero, following the server's "next"
        links: for the 1,000 pages of a 100,000-item library, pyzotero's work on each request (URL
        merging, parsing every link) cost more CPU than storing the page."""
        url = f"{self.zot.endpoint}{self.spec.prefix}/items"
        params: dict[str, Any] | None = {"format": "json", "includeTrashed": 1, "limit": PAGE,
                                         "locale": self.zot.locale}
        seen: set[str] = set()
        while True:
            response = self._page(url, params)
            if params is not None:  # the first page: the version the whole read is as of
                raw = response.headers.get("Last-Modified-Version", "")
                if raw.isdigit():
                    self.last_version = int(raw)
            yield answers.objects(_json(response), describe(response.request))
            link = (response.links.get("next") or {}).get("url")
            if not link:
                return
            if link in seen or len(seen) >= MAX_PAGES:
                raise ServerAnswerError(f"{describe(response.request)}: the server's answer is unusable: its "
                                        "pagination links lead back to a page already read")
            seen.add(link)
            url, params = link, None

    def _page(self, url: str, params: dict[str, Any] | None) -> httpx2.Response:
        """One GET of a listing, its refusals named as for the calls made through pyzotero."""
        response = self.http.get(url, params=params, headers=self.zot.default_headers())
        where = describe(response.request)
        if response.status_code in {401, 403}:
            raise AuthError(f"{where}: the Zotero API refused the key or its permissions "
                            f"({response.status_code}); check it with 'zotsync login'")
        if response.status_code == 404:
            raise ConfigError(f"the Zotero API does not know this library ({where}: HTTP 404 {_said(response)}); "
                              "check --library (user:ID is the numeric user ID from zotero.org/settings/keys)")
        if response.status_code != 200:
            raise ZotsyncError(f"Zotero API error: {where}: HTTP {response.status_code} {_said(response)}".rstrip())
        return response

    def collections(self) -> list[dict[str, Any]]:
        def check(value: Any, where: str) -> list[dict[str, Any]]:
            return answers.objects(value, where, "collection", ("name",))

        first = check(_call(self.zot.collections, limit=PAGE), self._where())
        return first + [c for page in self._pages(check) for c in page]

    def _pages(self, check: Any) -> Iterator[list[dict[str, Any]]]:
        """The pages after the first, following the server's "next" links (a loop among them is refused)."""
        seen: set[str] = set()
        while self.zot.links and self.zot.links.get("next"):
            link = str(self.zot.links["next"])
            if link in seen or len(seen) >= MAX_PAGES:
                raise ServerAnswerError(f"{self._where()}: the server's answer is unusable: its pagination "
                                        "links lead back to a page already read")
            seen.add(link)
            yield check(_call(self.zot.follow), self._where())

    # ---- writes ----------------------------------------------------------
    def write_items(self, batch: list[dict[str, Any]]) -> WriteResult:
        if len(batch) > BATCH:
            raise ValueError(f"at most {BATCH} objects per write")
        raw = _call(self.zot.create_items, batch)
        self._track()
        successful, unchanged, failed = answers.write_report(raw, self._where(), len(batch))
        return WriteResult(successful=successful, unchanged=unchanged, failed=failed,
                           library_version=self.last_version)

    write = write_items  # the Library protocol's name

    def create_collection(self, key: str, name: str) -> dict[str, Any]:
        raw = _call(self.zot.create_collections, [{"key": key, "version": 0, "name": name}])
        successful, _, failed = answers.write_report(raw, self._where(), 1, ("name",))
        if 0 in successful:
            return successful[0]
        raise ZotsyncError(f"cannot create collection {name!r}: {failed[0]['message']}")


def _said(response: httpx2.Response) -> str:
    """The start of what the server said, scrubbed of secrets, on one line."""
    return " ".join(scrub(response.text).split())[:200]


def _json(response: httpx2.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # the transport checks 2xx answers; this is for anything it let through
        raise ServerAnswerError(f"{describe(response.request)}: the server's answer is unusable: "
                                f"not JSON ({_said(response)[:80]!r})") from None


def _raise_for(response: httpx2.Response) -> None:
    if response.status_code >= 400:
        raise ZotsyncError(f"{describe(response.request)}: Zotero API error {response.status_code}: {_said(response)}")


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a pyzotero method, mapping its exceptions onto zotsync's (scrubbed, without the chain)."""
    try:
        return method(*args, **kwargs)
    except pz_errors.UserNotAuthorisedError:
        raise AuthError("the Zotero API refused the key or its permissions (403); "
                        "check it with 'zotsync login'") from None
    except pz_errors.PreConditionFailedError:
        raise LibraryChanged("the library changed during the write") from None
    except pz_errors.ResourceNotFoundError as exc:
        raise ConfigError(f"the Zotero API does not know this library ({_first_line(exc)}); "
                          "check --library (user:ID is the numeric user ID from zotero.org/settings/keys)") from None
    except pz_errors.PyZoteroError as exc:
        raise ZotsyncError(f"Zotero API error: {_first_line(exc)}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # pyzotero tripping over an odd answer
        where = describe(method.__self__.request.request) if getattr(method.__self__, "request", None) else "a request"
        raise ServerAnswerError(f"{where}: the server's answer is unusable: pyzotero cannot read it "
                                f"({type(exc).__name__}: {scrub(str(exc))[:120]})") from None


def _first_line(exc: Exception) -> str:
    """pyzotero's message is "Code: N / URL / Method / Response: text": keep the request, the code and the
    server's words (scrubbed), never the URL's query."""
    text = str(exc)
    code = re.search(r"Code:\s*(\d+)", text)
    method = re.search(r"Method:\s*(\S+)", text)
    url = re.search(r"URL:\s*\S+?://[^/\s]+(/[^?\s]*)", text)
    answer = re.search(r"Response:\s*(.+)", text, re.S)
    if code:
        request = f"{method.group(1)} {url.group(1)}: " if method and url else ""
        said = " ".join(answer.group(1).split())[:200] if answer else ""
        return scrub(f"{request}HTTP {code.group(1)}" + (f" {said}" if said else ""))
    return scrub(next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__))
