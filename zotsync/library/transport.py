"""HTTP transport under pyzotero: retries, server-requested waits and request counting.

Every request pyzotero makes passes through here, so its gaps are filled once:
429 and 503 wait for ``Retry-After`` (or back off exponentially without one),
409 / 5xx / timeouts / dropped connections are retried with exponential backoff
and jitter (tenacity), a ``Backoff`` header on any response pauses the next
request. Every wait is capped, and the whole retry budget too, so a cron run
cannot hang for hours: past it, ``ServiceUnavailable`` (exit code 4).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx2
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from zotsync.errors import ServiceUnavailable

RETRY_STATUSES = {409, 429, 500, 502, 503, 504}
WAIT_HEADER_STATUSES = {429, 503}


@dataclass
class RetryPolicy:
    attempts: int = 6
    max_wait: float = 60.0  # cap on any single wait, even when the server asks for more
    budget: float = 300.0  # cap on all waiting for one request
    initial: float = 1.0
    sleep: Callable[[float], None] = time.sleep


class Transient(Exception):
    """A response or network error worth retrying."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def header_seconds(response: httpx2.Response, *names: str) -> float | None:
    for name in names:
        raw = response.headers.get(name)
        if raw is not None:
            try:
                return max(float(raw), 0.0)
            except ValueError:
                continue
    return None


class RetryTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport | None = None, policy: RetryPolicy | None = None) -> None:
        self.inner = inner or httpx2.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self.requests = 0
        self.reads = 0
        self.writes = 0
        self.waited = 0.0
        self._pause_until = 0.0
        self._backoff = wait_exponential_jitter(initial=self.policy.initial, max=self.policy.max_wait,
                                                jitter=self.policy.initial)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # zotsync's writes all carry client-made keys and versions, which make a retry safe.
        # pyzotero's random write token would turn the retry of a write whose response was
        # lost into a bare 412 "Write token already used", hiding the per-object results.
        if "Zotero-Write-Token" in request.headers:
            del request.headers["Zotero-Write-Token"]
        policy = self.policy
        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.budget),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, request)
        except Transient as exc:
            raise ServiceUnavailable(
                f"the Zotero server stayed unavailable ({exc.reason}) after {policy.attempts} attempts; "
                "the next run will finish the job") from None

    def _attempt(self, request: httpx2.Request) -> httpx2.Response:
        remaining = self._pause_until - time.monotonic()
        if remaining > 0:
            self._sleep(remaining)
        self.requests += 1
        if request.method == "GET":
            self.reads += 1
        else:
            self.writes += 1
        try:
            response = self.inner.handle_request(request)
        except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
            raise Transient(type(exc).__name__) from exc
        backoff = header_seconds(response, "Backoff")
        if backoff:
            self._pause_until = time.monotonic() + min(backoff, self.policy.max_wait)
        if response.status_code in RETRY_STATUSES:
            response.read()
            response.close()
            wait = header_seconds(response, "Retry-After") if response.status_code in WAIT_HEADER_STATUSES else None
            raise Transient(f"HTTP {response.status_code}", wait)
        for name in ("Backoff", "Retry-After"):  # handled here; pyzotero would sleep again, uncapped
            if name in response.headers:
                del response.headers[name]
        return response

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, Transient) else None
        if asked is not None:
            return min(asked, self.policy.max_wait)
        return float(self._backoff(state))

    def _sleep(self, seconds: float) -> None:
        self.waited += seconds
        self.policy.sleep(seconds)

    def close(self) -> None:
        self.inner.close()
