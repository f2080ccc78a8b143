"""Dates to ISO (YYYY, YYYY-MM, YYYY-MM-DD), as Zotero's translators emit them.

>>> to_iso("July 13, 2016"), to_iso("2016/7/13"), to_iso("13 luglio 2016"), to_iso("Jul 2016")
('2016-07-13', '2016-07-13', '2016-07-13', '2016-07')
>>> to_iso("Spring 2016"), to_iso("2016/07/13/"), to_iso("2016///Summer")
('Spring 2016', '2016-07-13', '2016')
"""

from __future__ import annotations

import re
from functools import lru_cache

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan gennaio gen enero ene januar jänner janvier janv",
        "february feb febbraio febrero februar février fevrier févr",
        "march mar marzo märz mars",
        "april apr aprile abril avril avr",
        "may maggio mag mayo mai",
        "june jun giugno giu junio juni juin",
        "july jul luglio lug julio juli juillet juil",
        "august aug agosto ago august août aout",
        "september sep sept settembre set septiembre septembre",
        "october oct ottobre ott octubre oktober okt octobre",
        "november nov novembre noviembre",
        "december dec dicembre dic diciembre dezember dez décembre déc",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _number)

_ALREADY_ISO = re.compile(r"[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?")
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}.*)?$")
_RIS = re.compile(r"^(\d{4})/(\d{0,2})/(\d{0,2})/.*$")  # RIS: YYYY/MM/DD/other info, any part empty
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_WORDS = re.compile(r"[A-Za-zÀ-ÿ]+\.?|\d+")


def _iso(year: int, month: int = 0, day: int = 0) -> str:
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def to_iso(text: str) -> str:
    """ISO form of a date string; text that is not a plain date is returned unchanged."""
    if type(text) is str and _ALREADY_ISO.fullmatch(text):
        return text  # what _iso would give back (most dates parsers hand on), without a cache entry each
    return _to_iso(text)


@lru_cache(maxsize=16384)
def _to_iso(text: str) -> str:
    raw = " ".join(str(text).split())
    match = _ISO.match(raw) or _RIS.match(raw)
    if match:
        year, month, day = (int(g) if g else 0 for g in match.groups())
        return _iso(year, month, day)
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _iso(year, month, day) if month <= 12 else raw
    return _from_words(raw)


def _from_words(raw: str) -> str:
    tokens = _WORDS.findall(raw.replace(",", " "))
    year = month = day = 0
    leftovers = 0
    for token in tokens:
        word = token.rstrip(".").lower()
        if word.isdigit() and len(word) == 4 and not year:
            year = int(word)
        elif word.isdigit() and len(word) <= 2 and not day:
            day = int(word)
        elif word in MONTHS and not month:
            month = MONTHS[word]
        elif word not in {"de", "del", "of", "the"}:
            leftovers += 1
    if not year or leftovers or (day and not month):
        return raw
    return _iso(year, month, day)


def year_of(text: str) -> str:
    match = _YEAR.search(str(text or "")) if text else None
    return match.group(1) if match else ""


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
