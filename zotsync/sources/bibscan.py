"""A fast, exact BibTeX scanner: the file split into entries, each entry into its fields.

``split(text)`` yields one ``Chunk`` per ``@`` block (entries, ``@string``,
``@preamble``, ``@comment``) with its type, key, first line and raw text, cheaply:
the file is cut at every line that opens a block, and brace counts are checked
with ``str.count``. The raw text is what a per-entry content hash will be kept
of, so that an unchanged entry need not be read again.

``read(chunk, macros)`` reads one entry's fields with BibTeX's own value
grammar: ``{…}`` and ``"…"`` values (nested braces kept for the LaTeX stage),
bare numbers, macros (``@string`` and the month names) and ``#``
concatenation. What it cannot read is returned as a ``Problem`` with its line;
an undefined macro is kept as its name, as BibTeX itself does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
    "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}
SPECIAL = frozenset({"string", "preamble", "comment"})
# A block opens where a line starts with "@type{" or "@type(" (BibTeX allows both delimiters).
BLOCK_AT_LINE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w:-]*)[ \t]*([{(])", re.M)
BLOCK_ANYWHERE = re.compile(r"@[ \t]*([A-Za-z][\w:-]*)[ \t]*([{(])")
KEY = re.compile(r"\s*([^\s,={}()\"#%]*)\s*")
NAME = re.compile(r"\s*([^\s,={}()\"#%]+)\s*")
BARE = re.compile(r"[^\s,#{}()\"=%]+")
SPACE = re.compile(r"\s*")
# A braced value up to three levels deep in one regex match; deeper ones are walked.
BRACED = re.compile(r"\{((?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+)\}")
QUOTED = re.compile(r'"((?:[^"{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+)"')


@dataclass(frozen=True, slots=True)
class Chunk:
    """One ``@`` block: its type (lower case), key, 1-based first line and raw text."""

    kind: str
    key: str
    line: int
    text: str


@dataclass(slots=True)
class Problem:
    message: str
    line: int
    fatal: bool = True  # the entry cannot be imported; otherwise a warning about a kept entry


@dataclass(slots=True)
class Entry:
    kind: str
    key: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def split(text: str) -> Iterator[Chunk]:
    """Every ``@`` block of ``text`` in file order; text between blocks is a comment (as in BibTeX)."""
    starts = [(m.start(), m.group(1)) for m in BLOCK_AT_LINE.finditer(text)]
    line, position = 1, 0
    for index, (start, kind) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        line += text.count("\n", position, start)
        position = start
        yield from _blocks(text[start:end].lstrip(" \t"), kind, line)


def _blocks(raw: str, kind: str, line: int) -> Iterator[Chunk]:
    """The block at the start of ``raw`` and any other block later on the same stretch of text."""
    while True:
        end = _block_end(raw)
        body = raw if end is None else raw[:end]
        yield Chunk(kind.lower(), _key(body, kind), line, body)
        rest = raw[end:] if end is not None else ""
        match = BLOCK_ANYWHERE.search(rest)
        if not match or "@" not in rest:
            return
        line += rest.count("\n", 0, match.start())
        raw, kind = rest[match.start():], match.group(1)


def _block_end(raw: str) -> int | None:
    """Index just past the block's closing delimiter, or None when it never closes."""
    opening = raw.index("{") if raw.find("{") != -1 and (raw.find("(") == -1 or raw.find("{") < raw.find("(")) \
        else raw.index("(")
    if raw[opening] == "{":
        last = raw.rstrip()
        if last.endswith("}") and "@" not in raw[opening:] and raw.count("{") == raw.count("}"):
            return len(last)  # balanced, and no second block can hide in it: it ends at its last brace
        return _closes_at(raw, opening)
    return _paren_end(raw, opening)


def _closes_at(raw: str, opening: int) -> int | None:
    depth, position = 0, opening
    while True:
        next_open = raw.find("{", position)
        next_close = raw.find("}", position)
        if next_close == -1:
            return None
        if next_open != -1 and next_open < next_close:
            depth += 1
            position = next_open + 1
            continue
        depth -= 1
        position = next_close + 1
        if depth == 0:
            return position


