"""Acting as the user in Zotero: edits, deletions and trash through the sandbox's Web API."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from tests.conftest import API_KEY, USER_ID


def api(url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{url}/users/{USER_ID}{path}", data=data, method=method,
                                 headers={"Zotero-API-Key": API_KEY, "Content-Type": "application/json",
                                          **(headers or {})})
    try:
        with urllib.request.urlopen(req) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def get_item(url: str, key: str) -> dict[str, Any]:
    status, body = api(url, "GET", f"/items/{key}")
    assert status == 200, body
    return body


def user_edits(url: str, key: str, **fields: Any) -> None:
    version = get_item(url, key)["version"]
    status, body = api(url, "PATCH", f"/items/{key}", fields, {"If-Unmodified-Since-Version": str(version)})
    assert status == 204, body


def user_deletes(url: str, key: str) -> None:
    version = get_item(url, key)["version"]
    status, body = api(url, "DELETE", f"/items/{key}", headers={"If-Unmodified-Since-Version": str(version)})
    assert status == 204, body


def user_creates(url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    status, body = api(url, "POST", "/items", items)
    assert status == 200 and not body["failed"], body
    return body
