"""JSON at the speed the mirror needs: orjson where it can, the standard library where orjson refuses.

The first read of a 100,000-item library decodes 1,000 pages and encodes 100,000 items into the
state; orjson does both several times faster. It refuses what Python's json accepts (a lone
surrogate escape, NaN, integers past 64 bits): those fall back to ``json``, so the result, and the
error message for text that is not JSON at all, are the standard library's.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # the same value, or json's own error (with its position)


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is (as ``json.dumps(value, ensure_ascii=False)``)."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