def _paren_end(raw: str, opening: int) -> int | None:
    """End of a ``@type( … )`` block: the first ``)`` outside braces and quotes."""
    depth, quoted = 0, False
    for index in range(opening + 1, len(raw)):
        char = raw[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == ")" and depth == 0 and not quoted:
            return index + 1
    return None


def _quote_end(text: str, position: int) -> int | None:
    """End of a quoted value nested deeper than the regex reaches: the next ``"`` outside braces."""
    depth = 0
    for index in range(position + 1, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return index + 1
    return None


def _key(body: str, kind: str) -> str:
    if kind.lower() in SPECIAL:
        return ""
    start = body.find("{") if body.find("(") == -1 or -1 < body.find("{") < body.find("(") else body.find("(")
    match = KEY.match(body, start + 1)
    key = match.group(1) if match else ""
    after = body[match.end():match.end() + 1] if match else ""
    return "" if after == "=" else key


# ---------------------------------------------------------------- fields


def read(chunk: Chunk, macros: dict[str, str]) -> Entry:
    """The fields of one entry chunk (names lower-cased, values raw LaTeX), with what went wrong."""
    entry = Entry(chunk.kind, chunk.key, chunk.line)
    text = chunk.text
    paren = _opener(text) == "("
    closer = ")" if paren else "}"
    position = _after_key(entry, text, closer)
    while position < len(text):
        position = SPACE.match(text, position).end()  # type: ignore[union-attr]
        if position >= len(text):
            break
        if text[position] == closer:
            return entry
        if text[position] == ",":
            position += 1
            continue
        match = NAME.match(text, position)
        if not match or text[match.end():match.end() + 1] != "=":
            entry.problems.append(Problem(f"unreadable text {_snippet(text, position)!r}",
                                          _line(chunk, text, position)))
            return entry
        name = match.group(1).lower()
        value, position, ok = _value(entry, chunk, text, match.end() + 1, macros, closer)
        if not ok:
            return entry
        if name not in entry.fields:
            entry.fields[name] = value
        else:
            entry.problems.append(Problem(f"field {name!r} given twice; the first value is kept",
                                          _line(chunk, text, match.start()), fatal=False))
        position = SPACE.match(text, position).end()  # type: ignore[union-attr]
        if position < len(text) and text[position] not in ",)}" and NAME.match(text, position):
            entry.problems.append(Problem(f"no comma after field {name!r}; read as if there were one",
                                          _line(chunk, text, position), fatal=False))
    entry.problems.append(Problem("entry never closes (unbalanced braces); its fields up to here are kept",
                                  chunk.line, fatal=False))
    return entry


def read_string(chunk: Chunk, macros: dict[str, str]) -> list[Problem]:
    """Define the ``@string`` macro(s) of ``chunk`` in ``macros`` (names are case-insensitive)."""
    entry = read(Chunk("string", "", chunk.line, _as_string_entry(chunk.text)), macros)
    for name, value in entry.fields.items():
        macros[name] = value
    return entry.problems


def _as_string_entry(text: str) -> str:
    """``@string{name = value}`` read like an entry with no key."""
    opening = text.find(_opener(text))
    return text[:opening + 1] + " ," + text[opening + 1:]


def _opener(text: str) -> str:
    brace, paren = text.find("{"), text.find("(")
    return "(" if paren != -1 and (brace == -1 or paren < brace) else "{"


def _after_key(entry: Entry, text: str, closer: str) -> int:
    """Position after ``@type{key,``; a missing comma is reported and read past."""
    opening = text.find(_opener(text))
    match = KEY.match(text, opening + 1)
    assert match is not None
    position = match.end()
    if position < len(text) and text[position] == ",":
        return position + 1
    if position < len(text) and text[position] == "=":  # no key at all: fields start at once
        entry.problems.append(Problem("entry has no citation key", entry.line, fatal=False))
        return opening + 1
    if match.group(1) and position < len(text) and text[position] != closer:
        entry.problems.append(Problem(f"no comma after the key {entry.key!r}; read as if there were one",
                                      entry.line, fatal=False))
    return position


def _value(entry: Entry, chunk: Chunk, text: str, position: int, macros: dict[str, str],
           closer: str) -> tuple[str, int, bool]:
    """One field value (parts joined by ``#``): the text, the position after it, and whether it was read."""
    parts: list[str] = []
    while True:
        position = SPACE.match(text, position).end()  # type: ignore[union-attr]
        char = text[position:position + 1]
        if char == "{":
            match = BRACED.match(text, position)
            if match:
                parts.append(match.group(1))
                position = match.end()
            else:
                end = _closes_at(text, position)
                if end is None:
                    entry.problems.append(Problem(f"field value never closes (unbalanced braces), "
                                                  f"from {_snippet(text, position)!r}",
                                                  _line(chunk, text, position)))
                    return "", len(text), False
                parts.append(text[position + 1:end - 1])
                position = end
        elif char == '"':
            match = QUOTED.match(text, position)
            end = match.end() if match else _quote_end(text, position)
            if end is None:
                entry.problems.append(Problem(f"quoted value never closes, from {_snippet(text, position)!r}",
                                              _line(chunk, text, position)))
                return "", len(text), False
            parts.append(text[position + 1:end - 1])
            position = end
        else:
            match = BARE.match(text, position)
            if not match:
                entry.problems.append(Problem(f"missing value at {_snippet(text, position)!r}",
                                              _line(chunk, text, position)))
                return "", len(text), False
            parts.append(_macro(entry, chunk, text, match, macros))
            position = match.end()
        position = SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text[position:position + 1] != "#":
            return "".join(parts), position, True
        position += 1


def _macro(entry: Entry, chunk: Chunk, text: str, match: re.Match[str], macros: dict[str, str]) -> str:
    word = match.group(0)
    if word.isdigit():
        return word
    lower = word.lower()
    if lower in macros:
        return macros[lower]
    if lower in MONTH_MACROS:
        return MONTH_MACROS[lower]
    entry.problems.append(Problem(f"undefined macro {word!r}; kept as its name", _line(chunk, text, match.start()),
                                  fatal=False))
    return word


def _line(chunk: Chunk, text: str, position: int) -> int:
    return chunk.line + text.count("\n", 0, position)


def _snippet(text: str, position: int) -> str:
    return " ".join(text[position:position + 40].split())
