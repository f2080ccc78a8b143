"""The real saved record pages of ../shared/records (kind html): every expected field, and no invented title, creators or date.

The suite's conventions: ``{"any": [...]}`` accepts any alternative (``null``: the field may be
absent), ``itemType: null`` accepts any type, and a title, creators or date the expected item
does not have must not be produced.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SHARED, needs_shared
from zotsync.documents import parse_paths

RECORDS = SHARED / "records"
CASES = [c for c in json.loads((RECORDS / "manifest.json").read_text(encoding="utf-8")) if c["kind"] == "html"] \
    if (RECORDS / "manifest.json").exists() else []


def accepts(expected: Any, got: Any) -> bool:
    if isinstance(expected, dict) and "any" in expected:
        return any(accepts(alt, got) for alt in expected["any"])
    if expected is None:
        return got in (None, "", [])
    return bool(expected == got)


def comparable(name: str, value: Any) -> Any:
    if name == "creators":
        return [(c["creatorType"], c.get("firstName", ""), c.get("lastName", c.get("name", ""))) for c in value or []]
    if name == "tags":
        return sorted(t["tag"] for t in value or [])
    return value


@needs_shared(RECORDS)
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_saved_record_page(case):
    result = parse_paths([str(RECORDS / case["file"])])
    assert not result.errors, result.errors
    (expected,) = case["expected"]
    (got,) = [p.item for p in result.parsed]
    for name, value in expected.items():
        if name == "itemType" and value is None:
            continue
        if isinstance(value, dict) and "any" in value:
            assert accepts(value, got.get(name)), (name, got.get(name))
        else:
            assert comparable(name, got.get(name)) == comparable(name, value), name
    for name in ("title", "creators", "date"):
        if name not in expected:
            assert not got.get(name), f"{name} invented: {got.get(name)!r}"
