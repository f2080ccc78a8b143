"""Sentence case for titles, the way BibTeX lowercases a title for a sentence-case style.

The text comes from ``latex.to_text(..., marks=True)``: what the author braced is between
``latex.PROTECT`` marks and is kept as written (and, where it starts with a lower-case letter,
becomes ``<span class="nocase">`` so that a citation style does not capitalise it either).
A title already in sentence case (see ``title_cased``) is not changed at all.
Outside the marks a word keeps its case when it opens the title or a sentence (after ``:``,
``.``, ``?``, ``!``), or when it looks like a name or an acronym rather than title case: a
capital after its first letter (``GLAST``, ``iPhone``, ``Cu₂O``, ``(In,Ga)N``) or no lower-case letter at all
(``II``, ``E3826``, ``A``). Every other word is lowercased: ``Design of a Carbon Fiber Grid``
becomes ``Design of a carbon fiber grid``. Rich-text tags (``<i>``, ``<sub>``) do not split
words and are never changed; hyphens and slashes do split them (``High-Speed`` is two words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zotsync.latex import PROTECT

NOCASE = ('<span class="nocase">', "</span>")
TOKEN = re.compile(r"<[^>]*>|[\ue000\ue001]|[^<\ue000\ue001]")
SENTENCE_END = frozenset(":.?!")
MIN_COUNTED = 4  # letters: shorter words do not tell title case from sentence case
SPLITS = frozenset("-‐‑–—/")
CLOSING = "\"'”’)]»"
# Babel / biblatex names of English that language codes do not know.
ENGLISH = frozenset({"english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
                     "ukenglish", "en", "eng"})


@dataclass
class _Char:
    text: str
    protected: bool  # inside PROTECT marks
    tag: bool = False  # a rich-text tag: no character of the title


def is_english(language: str) -> bool:
    """True for an English language name or code, and for no language at all (the default of CSL and BBT)."""
    value = language.strip().lower()
    if not value:
        return True
    if value in ENGLISH or re.match(r"^en[-_]", value):
        return True
    from zotsync.languages import to_code

    return to_code(value).lower().split("-")[0] == "en"


def sentence_case(marked: str) -> str:
    """``marked`` (text with PROTECT marks) in sentence case, the marks replaced by nocase spans where needed."""
    chars = _chars(marked)
    words = _words([c for c in chars if not c.tag])
    start = True  # the next word opens a sentence
    for word in words:
        if not start and _lowercasable(word):
            for c in word:
                if not c.protected:
                    c.text = c.text.lower()
        shown = "".join(c.text for c in word).rstrip(CLOSING)
        if shown not in SPLITS:  # "? - Participation": a dash between sentences leaves the next one open
            start = bool(shown) and shown[-1] in SENTENCE_END
    return _with_nocase(chars)


def _chars(marked: str) -> list[_Char]:
    out: list[_Char] = []
    depth = 0
    for token in TOKEN.findall(marked):
        if token == PROTECT[0]:
            depth += 1
            out.append(_Char(token, True, tag=True))
        elif token == PROTECT[1]:
            depth = max(depth - 1, 0)
            out.append(_Char(token, True, tag=True))
        else:
            out.append(_Char(token, depth > 0, tag=token.startswith("<") and len(token) > 1))
    return out


def _words(visible: list[_Char]) -> list[list[_Char]]:
    """The words: runs of characters between spaces, hyphens, dashes and slashes (punctuation stays in them)."""
    words: list[list[_Char]] = [[]]
    for char in visible:
        if char.text.isspace() or char.text in SPLITS:
            if words[-1]:
                words.append([])
            if char.text in SPLITS:
                words.append([char])  # a word of its own: it does not open a sentence
                words.append([])
            continue
        words[-1].append(char)
    return [w for w in words if w]


def title_cased(marked: str) -> bool:
    """Not already in sentence case: no more of its words of four letters or more start lower-case than
    capitalised (``Xenonika: medical texts in the late Byzantine period`` is in sentence case). Title case
    leaves only short words in lower case (``of``, ``and``, ``the``). Protected words do not count."""
    lower = upper = 0
    for word in _words([c for c in _chars(marked) if not c.tag]):
        letters = [c for c in word if c.text.isalpha()]
        if len(letters) >= MIN_COUNTED and not letters[0].protected:
            lower += letters[0].text.islower()
            upper += letters[0].text.isupper()
    return lower <= upper


def _lowercasable(word: list[_Char]) -> bool:
    """Title case, not an acronym or a name with inner capitals: only its first letter is a capital."""
    letters = [c.text for c in word if c.text.isalpha()]
    if not letters or not any(ch.islower() for ch in letters):
        return False  # no lower-case letter: II, GLAST, E3826, A
    return not any(ch.isupper() for ch in letters[1:])


def _with_nocase(chars: list[_Char]) -> str:
    """The text of ``chars`` with each outermost protected run that starts with a lower-case letter in a
    nocase span (unless it already is one), and the marks dropped."""
    out: list[str] = []
    depth = 0
    run: list[str] = []
    for char in chars:
        if char.text == PROTECT[0] and char.tag:
            depth += 1
            if depth == 1:
                run = []
            continue
        if char.text == PROTECT[1] and char.tag:
            if depth == 1:
                out.append(_nocase(run))
            depth = max(depth - 1, 0)
            continue
        (run if depth else out).append(char.text)
    if depth:
        out.append("".join(run))
    return "".join(out)


def _nocase(run: list[str]) -> str:
    text = "".join(run)
    if text.startswith(NOCASE[0]):
        return text
    first = next((ch for ch in re.sub(r"<[^>]*>", "", text) if ch.isalpha()), "")
    return NOCASE[0] + text + NOCASE[1] if first.islower() else text
