"""LaTeX to Unicode and Zotero rich text (<i>, <b>, small caps, <sup>, <sub>).

Accents and symbols go through pylatexenc; the markup Zotero keeps as rich text
is lifted out first so that pylatexenc does not flatten it.

>>> to_text(r"P\\"{a}ckert and \\textit{Natrix cetti} --- $\\Sigma^{0}$, DNA$_{2}$")
'Päckert and <i>Natrix cetti</i> — Σ⁰, DNA₂'
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

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
NEEDS_LATEX = re.compile(r"[\\$^_]|--|``|''")
LOGOS = re.compile(r"\\(LaTeXe|LaTeX|TeX|BibTeX|XeTeX|LuaTeX)\b\s?")


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def to_text(value: str) -> str:
    """Unicode text of a BibTeX field value; braces used for case protection are dropped."""
    if not NEEDS_LATEX.search(value):
        return " ".join(value.replace("{", "").replace("}", "").replace("~", " ").split())
    text = LOGOS.sub(lambda m: m.group(1).replace("LaTeXe", "LaTeX2e") + (" " if m.group(0).endswith(" ") else ""), value)
    text = MATH.sub(lambda m: _math(m.group(1)), text)
    for pattern, tag in MARKUP:
        for _ in range(3):
            text = pattern.sub(lambda m, t=tag: f"{OPEN}{t}{OPEN}{m.group(1)}{CLOSE}{t}{CLOSE}", text)
    text = re.sub(r"(?<!\\)~", " ", text).replace("\\\\", " ")
    try:
        text = _converter().latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on malformed input; keep the raw text
        text = text.replace("{", "").replace("}", "")
    text = re.sub(f"{OPEN}(\\w+){OPEN}", lambda m: TAGS[m.group(1)][0], text)
    text = re.sub(f"{CLOSE}(\\w+){CLOSE}", lambda m: TAGS[m.group(1)][1], text)
    return " ".join(text.replace("\u00a0", " ").split())


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
