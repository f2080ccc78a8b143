"""Clean the text of parsed items of what no Zotero field can hold.

A document may smuggle NUL and other control characters (a JSON ``\\u0000``, a stray NUL byte)
or lone surrogates (a JSON ``\\ud800``) into values; they break UTF-8 encoding, the state
database and the API. NUL is removed, other control characters (but tab and newline) become a space; a lone
surrogate becomes U+FFFD, so the damage stays visible instead of being silently repaired.
Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Text a UTF-8 encoder (lxml's, the state's) accepts: a lone surrogate becomes U+FFFD."""
    return SURROGATE.sub("\ufffd", text) if SURROGATE.search(text) else text


def clean_text(text: str) -> str:
    if CONTROL.search(text):
        text = CONTROL.sub(lambda m: "" if m.group() == "\x00" else " ", text)
    if SURROGATE.search(text):
        text = SURROGATE.sub("\ufffd", text)
    return text


def clean(value: Any) -> Any:
    """``value`` with every string in it (keys included) cleaned; other values as they are."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
