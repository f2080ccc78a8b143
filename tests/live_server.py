"""A loopback stand-in for the live sources (doi.org, Semantic Scholar's API, OAI-PMH, VuFind).

It answers from recorded bodies: routes added by a test, or every interaction of a vcrpy
cassette (matched by path and query, ignoring scheme and host). It honours ETag validators
(If-None-Match → 304), can answer a route with a sequence of statuses (a 503, then the
body), and counts what it served, so a test can check that a rerun downloads nothing.
"""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml


@dataclass
class Answer:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _key(path_and_query: str, ignored: frozenset[str] = frozenset()) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(path_and_query)
    return parts.path, tuple(sorted(p for p in parse_qsl(parts.query, keep_blank_values=True) if p[0] not in ignored))


class LiveServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, tuple[tuple[str, str], ...]], list[Answer]] = {}
        self.served: Counter[str] = Counter()
        self.ignored: frozenset[str] = frozenset()  # query parameters a recorded request may differ in
        self.bodies_sent = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path_and_query: str, *answers: Answer) -> None:
        """Answers for one path and query, used in turn; the last one repeats."""
        self.routes[_key(path_and_query)] = list(answers)

    def load_cassette(self, path: Path, ignoring: frozenset[str] = frozenset()) -> None:
        """Every interaction of a vcrpy cassette, by path and query (less the ``ignoring`` parameters)."""
        self.ignored = ignoring
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            response = interaction["response"]
            body = response["body"]["string"]
            raw = body if isinstance(body, bytes) else body.encode()
            headers = {k.lower(): v for k, v in response["headers"].items()}
            encoding = [v.lower() for v in headers.get("content-encoding", [])]
            if "gzip" in encoding and raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            split = urlsplit(interaction["request"]["uri"])
            answers = self.routes.setdefault(_key(f"{split.path}?{split.query}", ignoring), [])
            answers.append(Answer(raw, response["status"]["code"]))

    def start(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, path: str, etag_asked: str | None) -> Answer:
        answers = self.routes.get(_key(path, self.ignored))
        if not answers:
            return Answer(b"not recorded", 404)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        etag = answer.headers.get("ETag")
        if etag and etag_asked == etag:
            return Answer(b"", 304, {"ETag": etag})
        return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                answer = server._answer(self.path, self.headers.get("If-None-Match"))
                server.served[urlsplit(self.path).path] += 1
                server.bodies_sent += 1 if answer.status != 304 else 0
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        return Handler
