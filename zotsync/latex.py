"""LaTeX (as found in BibTeX values) to Unicode and Zotero rich text, without losses.

One small tokenizer and reader: accents become combining marks (composed where
Unicode has the letter, kept combining where not: ``\\={1}`` is "1̄"), letters and
symbols come from a table completed by pylatexenc's, markup becomes Zotero's rich
text (``<i>``, ``<b>``, small caps, ``<sup>``, ``<sub>``), math keeps its
sub/superscripts (Unicode digits where they exist, ``<sub>``/``<sup>`` otherwise),
and case-protecting braces are dropped or, with ``protect=True`` (titles), kept as
``<span class="nocase">`` where they protect a lower-case start, as Zotero's rich
text does. Unknown macros are dropped and their arguments kept. A value without a
backslash, brace, ``$``, ``~`` or TeX ligature is returned at once; short values
are memoised.

>>> to_text(r"P\\"{a}ckert and \\textit{Natrix cetti} --- $\\Sigma^{0}$, DNA$_{2}$")
'Päckert and <i>Natrix cetti</i> — Σ⁰, DNA₂'
>>> to_text(r"{\\v R}eh{\\r u}{\\v r}ek, (11\\=22), (000$\\bar{1}$), {\\'\\i}")
'Řehůřek, (112̄2), (0001̄), í'
>>> to_text(r"driven $t$-$J$ models in {pH} of {\\em Natrix}", protect=True)
'driven <span class="nocase">t</span>-J models in <span class="nocase">pH</span> of <i>Natrix</i>'
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pylatexenc import latex2text, latexwalker

SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
SCRIPT_CHARS = {"^": frozenset("0123456789+-=()n"), "_": frozenset("0123456789+-=()")}
TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sc": ('<span style="small-caps">', "</span>"),
        "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"), "nocase": ('<span class="nocase">', "</span>"),
        "quote": ("\u201c", "\u201d"), "": ("", "")}
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
           ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
           "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361", "G": "\u030f", "U": "\u030e",
           "ocirc": "\u030a", "bar": "\u0304", "overline": "\u0305", "hat": "\u0302", "widehat": "\u0302",
           "tilde": "\u0303", "widetilde": "\u0303", "acute": "\u0301", "grave": "\u0300", "dot": "\u0307",
           "ddot": "\u0308", "breve": "\u0306", "check": "\u030c", "vec": "\u20d7", "underline": "\u0332"}
LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł",
           "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ",
           "NG": "Ŋ", "dj": "đ", "DJ": "Đ", "SS": "SS"}
SYMBOLS = {
    "textendash": "\u2013", "textemdash": "\u2014", "copyright": "©", "textcopyright": "©", "S": "§", "P": "¶",
    "euro": "€", "texteuro": "€", "pounds": "£", "textsterling": "£", "textmu": "µ", "ldots": "…", "dots": "…",
    "textellipsis": "…", "textbackslash": "\\", "backslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textquotesingle": "'", "textquotedbl": '"', "textbar": "|", "textless": "<", "textgreater": ">",
    "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«", "guillemetright": "»", "quotedblbase": "„",
    "quotesinglbase": "‚", "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "textregistered": "®", "texttrademark": "™", "textdegree": "°", "degree": "°",
    "textperiodcentered": "·", "textbullet": "•", "dag": "†", "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e", "XeTeX": "XeTeX", "LuaTeX": "LuaTeX",
    "textunderscore": "_", "textdollar": "$", "textpercent": "%", "textexclamdown": "¡", "textquestiondown": "¿",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan", "max": "max", "min": "min",
    "lim": "lim", "det": "det", "langle": "⟨", "rangle": "⟩", "le": "≤", "ge": "≥", "textmu*": "µ",
}
CONTROL_SYMBOLS = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", "\n": " ",
                   ",": "\u2009", ";": " ", ":": " ", "!": "", "/": "", "-": "\u00ad", "\\": " ", "@": "",
                   "|": "‖"}
MARKUP = {"textit": "i", "emph": "i", "textsl": "i", "mkbibemph": "i", "mkbibitalic": "i", "textbf": "b",
          "mkbibbold": "b", "textsc": "sc", "mkbibsc": "sc", "textsuperscript": "sup", "mkbibsuperscript": "sup",
          "textsubscript": "sub", "mkbibsubscript": "sub", "enquote": "quote", "mkbibquote": "quote",
          "textup": "", "textrm": "", "textnormal": "", "textsf": "", "texttt": "", "textmd": "", "mbox": "",
          "hbox": "", "text": "", "mathrm": "", "mathit": "", "mathbf": "", "mathsf": "", "mathtt": "",
          "mathnormal": "", "ensuremath": "", "NoCaseChange": "", "nocase": "", "operatorname": "",
          "boldsymbol": "", "bm": "", "mathcal": "", "mathscr": "", "mathfrak": "", "uppercase": "",
          "lowercase": "", "MakeUppercase": "", "MakeLowercase": "", "textcolor*": ""}
SWITCHES = {"em": "i", "it": "i", "itshape": "i", "sl": "i", "slshape": "i", "bf": "b", "bfseries": "b",
            "sc": "sc", "scshape": "sc", "rm": "", "tt": "", "sf": "", "normalfont": "", "upshape": "",
            "small": "", "large": "", "Large": "", "footnotesize": "", "scriptsize": "", "tiny": "",
            "normalsize": "", "huge": "", "Huge": "", "mdseries": ""}
DROPPED_WITH_ARGUMENT = {"noopsort", "cite", "label", "ref", "hspace", "vspace", "textcolor", "color", "bibcyr"}
DROPPED = {"relax", "protect", "left", "right", "big", "Big", "bigl", "bigr", "displaystyle", "textstyle",
           "scriptstyle", "scriptscriptstyle", "noindent", "par", "newline", "linebreak", "allowbreak", "hfill",
           "quad", "qquad", "null", "leavevmode", "unskip", "ignorespaces"}
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "H": "ℍ", "E": "𝔼", "F": "𝔽"}
TOKEN = re.compile(r"\\([A-Za-z]+)\s*|\\(.)|([{}$~^_])|(---|--|``|'')|([^\\{}$~^_`'-]+)|(.)", re.S)
PROTECT = ("\ue000", "\ue001")  # private-use marks around case-protected text (``to_text(marks=True)``)
NEEDS_WORK = re.compile(r"[\\{}$~]|--|``|''")
LONG = 300


@cache
def _pylatexenc_symbols() -> dict[str, str]:
    """Argument-free macros pylatexenc knows as plain text (Greek letters, math symbols, ...)."""
    db = latex2text.get_default_latex_context_db()
    arity = latexwalker.get_default_latex_context_db()
    out: dict[str, str] = {}
    for category in db.category_list:
        for name, spec in db.d[category]["macros"].items():
            replacement = spec.simplify_repl
            walker_spec = arity.get_macro_spec(name)
            takes_arguments = walker_spec is not None and walker_spec.args_parser.argspec.strip("*")
            if isinstance(replacement, str) and "%" not in replacement and not takes_arguments:
                out[name] = replacement
    return out


def to_text(value: str, protect: bool = False, marks: bool = False) -> str:
    """Unicode (and Zotero rich text) of a BibTeX field value.

    With ``marks``, the text BibTeX would not change the case of (a braced group that does not
    start with a macro, a macro's braced argument, math) is put between ``PROTECT`` marks instead
    of being judged for ``<span class="nocase">`` here: ``zotsync.sentence_case`` reads them."""
    if not NEEDS_WORK.search(value):
        return " ".join(value.split())
    if len(value) > LONG:
        return _convert(value, protect, marks)
    return _cached(value, protect, marks)


@lru_cache(maxsize=32768)
def _cached(value: str, protect: bool, marks: bool) -> str:
    return _convert(value, protect, marks)


def _convert(value: str, protect: bool, marks: bool = False) -> str:
    try:
        text = _Reader(value, protect, marks).group(depth=0, math=False)
    except RecursionError:  # braces nested hundreds deep: no markup to keep, only the text
        text = verbatim(value)
    return " ".join(text.replace("\u00a0", " ").split())


class _Reader:
    """A recursive reader over the tokens of one value."""

    def __init__(self, value: str, protect: bool, marks: bool = False) -> None:
        self.tokens: list[list[str]] = [[str(m.lastindex), m.group(m.lastindex or 0), m.group(0)]
                                        for m in TOKEN.finditer(value)]
        self.position = 0
        self.protect = protect
        self.marks = marks

    def group(self, depth: int, math: bool) -> str:
        """Read up to the ``}`` closing this group (or ``$`` ending math, or the end of the value)."""
        out: list[str] = []
        after_macro = False
        while self.position < len(self.tokens):
            kind, text, _ = self.tokens[self.position]
            self.position += 1
            if kind == "3":
                if text == "}":
                    if depth:
                        return "".join(out)
                    continue
                if text == "{":
                    out.append(self._braced(depth, math, after_macro))
                elif text == "$":
                    if math:
                        return "".join(out)
                    out.append(self._math())
                elif text == "~":
                    out.append(" ")
                else:
                    out.append(self._script(text) if math else text)
                after_macro = False
                continue
            after_macro = False
            if kind == "1":
                if text in SWITCHES and not math:
                    open_tag, close_tag = TAGS[SWITCHES[text]]
                    return "".join(out) + open_tag + self.group(depth, math) + close_tag
                converted, after_macro = self._macro(text, math)
                out.append(converted)
            elif kind == "2":
                out.append(self._control_symbol(text, math))
            elif kind == "4":
                out.append({"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d"}[text])
            else:
                out.append(text)
        return "".join(out)

    def _braced(self, depth: int, math: bool, after_macro: bool) -> str:
        starts_with_macro = self.position < len(self.tokens) and self.tokens[self.position][0] in "12"
        start = self.position
        inner = self.group(depth + 1, math)
        whole = depth == 0 and start == 1 and self.position == len(self.tokens)
        if self.marks and not math:  # braces around the whole value (Mendeley, JabRef) single nothing out
            return inner if starts_with_macro or whole else PROTECT[0] + inner + PROTECT[1]
        if (self.protect and not math and not after_macro and not starts_with_macro and not whole
                and _lower_start(inner)):
            return TAGS["nocase"][0] + inner + TAGS["nocase"][1]
        return inner

    def _math(self) -> str:
        inner = self._math_body()
        if self.marks:
            return PROTECT[0] + inner + PROTECT[1]
        if self.protect and _lower_start(inner) and not inner.startswith("<"):
            return TAGS["nocase"][0] + inner + TAGS["nocase"][1]
        return inner

    def _math_body(self) -> str:
        out: list[str] = []
        while self.position < len(self.tokens):
            kind, text, _ = self.tokens[self.position]
            if kind == "3" and text == "$":
                self.position += 1
                break
            if kind == "3" and text == "}":  # a brace closing outside the math: the math was never closed
                break
            out.append(self._one(math=True))
        return "".join(out)

    def _one(self, math: bool) -> str:
        """One token (with its arguments) converted."""
        kind, text, raw = self.tokens[self.position]
        self.position += 1
        if kind == "3":
            if text == "{":
                return self.group(1, math)
            if text in "^_":
                return self._script(text) if math else text
            return " " if text == "~" else ""
        if kind == "1":
            converted = self._macro(text, math)[0]
            return converted + " " if math and raw[-1:].isspace() else converted  # math keeps its spacing
        if kind == "2":
            return self._control_symbol(text, math)
        if kind == "4":
            return {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d"}[text]
        return text

    def _argument(self, math: bool) -> str:
        """The next argument: a braced group, a macro, or the next single character."""
        while self.position < len(self.tokens) and self.tokens[self.position][0] == "5" \
                and not self.tokens[self.position][1].strip():
            self.position += 1
        if self.position >= len(self.tokens):
            return ""
        kind, text, _ = self.tokens[self.position]
        if kind in "56" and len(text) > 1:
            self.tokens[self.position][1] = text[1:]
            return text[0]
        return self._one(math)

    def _next_is_group(self) -> bool:
        """The next token, spaces passed over, opens a braced group."""
        position = self.position
        while position < len(self.tokens) and self.tokens[position][0] == "5" and not self.tokens[position][1].strip():
            position += 1
        return position < len(self.tokens) and self.tokens[position][1] == "{"

    def _raw_argument(self) -> str:
        """A braced argument as written (a URL): braces and escapes removed, nothing converted."""
        if self.position >= len(self.tokens) or self.tokens[self.position][1] != "{":
            return ""
        depth, out = 0, []
        while self.position < len(self.tokens):
            kind, text, raw = self.tokens[self.position]
            self.position += 1
            depth += (text == "{" and kind == "3") - (text == "}" and kind == "3")
            if depth == 0:
                break
            out.append(raw)
        return verbatim("".join(out))

    def _script(self, mark: str) -> str:
        content = self._argument(math=True)
        if content and set(content) <= SCRIPT_CHARS[mark]:
            return content.translate(SUPERSCRIPTS if mark == "^" else SUBSCRIPTS)
        return TAGS["sup" if mark == "^" else "sub"][0] + content + TAGS["sup" if mark == "^" else "sub"][1]

    def _macro(self, name: str, math: bool) -> tuple[str, bool]:
        """A control word converted; the flag says its argument (if any) is still to come as a group."""
        if name in ACCENTS and (name in "uvHckrdbtGU" or len(name) > 1):
            return _accent(self._argument(math), ACCENTS[name]), False
        if name in LETTERS:
            return LETTERS[name], False
        if name in MARKUP:
            braced = self.marks and not math and self._next_is_group()
            content = self._argument(math)
            open_tag, close_tag = TAGS[MARKUP[name]]
            if not content:
                return "", False
            if braced and open_tag.startswith("<"):  # protected: the markup and all in it (BibTeX)
                return PROTECT[0] + open_tag + content + close_tag + PROTECT[1], False
            if braced:  # quotation marks are text: what they enclose is protected
                return open_tag + PROTECT[0] + content + PROTECT[1] + close_tag, False
            return open_tag + content + close_tag, False
        if name == "mathbb":
            content = self._argument(math)
            return "".join(DOUBLE_STRUCK.get(c, c) for c in content), False
        if name == "href":
            self._raw_argument()
            return self._argument(math), False
        if name == "url":
            return self._raw_argument(), False
        if name in DROPPED_WITH_ARGUMENT:
            self._argument(math)
            return "", False
        if name in DROPPED:
            return "", False
        if name in SYMBOLS:
            return SYMBOLS[name], False
        symbol = _pylatexenc_symbols().get(name)
        if symbol is not None:
            return symbol, False
        return "", True  # unknown: dropped, its arguments read as text

    def _control_symbol(self, char: str, math: bool) -> str:
        if char in ACCENTS:
            return _accent(self._argument(math), ACCENTS[char])
        return CONTROL_SYMBOLS.get(char, char)


def _accent(base: str, mark: str) -> str:
    if not base:
        return {"\u0303": "~", "\u0302": "^", "\u0301": "´", "\u0300": "`", "\u0308": "¨"}.get(mark, "")
    first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])
    return unicodedata.normalize("NFC", first + mark) + base[1:]


def _lower_start(text: str) -> bool:
    plain = re.sub(r"<[^>]*>", "", text).lstrip()
    return bool(plain) and plain[0].islower()


def verbatim(value: str) -> str:
    """A URL, DOI or other identifier: braces and escapes removed, nothing else touched."""
    text = value.replace("{", "").replace("}", "")
    for escape in ("\\&", "\\%", "\\#", "\\_", "\\$", "\\~"):
        text = text.replace(escape, escape[1])
    return " ".join(text.split())
