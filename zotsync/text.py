"""Text helpers shared by the parsers: whitespace, case repair, title normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SMALL_WORDS = frozenset(
    "a an and as at but by en for from if in into nor of on or per the to vs via with "
    "il lo la i gli le di da del della dei degli delle e ed un una per con su tra fra "
    "y el los las de del der die das und von zu".split()
)


def squash(text: str | None) -> str:
    """Collapse all whitespace (including non-breaking spaces) to single spaces."""
    return " ".join(str(text or "").replace("\u00a0", " ").split())


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cap(word: str) -> str:
    return "-".join("'".join(p[:1].upper() + p[1:].lower() for p in part.split("'"))
                    for part in word.split("-"))


def title_case(text: str) -> str:
    """Title-case an ALL-CAPS title, keeping small words lower (Zotero's fixCase)."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        after_colon = i > 0 and words[i - 1].endswith((":", "?", "!", "."))
        if i and not after_colon and lower in SMALL_WORDS:
            out.append(lower)
        else:
            out.append(_cap(word))
    return " ".join(out)


def repair_caps(text: str) -> str:
    """Repair a title that is entirely upper case; leave mixed case alone."""
    return title_case(text) if is_all_caps(text) else text


def name_case(text: str) -> str:
    """Repair the case of an ALL-CAPS or all-lower name part ("DE LUCA" -> "De Luca")."""
    letters = [c for c in text if c.isalpha()]
    if letters and (all(c.isupper() for c in letters) and len(letters) > 1 or all(c.islower() for c in letters)):
        return " ".join(_cap(w) for w in text.split())
    return text


@lru_cache(maxsize=100_000)
def normalise_title(text: str) -> str:
    """Key for fuzzy title comparison: accents stripped, case folded, words only."""
    text = str(text or "")
    if "<" in text:
        text = re.sub(r"<[^>]+>", " ", text)
    if not text.isascii():  # ASCII has no accents to strip
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_WORDS.findall(text.casefold()))


_WORDS = re.compile(r"\w+")


def strip_trailing_period(text: str) -> str:
    text = text.strip()
    if text.endswith(".") and not text.endswith("..") and not re.search(r"\b[A-Z]\.$", text):
        return text[:-1].rstrip()
    return text
