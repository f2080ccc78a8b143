"""HTTP transport under pyzotero: retries, server-requested waits, deadlines, well-formed answers.

Every request pyzotero makes passes through here, so its gaps are filled once:

- 429 and 503 wait for ``Retry-After`` (seconds or an HTTP date; ``nan``, negative or
  garbage values fall back to exponential backoff), 409 / 5xx / timeouts / dropped
  connections are retried with exponential backoff and jitter (tenacity), and a
  ``Backoff`` header on any response pauses the next request;
- each attempt has a total deadline (connect, headers and the whole body; by default two
  read timeouts) on top of the per-read timeout, so a server trickling one byte every few
  seconds cannot hold a run: past it, the request fails at once (a server that slow is not
  retried); the body is read here, and its content encoding decoded;
- a 2xx answer that is empty, cut short, mis-encoded, an HTML page or not JSON is
  retried like a 503; if it stays so, ``ServerAnswerError`` names the request;
- every wait is capped (``max_wait``) and so is all the time a run loses to trouble
  (``budget``: failed attempts plus waits, wall time): past it, ``ServiceUnavailable``
  or ``ServerAnswerError`` (exit code 4), naming the request (method and path, never
  the query, never the key);
- each wait is announced through ``on_wait`` (a ``Wait``) and logged.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore2
import httpx2
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base
from tenacity.wait import wait_exponential_jitter

from zotsync import jsontext
from zotsync.errors import ServerAnswerError, ServiceUnavailable
from zotsync.logs import LOGGER
from zotsync.secrets_store import scrub

RETRY_STATUSES = {409, 429, 500, 502, 503, 504}
WAIT_HEADER_STATUSES = {429, 503}
DEADLINE_PER_TIMEOUT = 2  # without an explicit deadline: two read timeouts for one whole answer
DEFAULT_DEADLINE = 120.0


@dataclass
class RetryPolicy:
    attempts: int = 6
    max_wait: float = 60.0  # cap on any single wait, even when the server asks for more
    budget: float = 300.0  # cap on all time lost to trouble in one run: failed attempts and waits
    initial: float = 1.0
    deadline: float | None = None  # one whole answer; None: two read timeouts (or 120 s)
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Wait:
    """A wait the transport is about to make, for a terminal line and the log."""

    seconds: float
    reason: str  # "the server asked (429)", "retry 2 of 5 after HTTP 500"
    request: str  # "GET /users/1/items"

    def __str__(self) -> str:
        shown = f"{self.seconds:.0f}" if self.seconds >= 10 else f"{self.seconds:.1f}".rstrip("0").rstrip(".")
        return f"waiting {shown} s: {self.reason}"


class Transient(Exception):
    """A response or network error worth retrying; ``answer`` marks a malformed answer, ``final``
    one that is not retried after all (the deadline passed while data was still coming)."""

    def __init__(self, reason: str, retry_after: float | None = None, answer: bool = False,
                 asked_by: str | None = None, final: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.answer = answer
        self.asked_by = asked_by
        self.final = final


# ---- parsing wait headers ------------------------------------------------------


def wait_seconds(raw: str | None, allow_date: bool = True) -> float | None:
    """Seconds asked for by ``Retry-After`` / ``Backoff``; None when absent or unusable.

    A number (negative means now, infinite means as long as allowed), or an HTTP date;
    ``nan`` and garbage are ignored, so the caller falls back to its own backoff.
    """
    if raw is None:
        return None
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        return _date_seconds(text) if allow_date else None
    if math.isnan(value):
        return None
    return max(value, 0.0)


def _date_seconds(text: str) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def header_seconds(response: httpx2.Response, *names: str) -> float | None:
    for name in names:
        seconds = wait_seconds(response.headers.get(name), allow_date=name.lower() == "retry-after")
        if seconds is not None:
            return seconds
    return None


def describe(request: httpx2.Request) -> str:
    """``METHOD /path`` of a request: what a message may name (no host, no query, no key)."""
    return f"{request.method} {scrub(request.url.path)}"


# ---- the total deadline, enforced on every socket operation ------------------------

_DEADLINE: ContextVar[float | None] = ContextVar("zotsync_request_deadline", default=None)


def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    """The socket timeout left before the current request's deadline (raises ``expired`` past it)."""
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the total deadline of the request passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _clamp(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _clamp(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore2.NetworkStream:
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname,
                                                   _clamp(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """httpcore's sync backend whose connects, reads and writes stop at the request's deadline."""

    def __init__(self, inner: httpcore2.NetworkBackend | None = None) -> None:
        self.inner = inner or httpcore2.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        return DeadlineStream(self.inner.connect_tcp(host, port, _clamp(timeout, httpcore2.ConnectTimeout),
                                                     local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        return DeadlineStream(self.inner.connect_unix_socket(path, _clamp(timeout, httpcore2.ConnectTimeout),
                                                             socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def deadline_http_transport() -> httpx2.HTTPTransport:
    """An ``httpx2.HTTPTransport`` whose socket operations honour the per-request deadline.

    httpx2 does not take a network backend, so it is set on its connection pool (before any
    connection exists). Without that attribute the deadline is still checked between body chunks.
    """
    transport = httpx2.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport


# ---- the retry transport ------------------------------------------------------------


class PastBudget(stop_base):
    """Stop when the next wait would take the run's time lost to trouble past the budget."""

    def __init__(self, transport: RetryTransport) -> None:
        self.transport = transport

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.transport.spent + retry_state.upcoming_sleep > self.transport.policy.budget



class RetryTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport | None = None, policy: RetryPolicy | None = None,
                 timeout: float | None = None, expect_json: bool = True) -> None:
        self.inner = inner or deadline_http_transport()
        self.policy = policy or RetryPolicy()
        self.timeout = timeout  # overrides pyzotero's fixed 30 s on reads
        self.expect_json = expect_json
        self.on_wait: Callable[[Wait], None] | None = None
        self.requests = 0
        self.reads = 0
        self.writes = 0
        self.waited = 0.0
        self.spent = 0.0  # time lost to trouble this run (failed attempts and waits), against the budget
        self._pause_until = 0.0
        self._pause_reason = ""
        self._backoff = wait_exponential_jitter(multiplier=self.policy.initial, max=self.policy.max_wait,
                                                jitter=self.policy.initial)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # zotsync's writes all carry client-made keys and versions, which make a retry safe.
        # pyzotero's random write token would turn the retry of a write whose response was
        # lost into a bare 412 "Write token already used", hiding the per-object results.
        if "Zotero-Write-Token" in request.headers:
            del request.headers["Zotero-Write-Token"]
        if self.timeout is not None:
            request.extensions["timeout"] = {"connect": self.timeout, "read": self.timeout,
                                             "write": self.timeout, "pool": self.timeout}
        where = describe(request)
        policy = self.policy
        retrying = Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, Transient) and not exc.final),
            stop=stop_after_attempt(policy.attempts) | PastBudget(self),
            wait=self._wait,
            sleep=lambda seconds: None,  # the wait is made in before_sleep, where its reason is known
            before_sleep=lambda state: self._announce(state, where),
            reraise=True,
        )
        try:
            return retrying(self._attempt, request, where)
        except Transient as exc:
            raise self._gave_up(exc, where, int(retrying.statistics.get("attempt_number", 1))) from None

    # ---- one attempt -----------------------------------------------------------------

    def _attempt(self, request: httpx2.Request, where: str) -> httpx2.Response:
        self._pause(where)
        self.requests += 1
        if request.method == "GET":
            self.reads += 1
        else:
            self.writes += 1
        started = time.monotonic()
        try:
            return self._exchange(request, started + self._deadline(request))
        except Transient:
            self.spent += time.monotonic() - started
            raise

    def _deadline(self, request: httpx2.Request) -> float:
        if self.policy.deadline is not None:
            return self.policy.deadline
        read = (request.extensions.get("timeout") or {}).get("read")
        return DEADLINE_PER_TIMEOUT * float(read) if read else DEFAULT_DEADLINE

    def _exchange(self, request: httpx2.Request, end: float) -> httpx2.Response:
        token = _DEADLINE.set(end)
        try:
            response = self.inner.handle_request(request)
            raw = _read_raw(response, end)
        except httpx2.TimeoutException as exc:
            if time.monotonic() >= end:
                raise Transient(f"no complete answer within {self._deadline(request):g} s", final=True) from None
            read = (request.extensions.get("timeout") or {}).get("read")
            raise Transient(f"{type(exc).__name__} after {read:g} s" if read else type(exc).__name__) from None
        except httpx2.RemoteProtocolError as exc:
            raise Transient(f"the answer was cut short ({scrub(str(exc))[:120]})") from None
        except (httpx2.NetworkError, httpx2.ProtocolError) as exc:
            raise Transient(f"{type(exc).__name__} ({scrub(str(exc))[:120]})") from None
        finally:
            _DEADLINE.reset(token)
        answer = _decoded(response, raw, request)
        self._note_backoff(answer)
        if answer.status_code in RETRY_STATUSES:
            asked = header_seconds(answer, "Retry-After") if answer.status_code in WAIT_HEADER_STATUSES else None
            raise Transient(f"HTTP {answer.status_code}", asked, asked_by=str(answer.status_code))
        if self.expect_json and 200 <= answer.status_code < 300 and answer.status_code != 204:
            _check_json(answer)
        for name in ("Backoff", "Retry-After"):  # handled here; pyzotero would sleep again, uncapped
            if name in answer.headers:
                del answer.headers[name]
        return answer

    # ---- waits and the budget -----------------------------------------------------------

    def _note_backoff(self, response: httpx2.Response) -> None:
        backoff = wait_seconds(response.headers.get("Backoff"), allow_date=False)
        if backoff:
            self._pause_until = time.monotonic() + min(backoff, self.policy.max_wait)
            self._pause_reason = "the server asked (Backoff)"

    def _pause(self, where: str) -> None:
        remaining = self._pause_until - time.monotonic()
        if remaining <= 0:
            return
        if self.spent + remaining > self.policy.budget:
            raise ServiceUnavailable(
                f"{where}: the server asked zotsync to pause {remaining:.0f} s (Backoff), past the retry budget "
                f"({self.policy.budget:g} s); the next run will finish the job")
        self._sleep(Wait(remaining, self._pause_reason, where))

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, Transient) else None
        if asked is not None:
            return min(asked, self.policy.max_wait)
        return float(self._backoff(state))

    def _announce(self, state: RetryCallState, where: str) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None and exc.asked_by:
            reason = f"the server asked ({exc.asked_by})"
        else:
            reason = f"retry {state.attempt_number} of {self.policy.attempts - 1} after {getattr(exc, 'reason', exc)}"
        self._sleep(Wait(state.upcoming_sleep, reason, where))

    def _sleep(self, wait: Wait) -> None:
        LOGGER.info("%s: %s", wait.request, wait)
        if self.on_wait is not None:
            self.on_wait(wait)
        self.waited += wait.seconds
        self.spent += wait.seconds
        self.policy.sleep(wait.seconds)

    def _gave_up(self, exc: Transient, where: str, attempts: int) -> Exception:
        if exc.final:
            return ServiceUnavailable(f"{where}: {exc.reason}: the server sends too slowly (not retried); "
                                      "the next run will try again")
        budget_hit = attempts < self.policy.attempts
        how = (f"within the retry budget ({self.policy.budget:g} s)" if budget_hit
               else f"after {attempts} attempts")
        if exc.answer:
            return ServerAnswerError(f"{where}: the server's answer is unusable: {exc.reason} ({how}); "
                                     "the next run will try again")
        return ServiceUnavailable(f"{where}: the Zotero server stayed unavailable ({exc.reason}) {how}; "
                                  "the next run will finish the job")

    def close(self) -> None:
        self.inner.close()


# ---- reading and checking one answer ------------------------------------------------------


def _read_raw(response: httpx2.Response, end: float) -> bytes | None:
    """The whole raw body (None: an in-memory response already read); the deadline is checked
    between chunks too, for any inner transport."""
    chunks: list[bytes] = []
    try:
        for chunk in response.iter_raw():
            chunks.append(chunk)
            if time.monotonic() > end:
                raise httpx2.ReadTimeout("the total deadline of the request passed")
    except httpx2.StreamConsumed:
        return None
    finally:
        response.close()
    return b"".join(chunks)


def _decoded(response: httpx2.Response, raw: bytes | None, request: httpx2.Request) -> httpx2.Response:
    """A response holding the decoded body (its Content-Encoding undone)."""
    headers = response.headers.copy()
    if raw is None:  # already decoded when it was made
        raw = response.content
        headers.pop("Content-Encoding", None)
    try:
        answer = httpx2.Response(response.status_code, headers=headers, content=raw,
                                 request=request, extensions=response.extensions)
    except httpx2.DecodingError:
        encoding = response.headers.get("Content-Encoding", "?")
        raise Transient(f"the body is not encoded as its header says (Content-Encoding: {scrub(encoding)[:40]})",
                        answer=True) from None
    for name in ("Content-Encoding", "Content-Length"):
        if name in answer.headers:
            del answer.headers[name]
    answer.headers["Content-Length"] = str(len(answer.content))
    return answer


_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _check_json(answer: httpx2.Response) -> None:
    """A 2xx answer of the JSON API must be JSON; it is labelled so for pyzotero when it is."""
    body = answer.content
    if not body.strip():
        raise Transient(f"an empty answer to HTTP {answer.status_code}", answer=True)
    try:
        decoded = jsontext.loads(body)
    except UnicodeDecodeError:
        raise Transient("the answer is not UTF-8 text", answer=True) from None
    except ValueError as exc:
        kind = answer.headers.get("Content-Type", "")
        if "html" in kind.lower() or body.lstrip()[:1] == b"<":
            raise Transient(f"an HTML page instead of JSON ({_page_words(body)!r})", answer=True) from None
        pos = getattr(exc, "pos", None)
        where = f": byte {pos} of {len(body)}" if pos is not None else ""
        raise Transient(f"invalid JSON ({getattr(exc, 'msg', exc)}{where})", answer=True) from None
    if "json" not in answer.headers.get("Content-Type", "").lower():
        answer.headers["Content-Type"] = "application/json"
    setattr(answer, "json", lambda **_: decoded)  # noqa: B010 - pyzotero reads it again: decoded once, not twice


def _page_words(body: bytes) -> str:
    text = body[:20_000].decode("utf-8", "replace")
    title = _TITLE.search(text)
    words = " ".join(_TAG.sub(" ", title.group(1) if title else text).split())
    return scrub(words)[:80]
