"""The retry transport under pyzotero: waits asked for by the server are honoured, and capped."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx2
import pytest

from zotsync.errors import ServiceUnavailable
from zotsync.library.transport import RetryPolicy, RetryTransport, wait_seconds


class Script(httpx2.BaseTransport):
    def __init__(self, *responses: httpx2.Response | Exception) -> None:
        self.responses = list(responses)
        self.seen: list[httpx2.Request] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(request)
        nxt = self.responses.pop(0)
        if isinstance(nxt, Exception):
            raise nxt
        return nxt


def transport(*responses, **policy) -> tuple[RetryTransport, list[float], Script]:
    slept: list[float] = []
    script = Script(*responses)
    return RetryTransport(script, RetryPolicy(sleep=slept.append, **policy)), slept, script


def get(t: RetryTransport) -> httpx2.Response:
    return httpx2.Client(transport=t).get("http://zotero.test/users/1/items")


def test_429_waits_for_retry_after_capped():
    t, slept, _ = transport(httpx2.Response(429, headers={"Retry-After": "3600"}), httpx2.Response(200, json=[]), max_wait=5)
    assert get(t).status_code == 200 and slept == [5] and t.requests == 2


def test_503_without_header_backs_off_exponentially_then_gives_up_with_code_4():
    t, slept, _ = transport(*[httpx2.Response(503)] * 4, attempts=4, initial=1, max_wait=60)
    with pytest.raises(ServiceUnavailable) as info:
        get(t)
    assert info.value.exit_code == 4 and len(slept) == 3 and slept[0] < slept[-1]


def test_backoff_on_a_success_pauses_the_next_request_and_is_hidden_from_pyzotero():
    t, slept, _ = transport(httpx2.Response(200, headers={"Backoff": "7"}, json=[]), httpx2.Response(200, json=[]), max_wait=60)
    first = get(t)
    assert "Backoff" not in first.headers and slept == []
    get(t)
    assert len(slept) == 1 and 6 < slept[0] <= 7


def test_timeouts_and_dropped_connections_are_retried():
    t, slept, _ = transport(httpx2.ReadTimeout("slow"), httpx2.RemoteProtocolError("dropped"), httpx2.Response(200, json=[]))
    assert get(t).status_code == 200 and len(slept) == 2


def test_412_and_403_are_not_retried():
    t, _, _ = transport(httpx2.Response(412), httpx2.Response(200, json=[]))
    assert get(t).status_code == 412 and t.requests == 1


def test_write_token_is_not_sent_so_a_retried_write_reports_per_object():
    t, _, script = transport(httpx2.Response(200, json=[]))
    httpx2.Client(transport=t).post("http://zotero.test/users/1/items", json=[], headers={"Zotero-Write-Token": "x" * 32})
    assert "Zotero-Write-Token" not in script.seen[0].headers


@pytest.mark.parametrize("raw, seconds", [("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), ("nan", None), ("NaN", None),
                                          ("inf", float("inf")), ("soon", None), ("", None), (None, None)])
def test_wait_header_values(raw, seconds):
    assert wait_seconds(raw) == seconds


def test_retry_after_as_an_http_date():
    assert 3590 < wait_seconds(formatdate(time.time() + 3600, usegmt=True)) <= 3600
    assert wait_seconds(formatdate(time.time() - 3600, usegmt=True)) == 0.0
    assert wait_seconds(formatdate(time.time() + 3600, usegmt=True), allow_date=False) is None


def test_retry_after_nan_falls_back_to_backoff_and_a_nan_backoff_is_ignored():
    t, slept, _ = transport(httpx2.Response(429, headers={"Retry-After": "nan"}),
                            httpx2.Response(200, headers={"Backoff": "nan"}, json=[]), httpx2.Response(200, json=[]),
                            max_wait=5, initial=1)
    assert get(t).status_code == 200 and len(slept) == 1 and 0 < slept[0] <= 5
    get(t)
    assert len(slept) == 1


def test_a_slow_in_memory_stream_meets_the_deadline_between_chunks():
    class Slow(httpx2.SyncByteStream):
        def __iter__(self):
            for _ in range(100):
                time.sleep(0.05)
                yield b" "

    t, _, _ = transport(httpx2.Response(200, stream=Slow()), httpx2.Response(200, stream=Slow()),
                        attempts=2, deadline=0.2, max_wait=0.01)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match=r"GET /users/1/items: .*no complete answer within 0.2 s"):
        get(t)
    assert time.monotonic() - started < 2


def test_the_budget_stops_before_a_wait_that_would_pass_it():
    t, slept, _ = transport(*[httpx2.Response(503, headers={"Retry-After": "40"})] * 3, max_wait=60, budget=50)
    with pytest.raises(ServiceUnavailable, match=r"within the retry budget \(50 s\)"):
        get(t)
    assert slept == [40]
