"""The retry transport under pyzotero: waits asked for by the server are honoured, and capped."""

from __future__ import annotations

import httpx2
import pytest

from zotsync.errors import ServiceUnavailable
from zotsync.library.transport import RetryPolicy, RetryTransport


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
