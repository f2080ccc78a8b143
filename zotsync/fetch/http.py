"""One HTTP client for every live source: retries, polite rate limits, a validator cache.

Requests go through the retry transport the Zotero client uses (Retry-After, 429, 5xx,
timeouts, capped waits and budget), under a hishel cache kept under the state dir that
follows RFC 9111: a response with an ETag or Last-Modified is revalidated, and a 304
costs no download. Offline, only what the cache holds is served. Each service's own
documented pace is kept by waiting between requests to the same host.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hishel
import httpx2
from hishel.httpx2 import CacheTransport

from zotsync import __version__
from zotsync.errors import ServerAnswerError, ServiceUnavailable, ZotsyncError
from zotsync.library.transport import RetryPolicy, RetryTransport

# Seconds between two requests to one host, from each service's documentation: Semantic
# Scholar's public pool allows about 1 request per second; NCBI E-utilities 3 per second
# without a key; Crossref's public pool asks for no more than 5 per second (polite: 10).
MIN_INTERVAL = {"api.semanticscholar.org": 1.0, "eutils.ncbi.nlm.nih.gov": 0.34, "api.crossref.org": 0.2,
                "doi.org": 0.2}
POLITE_INTERVAL = {"api.crossref.org": 0.1}


class FetchError(ZotsyncError):
    """A live source answered with something other than the record (404, 400, not a record)."""

    exit_code = 1

    def __init__(self, message: str, url: str = "", status: int | None = None) -> None:
        super().__init__(f"{url}: {message}" if url else message)
        self.url, self.status = url, status


class NotCached(FetchError):
    """Offline, and the cache holds no answer for this request."""


class _OfflineTransport(httpx2.BaseTransport):
    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        raise NotCached("not in the cache (offline)", str(request.url))


@dataclass
class Pace:
    """Keeps the documented minimum interval between two requests to one host."""

    contact: str = ""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last: dict[str, float] = field(default_factory=dict)

    def wait(self, host: str) -> None:
        interval = (POLITE_INTERVAL if self.contact else {}).get(host, MIN_INTERVAL.get(host, 0.0))
        if host not in self.last:
            self.last[host] = self.clock()
            return
        ready, now = self.last[host] + interval, self.clock()
        if ready > now:
            self.sleep(ready - now)
        self.last[host] = max(now, ready)


class _PacedTransport(httpx2.BaseTransport):
    """Below the cache: only requests that reach the network wait their turn."""

    def __init__(self, inner: httpx2.BaseTransport, pace: Pace) -> None:
        self.inner, self.pace = inner, pace

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.pace.wait(request.url.host)
        return self.inner.handle_request(request)


def user_agent(contact: str) -> str:
    mail = f"; mailto:{contact}" if contact else ""
    return f"zotsync/{__version__} (+https://pypi.org/project/zotsync/{mail})"


class Fetcher:
    """GETs for live sources. ``cache_dir`` None keeps no cache; ``offline`` serves the cache only."""

    def __init__(self, cache_dir: Path | None, policy: RetryPolicy | None = None, contact: str = "",
                 offline: bool = False, inner: httpx2.BaseTransport | None = None, pace: Pace | None = None) -> None:
        self.offline = offline
        self.retry = RetryTransport(inner, policy, expect_json=False)
        self.pace = pace or Pace(contact)
        network: httpx2.BaseTransport = _OfflineTransport() if offline else _PacedTransport(self.retry, self.pace)
        transport: httpx2.BaseTransport = network
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            storage = hishel.SqliteStorage(database_path=cache_dir / "http-cache.sqlite")
            transport = CacheTransport(network, storage=storage, rfc=not offline)
        self.client = httpx2.Client(transport=transport, follow_redirects=True, timeout=30.0,
                                    headers={"User-Agent": user_agent(contact)})

    @property
    def requests(self) -> int:
        return self.retry.requests

    def get(self, url: str, accept: str = "*/*", params: dict[str, str] | None = None,
            ok: frozenset[int] = frozenset()) -> httpx2.Response:
        """The answer to a GET, or FetchError naming the URL; statuses in ``ok`` are answers too."""
        request = self.client.build_request("GET", url, params=params, headers={"Accept": accept})
        if self.offline:  # any stored answer will do, under the key the validating cache stored it by
            request.extensions["caching"] = {"key": hashlib.sha256(f"RFC {request.url}".encode()).hexdigest()}
        try:
            response = self.client.send(request)
        except httpx2.HTTPError as exc:
            raise FetchError(f"request failed ({type(exc).__name__})", url) from None
        except (ServiceUnavailable, ServerAnswerError):
            raise FetchError("unavailable or rate-limited past the retry budget", url) from None
        if response.status_code >= 400 and response.status_code not in ok:
            raise FetchError(f"HTTP {response.status_code}", str(response.request.url), response.status_code)
        return response

    def close(self) -> None:
        self.client.close()
