"""The fault matrix of server answers: a loopback server that answers badly, and what zotsync makes of it.

Whatever the server sends (invalid JSON, an HTML page with 200, an empty or cut-short body, the wrong
shape, a false gzip header, odd Retry-After values, one byte every few seconds), the client retries what
is transient and otherwise raises one zotsync error naming the request and the problem, with an exit
code; never a traceback, never a hang, never the key.
"""

from __future__ import annotations

import gzip
import json
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from zotsync.errors import AuthError, ConfigError, ServerAnswerError, ServiceUnavailable, ZotsyncError
from zotsync.library.answers import UNREPORTED
from zotsync.library.client import LibrarySpec, ZoteroClient
from zotsync.library.transport import RetryPolicy, Wait

ROOT = Path(__file__).resolve().parents[2]
KEY = "echoedkey0123456789ABCD"
SPEC = LibrarySpec("user", 1)
ITEM = {"key": "ABCDEFGH", "version": 3, "data": {"key": "ABCDEFGH", "version": 3, "itemType": "book", "title": "x"}}


@dataclass
class Answer:
    status: int = 200
    body: bytes = json.dumps([ITEM]).encode()
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json",
                                                             "Last-Modified-Version": "3"})
    trickle: float = 0.0  # seconds between body bytes
    trickle_headers: float = 0.0  # seconds between header lines
    cut: bool = False  # announce the whole length, send half, close
    stall: float = 0.0  # silence before anything is sent


def json_answer(value: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, json.dumps(value).encode(), {"Content-Type": "application/json",
                                                       "Last-Modified-Version": "3", **headers})


