"""The sandbox's HTTP server on 127.0.0.1, with a fault switch for tests.

Faults make the next matching requests fail the way real servers and networks
do: a status instead of an answer (429, 503, 409, 500, with or without
``Retry-After``), a ``Backoff`` header on a success, a delay longer than the
client's timeout, or a response dropped after its write committed.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from zotsync.sandbox.app import Account, SandboxApp
from zotsync.sandbox.http import Request, Response
from zotsync.sandbox.store import Store

MESSAGES = {409: "The target library is locked.", 429: "Request rate limit exceeded",
            500: "An error occurred", 503: "Service Unavailable", 403: "Invalid key"}


@dataclass
class Fault:
    """One injected failure. ``mode``: respond | drop_after_commit | delay | backoff | none (let one pass)."""

    status: int = 503
    mode: str = "respond"
    method: str = "*"
    path: str = ""
    times: int = 1
    retry_after: str | None = None
    backoff: str | None = None
    delay: float = 0.0

    def matches(self, req: Request) -> bool:
        return (self.method in {"*", req.method}) and bool(re.search(self.path, req.path))


class FaultSwitch:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.fired = threading.Event()  # set whenever a fault is taken, for tests to act mid-request

    def set(self, faults: list[Fault]) -> None:
        with self._lock:
            self._faults = list(faults)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, req: Request) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times and fault.matches(req):
                    fault.times -= 1
                    self.fired.set()
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults if f.times]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's
        # algorithm and delayed ACKs add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the sandbox logs nothing by default
        return

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request.build(self.command, self.path, dict(self.headers.items()), body)
        if req.path.startswith("/_sandbox/"):
            self._send(self._admin(req))
            return
        fault = self.server.faults.take(req)
        if fault and fault.mode == "none":
            fault = None
        if fault and fault.mode == "respond":
            headers = {k: v for k, v in (("Retry-After", fault.retry_after), ("Backoff", fault.backoff)) if v}
            self._send(Response.text(fault.status, MESSAGES.get(fault.status, "Error"), **{
                k.replace("-", "_"): v for k, v in headers.items()}))
            return
        if fault and fault.mode == "delay":
            time.sleep(fault.delay)
        response = self.server.app(req)
        if fault and fault.mode == "drop_after_commit":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault and fault.mode == "backoff" and fault.backoff:
            response.headers["Backoff"] = fault.backoff
        self._send(response)

    def _admin(self, req: Request) -> Response:
        if req.header("zotero-api-key") != self.server.app.account.api_key:
            return Response.text(403, "Forbidden")
        if req.path == "/_sandbox/faults" and req.method == "POST":
            self.server.faults.set([Fault(**f) for f in json.loads(req.body or b"[]")])
            return Response.json(self.server.faults.pending())
        if req.path == "/_sandbox/faults":
            return Response.json(self.server.faults.pending())
        return Response.text(404, "Not found")

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if not response.bare:
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: SandboxApp
    faults: FaultSwitch


class SandboxServer:
    """A running sandbox: ``start()`` returns its base URL; ``stop()`` shuts it down."""

    def __init__(self, account: Account, data_dir: Path | None = None, port: int = 0,
                 rate_limit: bool = True) -> None:
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(data_dir / "sandbox.sqlite" if data_dir else None)
        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.httpd.app = SandboxApp(self.store, account, self.url, rate_limit)
        self.httpd.faults = FaultSwitch()
        self._thread: threading.Thread | None = None

    @property
    def app(self) -> SandboxApp:
        return self.httpd.app

    @property
    def faults(self) -> FaultSwitch:
        return self.httpd.faults

    def start(self) -> str:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="zotsync-sandbox", daemon=True)
        self._thread.start()
        return self.url

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.store.close()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
