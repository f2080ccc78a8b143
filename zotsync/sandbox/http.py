"""Request and response values passed between the sandbox server and its handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    @classmethod
    def build(cls, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Request:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        return cls(method.upper(), parts.path, query, {k.lower(): v for k, v in headers.items()}, body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    bare: bool = False  # a 304 carries no headers at all on the real server

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> Response:
        body = json.dumps(payload, ensure_ascii=False, check_circular=False).encode("utf-8")  # payloads are trees
        return cls(status, body, {"Content-Type": "application/json", **_names(headers)})

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> Response:
        return cls(status, message.encode("utf-8"), {"Content-Type": "text/html; charset=UTF-8", **_names(headers)})

    @classmethod
    def empty(cls, status: int = 204, **headers: str) -> Response:
        return cls(status, b"", _names(headers))


def _names(headers: dict[str, str]) -> dict[str, str]:
    """Python keyword names (Last_Modified_Version) to header names (Last-Modified-Version)."""
    return {k.replace("_", "-"): str(v) for k, v in headers.items()}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return Response(self.status, self.message.encode("utf-8"),
                        {"Content-Type": "text/html; charset=UTF-8", **self.headers})