class BadServer:
    """Answers each request with the next scripted answer (the last one repeats); 127.0.0.1 only."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server.answer(self)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.seen.append((handler.command, handler.path))
        answer = self.answers[min(len(self.seen), len(self.answers)) - 1]
        try:
            time.sleep(answer.stall)
            handler.send_response(answer.status)
            for name, value in {**answer.headers, "Content-Length": str(len(answer.body))}.items():
                if answer.trickle_headers:
                    handler.flush_headers()
                    time.sleep(answer.trickle_headers)
                handler.send_header(name, value)
            handler.end_headers()
            if answer.cut:
                handler.wfile.write(answer.body[: len(answer.body) // 2])
                handler.close_connection = True
            elif answer.trickle:
                for i in range(len(answer.body)):
                    handler.wfile.write(answer.body[i:i + 1])
                    handler.wfile.flush()
                    time.sleep(answer.trickle)
            else:
                handler.wfile.write(answer.body)
        except OSError:  # the client gave up and closed the connection: expected in deadline cases
            handler.close_connection = True

    def __enter__(self) -> BadServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[BadServer] = []

    def start(*answers: Answer) -> BadServer:
        server = BadServer(*answers).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


def client_for(server: BadServer, **policy: Any) -> ZoteroClient:
    settings = {"attempts": 3, "max_wait": 0.01, "initial": 0.01, "deadline": 1.0, **policy}
    return ZoteroClient(SPEC, KEY, server.url, RetryPolicy(**settings), timeout=0.5)


def fails(call: Any, expected: type[ZotsyncError]) -> str:
    with pytest.raises(expected) as info:
        call()
    message = str(info.value)
    assert KEY not in message and "Traceback" not in message and "\n" not in message
    assert info.value.exit_code == 4
    return message


# ---- answers that are garbled: retried, then named ---------------------------------------------

GARBLED = {
    "invalid-json": (Answer(body=b'[{"key": "ABC'), "invalid JSON"),
    "html-200": (Answer(body=b"<html><head><title>Service temporarily unavailable</title></head><body>x</body></html>",
                        headers={"Content-Type": "text/html"}), "an HTML page instead of JSON ('Service temporarily"),
    "empty-200": (Answer(body=b""), "an empty answer"),
    "gzip-header-plain-body": (Answer(headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}),
                               "not encoded as its header says (Content-Encoding: gzip)"),
}


@pytest.mark.parametrize("case", GARBLED, ids=list(GARBLED))
def test_a_garbled_answer_is_retried_then_named_with_exit_4(serve, case):
    answer, problem = GARBLED[case]
    server = serve(answer)
    message = fails(client_for(server).all_items, ServerAnswerError)
    assert message.startswith("GET /users/1/items: ") and problem in message, message
    assert len(server.seen) == 3  # every attempt was made, then it stopped


def test_a_garbled_answer_that_recovers_is_used(serve):
    server = serve(GARBLED["invalid-json"][0], GARBLED["html-200"][0], Answer())
    assert [i["key"] for i in client_for(server).all_items()] == ["ABCDEFGH"]


def test_a_body_cut_short_is_retried_then_reported_unavailable(serve):
    server = serve(Answer(cut=True))
    message = fails(client_for(server).all_items, ServiceUnavailable)
    assert message.startswith("GET /users/1/items: ") and "cut short" in message and len(server.seen) == 3


def test_a_real_gzip_body_is_decoded(serve):
    body = gzip.compress(json.dumps([ITEM]).encode())
    server = serve(Answer(body=body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}))
    assert client_for(server).all_items()[0]["data"]["title"] == "x"


def test_valid_json_without_a_content_type_is_read(serve):
    server = serve(Answer(headers={"Last-Modified-Version": "3"}))
    assert client_for(server).all_items()[0]["key"] == "ABCDEFGH"


# ---- answers of the wrong shape: named at once (not transient) -------------------------------------

SHAPES = {
    "object-for-list": ("all_items", (), json_answer(ITEM), "a list of items should be an array, not an object"),
    "list-for-object": ("changed_versions", (1,), json_answer([1, 2]), "a versions listing should be an object"),
    "item-without-data": ("all_items", (), json_answer([{"key": "ABCDEFGH", "version": 3}]),
                          "item 1 (ABCDEFGH) has no data object"),
    "item-without-version": ("all_items", (), json_answer([{"key": "ABCDEFGH", "data": ITEM["data"]}]),
                             "item 1 (ABCDEFGH) has no version"),
    "item-not-an-object": ("items_by_key", (["ABCDEFGH"],), json_answer(["ABCDEFGH"]),
                           "item 1 should be an object, not a string"),
    "version-not-a-number": ("changed_versions", (1,), json_answer({"ABCDEFGH": "three"}),
                             "the version of ABCDEFGH is not a whole number"),
    "deleted-not-a-list": ("deleted_since", (1,), json_answer({"items": "ABCDEFGH"}),
                           "its 'items' should be an array of keys"),
    "write-report-a-list": ("write_items", ([{"itemType": "book"}],), json_answer([]),
                            "a write report should be an object, not an array"),
    "write-report-foreign-index": ("write_items", ([{"itemType": "book"}],),
                                   json_answer({"successful": {"7": ITEM}, "failed": {}}),
                                   "names object '7', which is not in the batch of 1"),
    "collection-without-name": ("collections", (), json_answer([{"key": "COLLECTN", "version": 1, "data": {}}]),
                                "collection 1 (COLLECTN) has no name in its data"),
    "key-info-a-list": ("key_info", (), json_answer([]), "a key description should be an object"),
}


@pytest.mark.parametrize("case", SHAPES, ids=list(SHAPES))
def test_an_answer_of_the_wrong_shape_is_named_at_once(serve, case):
    method, args, answer, problem = SHAPES[case]
    server = serve(answer)
    message = fails(lambda: getattr(client_for(server), method)(*args), ServerAnswerError)
    assert problem in message and message.split(": ")[0].split(" ")[0] in {"GET", "POST"}, message
    assert len(server.seen) == 1


def test_a_write_report_that_forgets_objects_reports_them_failed(serve):
    server = serve(json_answer({"successful": {}, "unchanged": {}, "failed": {}}))
    result = client_for(server).write_items([{"itemType": "book"}, {"itemType": "book"}])
    assert result.successful == {} and sorted(result.failed) == [0, 1]
    assert result.failed[0]["message"] == UNREPORTED


def test_pagination_links_that_loop_are_refused(serve):
    looping = json_answer([ITEM], Link='<{url}/users/1/items?start=100>; rel="next"')
    server = serve(looping)
    looping.headers["Link"] = looping.headers["Link"].replace("{url}", server.url)
    message = fails(client_for(server).all_items, ServerAnswerError)
    assert "pagination links lead back" in message and len(server.seen) == 2  # the first page, the next once


# ---- slow servers: a total deadline per request --------------------------------------------------------


def test_a_body_trickling_one_byte_at_a_time_meets_the_deadline(serve):
    server = serve(Answer(trickle=0.2))  # the whole answer would take a minute
    started = time.monotonic()
    message = fails(client_for(server, deadline=0.6).all_items, ServiceUnavailable)
    assert message == ("GET /users/1/items: no complete answer within 0.6 s: the server sends too slowly "
                       "(not retried); the next run will try again")
    assert time.monotonic() - started < 3 and len(server.seen) == 1


def test_headers_trickling_meet_the_deadline_too(serve):
    server = serve(Answer(trickle_headers=0.3))
    started = time.monotonic()
    message = fails(client_for(server, deadline=0.6).all_items, ServiceUnavailable)
    assert "no complete answer within 0.6 s" in message and time.monotonic() - started < 3


def test_the_client_timeout_applies_to_reads_despite_pyzotero(serve):
    server = serve(Answer(stall=3))  # pyzotero passes timeout=30 on every read; ours is 0.5
    started = time.monotonic()
    message = fails(client_for(server, attempts=1, deadline=None).all_items, ServiceUnavailable)
    assert "ReadTimeout" in message and time.monotonic() - started < 2.5


# ---- waits: Retry-After values, the budget in wall time, the hook ---------------------------------------

RETRY_AFTER = {"nan": ("nan", None), "negative": ("-30", 0.0), "huge": ("1e12", 0.2),
               "http-date": (formatdate(time.time() + 3600, usegmt=True), 0.2), "garbage": ("soon", None)}


@pytest.mark.parametrize("case", RETRY_AFTER, ids=list(RETRY_AFTER))
def test_odd_retry_after_values_give_a_bounded_wait_and_a_retry(serve, case):
    value, expected = RETRY_AFTER[case]
    slept: list[float] = []
    server = serve(json_answer("slow down", 429, **{"Retry-After": value}), Answer())
    client = client_for(server, max_wait=0.2, initial=0.05, sleep=slept.append)
    assert client.all_items()[0]["key"] == "ABCDEFGH"
    assert len(slept) == 1 and 0 <= slept[0] <= 0.2
    if expected is not None:
        assert slept[0] == pytest.approx(expected)


def test_the_retry_budget_is_wall_time_across_the_run(serve):
    server = serve(json_answer("maintenance", 503, **{"Retry-After": "1"}))
    client = client_for(server, attempts=100, max_wait=1, budget=2.5)
    started = time.monotonic()
    message = fails(client.all_items, ServiceUnavailable)
    assert "within the retry budget (2.5 s)" in message and "(HTTP 503)" in message
    assert time.monotonic() - started < 3.5
    again = time.monotonic()
    fails(lambda: client.changed_versions(1), ServiceUnavailable)  # the budget is spent: no more waiting
    assert time.monotonic() - again < 1


def test_a_backoff_past_the_budget_stops_the_run(serve):
    server = serve(json_answer([ITEM], Backoff="50"))
    client = client_for(server, max_wait=60, budget=5)
    client.all_items()
    message = fails(lambda: client.changed_versions(1), ServiceUnavailable)
    assert "pause 50 s (Backoff), past the retry budget" in message and len(server.seen) == 1


def test_each_wait_is_announced_through_the_hook(serve):
    server = serve(json_answer("slow down", 429, **{"Retry-After": "30"}), json_answer("oops", 500), Answer())
    client = client_for(server, max_wait=60, sleep=lambda s: None)
    seen: list[Wait] = []
    client.transport.on_wait = seen.append
    client.all_items()
    assert [str(w) for w in seen] == ["waiting 30 s: the server asked (429)",
                                      f"waiting {seen[1].seconds:.1f} s: retry 2 of 2 after HTTP 500".replace(".0 s", " s")]
    assert {w.request for w in seen} == {"GET /users/1/items"}


# ---- the key never leaks -------------------------------------------------------------------------


def test_a_key_echoed_in_an_error_body_is_scrubbed(serve):
    echo = Answer(400, f"Invalid request: key={KEY} Authorization: Bearer {KEY}".encode(), {"Content-Type": "text/plain"})
    server = serve(echo)
    with pytest.raises(ZotsyncError) as info:
        client_for(server).all_items()
    assert KEY not in str(info.value) and "***" in str(info.value) and info.value.__cause__ is None


def test_a_key_echoed_by_a_refusal_or_a_header_is_scrubbed(serve):
    server = serve(Answer(403, f"Invalid key {KEY}".encode(), {"Content-Type": "text/plain"}))
    with pytest.raises(ZotsyncError) as info:
        client_for(server).key_info()
    assert info.value.exit_code == 3 and KEY not in str(info.value) and "***" in str(info.value)
    echoing = json_answer([ITEM], Link=f'<{{url}}/users/1/{KEY}/items?key={KEY}&start=100>; rel="next"')
    server = serve(echoing, json_answer("upstream down", 502))
    echoing.headers["Link"] = echoing.headers["Link"].replace("{url}", server.url)
    message = fails(client_for(server).all_items, ServiceUnavailable)
    assert message.startswith("GET /users/1/***/items: ") and "(HTTP 502)" in message


@pytest.mark.parametrize("status, error, words", [(403, AuthError, "refused the key"),
                                                  (404, ConfigError, "does not know this library"),
                                                  (400, ZotsyncError, "HTTP 400")])
def test_a_refused_page_read_is_named_and_scrubbed(serve, status, error, words):
    server = serve(Answer(status, f"no, key {KEY}".encode(), {"Content-Type": "text/plain"}))
    with pytest.raises(error) as info:
        client_for(server).all_items()
    assert type(info.value) is error and words in str(info.value) and "GET /users/1/items" in str(info.value)
    assert KEY not in str(info.value) and len(server.seen) == 1

def test_a_key_echoed_in_a_per_object_failure_is_scrubbed(serve):
    server = serve(json_answer({"failed": {"0": {"key": "ABCDEFGH", "code": 400, "message": f"bad key {KEY}"}}}))
    result = client_for(server).write_items([{"itemType": "book"}])
    assert result.failed[0] == {"key": "ABCDEFGH", "code": 400, "message": "bad key ***"}


# ---- end to end: the command a user runs --------------------------------------------------------------


def run_sync(tmp_path: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ZOTERO_API_KEY": KEY, "ZOTSYNC_MAX_WAIT": "0.05",
                   "ZOTSYNC_TIMEOUT": "0.5", "ZOTSYNC_RETRY_BUDGET": "3", "PYTHON_KEYRING_BACKEND":
                   "keyring.backends.fail.Keyring", **env}
    return subprocess.run([sys.executable, "-m", "zotsync", "sync", str(ROOT / "examples" / "library.bib"),
                           "--library", "user:1", "--api-url", url, "--state-dir", str(tmp_path / "state")],
                          capture_output=True, text=True, env=environment, cwd=ROOT, timeout=60)


def assert_one_clean_line(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 4, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zotsync: "), proc.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert "Traceback" not in proc.stderr and KEY not in proc.stderr + proc.stdout


def test_sync_against_a_server_answering_invalid_json_ends_with_one_line_and_exit_4(serve, tmp_path):
    server = serve(Answer(body=b'[{"key": "ABC'))
    assert_one_clean_line(run_sync(tmp_path, server.url), "GET /users/1/items", "invalid JSON")


def test_sync_against_a_slow_loris_ends_at_the_deadline(serve, tmp_path):
    server = serve(Answer(trickle=0.2))
    started = time.monotonic()
    proc = run_sync(tmp_path, server.url)
    assert_one_clean_line(proc, "GET /users/1/items", "no complete answer")
    assert time.monotonic() - started < 10  # the default deadline: two read timeouts (2 × 0.5 s)


def test_sync_against_a_server_echoing_the_key_keeps_it_out_of_output_and_log(serve, tmp_path):
    server = serve(Answer(500, f"upstream said: Zotero-API-Key: {KEY}".encode(), {"Content-Type": "text/plain"}),
                   Answer(400, f"bad request for key {KEY}".encode(), {"Content-Type": "text/plain"}))
    proc = run_sync(tmp_path, server.url)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and KEY not in proc.stderr + proc.stdout
    log = tmp_path / "state" / "zotsync.log"
    assert KEY not in log.read_text() and "bad request for key ***" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_nothing_listens_is_a_clean_exit_4(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert_one_clean_line(run_sync(tmp_path, f"http://127.0.0.1:{port}"), "GET /users/1/items", "ConnectError")


def test_an_unexpected_status_on_the_version_probe_is_named(serve):
    server = serve(Answer(302, b"", {"Location": "/elsewhere"}))
    message = fails(lambda: client_for(server).changed_versions(1), ServerAnswerError)
    assert message == "GET /users/1/items: the server's answer is unusable: HTTP 302 where 200 or 304 belongs"
