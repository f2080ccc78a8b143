"""LaTeX to Unicode and Zotero rich text (<i>, <b>, small caps, <sup>, <sub>).

Accents and symbols go through pylatexenc; the markup Zotero keeps as rich text
is lifted out first so that pylatexenc does not flatten it.

>>> to_text(r"P\\"{a}ckert and \\textit{Natrix cetti} --- $\\Sigma^{0}$, DNA$_{2}$")
'Päckert and <i>Natrix cetti</i> — Σ⁰, DNA₂'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
BALANCED = r"((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)"
MARKUP = [
    (re.compile(r"\\(?:textit|emph|textsl)\s*\{" + BALANCED + r"\}"), "i"),
    (re.compile(r"\{\\(?:it|em|sl)\s+" + BALANCED + r"\}"), "i"),
    (re.compile(r"\\textbf\s*\{" + BALANCED + r"\}"), "b"),
    (re.compile(r"\{\\bf\s+" + BALANCED + r"\}"), "b"),
    (re.compile(r"\\textsc\s*\{" + BALANCED + r"\}"), "sc"),
    (re.compile(r"\{\\sc\s+" + BALANCED + r"\}"), "sc"),
]
TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sc": ('<span style="small-caps">', "</span>"),
        "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>")}
MATH = re.compile(r"\$([^$]*)\$")
SCRIPT = re.compile(r"([\^_])\s*(?:\{" + BALANCED + r"\}|(\\?\w))")
OPEN, CLOSE = "\uE000", "\uE001"
NEEDS_LATEX = re.compile(r"[\\$^_]")
DASHES = [("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d")]
LOGOS = re.compile(r"\\(LaTeXe|LaTeX|TeX|BibTeX|XeTeX|LuaTeX)\b\s?")


# The accent macros of nearly every .bib file, as combining characters: converted
# without building a LaTeX parse tree; anything else goes through pylatexenc.
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
           ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
           "r": "\u030a", "d": "\u0323", "b": "\u0331"}
ACCENT = re.compile(r"""\{?\\(['`^"~=.]|[uvHckrdb](?=[\s{]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))\}?""")
LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł",
           "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ"}
LETTER = re.compile(r"\{\\(" + "|".join(sorted(LETTERS, key=len, reverse=True)) + r")\}|\\("
                    + "|".join(sorted(LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s?")
SIMPLE_ESCAPES = {"\\&": "&", "\\%": "%", "\\#": "#", "\\_": "_", "\\$": "$"}


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _context() -> object:
    return get_default_latex_context_db()


def _accents(text: str) -> str:
    def accent(match: re.Match[str]) -> str:
        base = (match.group(2) or match.group(3)).lstrip("\\")
        base = {"i": "i", "j": "j"}.get(base, base)
        return unicodedata.normalize("NFC", base + ACCENTS[match.group(1)])

    text = ACCENT.sub(accent, text)
    return LETTER.sub(lambda m: LETTERS[m.group(1) or m.group(2)], text)


@lru_cache(maxsize=65536)
def to_text(value: str) -> str:
    """Unicode text of a BibTeX field value; braces used for case protection are dropped."""
    if "\\" in value and "$" not in value:
        value = _accents(value)
        plain = value
        for escape, char in SIMPLE_ESCAPES.items():
            plain = plain.replace(escape, char)
        if "\\" not in plain:
            value = plain
    if not NEEDS_LATEX.search(value):
        for dash, char in DASHES:
            value = value.replace(dash, char)
        return " ".join(value.replace("{", "").replace("}", "").replace("~", " ").split())
    text = LOGOS.sub(lambda m: m.group(1).replace("LaTeXe", "LaTeX2e") + (" " if m.group(0).endswith(" ") else ""), value)
    text = MATH.sub(lambda m: _math(m.group(1)), text)
    for pattern, tag in MARKUP:
        for _ in range(3):  # nested markup, innermost last
            text = pattern.sub(_marker(tag), text)
    text = re.sub(r"(?<!\\)~", " ", text).replace("\\\\", " ")
    try:
        converter = _converter()
        text = converter.nodelist_to_text(LatexWalker(text, latex_context=_context(), tolerant_parsing=True)
                                          .get_latex_nodes()[0])
    except Exception:  # pylatexenc raises assorted errors on malformed input; keep the raw text
        text = text.replace("{", "").replace("}", "")
    text = re.sub(f"{OPEN}(\\w+){OPEN}", lambda m: TAGS[m.group(1)][0], text)
    text = re.sub(f"{CLOSE}(\\w+){CLOSE}", lambda m: TAGS[m.group(1)][1], text)
    return " ".join(text.replace("\u00a0", " ").split())


def _marker(tag: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{OPEN}{tag}{OPEN}{m.group(1)}{CLOSE}{tag}{CLOSE}"


def _math(body: str) -> str:
    def script(match: re.Match[str]) -> str:
        content = match.group(2) if match.group(2) is not None else match.group(3)
        content = re.sub(r"\\(?:textrm|mathrm|text)\s*\{([^{}]*)\}", r"\1", content)
        table = SUPERSCRIPTS if match.group(1) == "^" else SUBSCRIPTS
        if re.fullmatch(r"[0-9+\-=()]+", content):
            return content.translate(table)
        tag = "sup" if match.group(1) == "^" else "sub"
        return f"{OPEN}{tag}{OPEN}{content}{CLOSE}{tag}{CLOSE}"

    return SCRIPT.sub(script, body)


def verbatim(value: str) -> str:
    """A URL, DOI or other identifier: braces and escapes removed, nothing else touched."""
    text = value.replace("{", "").replace("}", "")
    for escape, char in SIMPLE_ESCAPES.items():
        text = text.replace(escape, char)
    return " ".join(text.replace("\\~", "~").split())
