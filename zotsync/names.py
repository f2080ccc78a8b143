"""Personal and corporate names to Zotero creators.

Italian, Spanish and Dutch compound surnames stay whole: everything after the
given names or initials is the surname when it starts with a particle
("A. De Luca" -> De Luca), unlike Zotero's cleanAuthor which keeps only the
last word.

>>> person("S. Gilardi")
{'creatorType': 'author', 'firstName': 'S.', 'lastName': 'Gilardi'}
>>> person("ROSSIGNOLI, Cecilia")
{'creatorType': 'author', 'firstName': 'Cecilia', 'lastName': 'Rossignoli'}
>>> person("Maria Della Rocca")["lastName"], person("A. De Luca")["lastName"]
('Della Rocca', 'De Luca')
>>> person("E H Wagner")["firstName"]
'E. H.'
>>> person("De Luca A. M.")
{'creatorType': 'author', 'firstName': 'A. M.', 'lastName': 'De Luca'}
"""

from __future__ import annotations

import re

from zotsync.text import name_case, squash

PARTICLES = frozenset(
    "de del della delle dei degli di da dal dalla dallo lo la le li van von der den ter "
    "ten du des dos das do al el bin ibn st st. mac".split()
)
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
INITIAL_RE = re.compile(r"^(?:[A-Z]\.?-?)+$|^[A-Z]\.(?:-?[A-Z]\.)*$")


def _is_initials(token: str) -> bool:
    return bool(INITIAL_RE.match(token)) and len(token.replace(".", "").replace("-", "")) <= 3


def _dot_initials(token: str) -> str:
    """'JR' -> 'J. R.', 'J.' -> 'J.', 'J' -> 'J.'"""
    letters = token.replace(".", "").replace("-", "")
    if token.isupper() and len(letters) <= 3 and "-" not in token:
        return " ".join(f"{c}." for c in letters)
    return token if token.endswith(".") or len(letters) > 1 else token + "."


INSTITUTION_WORDS = frozenset(
    "università universita university universidad universidade universität universitat université archivio archive "
    "archiv repository repositorio istituzionale institutional institucional research ricerca forschung library "
    "biblioteca bibliothek bibliothèque department dipartimento departamento institute istituto instituto institut "
    "catalogue catalogo katalog system sistema portal portale".split())


def looks_institutional(text: str) -> bool:
    """Words of an institution or site name ("Archivio Istituzionale della Ricerca"): not a person.

    >>> looks_institutional("Archivio Istituzionale della Ricerca"), looks_institutional("Maria Della Rocca")
    (True, False)
    """
    return any(word.strip(".,;:()").casefold() in INSTITUTION_WORDS for word in text.split())


def corporate(name: str, creator_type: str = "author") -> dict[str, str]:
    return {"creatorType": creator_type, "name": squash(name)}


def person(text: str, creator_type: str = "author") -> dict[str, str]:
    """A creator from "Last, First", "First Last" or "F. Last"."""
    raw = squash(text).strip(" ,;")
    if "," in raw:
        last, _, first = raw.partition(",")
        first, _, suffix = first.partition(",")
        first = squash(first)
        if suffix.strip():
            first = f"{first}, {suffix.strip()}"
        # an inverted name keeps its given names as written ("Oliveira, A"), only the case is repaired
        return _creator(creator_type, name_case(first) if len(first) > 3 else first, name_case(squash(last)))
    tokens = raw.split(" ")
    if len(tokens) == 1:
        return {"creatorType": creator_type, "name": name_case(raw)}
    trailing = _trailing_initials(tokens)
    if trailing:  # "Rossi M." / "De Luca A. M.": surname first, initials after, no comma
        first = " ".join(_dot_initials(t) for t in tokens[-trailing:])
        return _creator(creator_type, first, name_case(" ".join(tokens[:-trailing])))
    split = _surname_start(tokens)
    first = " ".join(_dot_initials(t) if _is_initials(t) else t for t in tokens[:split])
    return _creator(creator_type, _first_case(first), name_case(" ".join(tokens[split:])))


def _trailing_initials(tokens: list[str]) -> int:
    """How many tokens at the end are initials after a surname ("Rossi M." -> 1); 0 otherwise."""
    count = 0
    while count < len(tokens) - 1 and _is_initials(tokens[-1 - count]) and "." in tokens[-1 - count]:
        count += 1
    if count and not any(_is_initials(t) for t in tokens[:-count]):
        return count
    return 0


def _surname_start(tokens: list[str]) -> int:
    """Index of the first surname token in a "First [von] Last" name."""
    last = len(tokens) - 1
    if tokens[last].lower().rstrip(".") in SUFFIXES and last > 1:
        last -= 1
    start = last
    while start > 1 and tokens[start - 1].lower() in PARTICLES:
        start -= 1
    if all(_is_initials(t) for t in tokens[:start]):
        return start
    if start == last and start > 1 and tokens[start - 1][:1].isupper() and tokens[start - 1].lower() in PARTICLES:
        return start - 1
    return start


def _first_case(first: str) -> str:
    tokens = first.split()
    if len(tokens) == 1 and tokens[0].isupper() and len(tokens[0]) <= 3 and tokens[0].isalpha():
        return _dot_initials(tokens[0])
    return name_case(first)


def _creator(creator_type: str, first: str, last: str) -> dict[str, str]:
    if not last:
        return {"creatorType": creator_type, "name": first}
    return {"creatorType": creator_type, "firstName": first, "lastName": last}


def split_list(text: str) -> list[str]:
    """Split an author list on ';' (IRIS, Highwire) or, failing that, on ' and '."""
    text = squash(text)
    parts = text.split(";") if ";" in text else re.split(r"\s+(?:and|e|y|und|&)\s+", text)
    return [p.strip(" ,.") for p in parts if p.strip(" ,.")]


def pair_inverted(text: str) -> list[str]:
    """Re-pair a flat 'Last, First, Last, First' list into 'Last, First' names."""
    parts = [p.strip() for p in squash(text).split(",") if p.strip()]
    return [f"{parts[i]}, {parts[i + 1]}" if i + 1 < len(parts) else parts[i]
            for i in range(0, len(parts), 2)]


# ---------------------------------------------------------------- catalogue author headings

LIFE_DATES = re.compile(r"^(?:(?:b\.|d\.|ca\.|born|died|geb\.|gest\.|n\.|m\.)\s*)?\d{3,4}\??\s*[-–]?\s*(?:\d{2,4}\??)?\.?$"
                        r"|^\d{1,2}\.\s*(?:jh|jahrhundert|cent|century|sec)\.?", re.I)
TRAILING_DATES = re.compile(r"\s+\(?(?:b\.\s*|d\.\s*)?\d{3,4}\??\s*[-–]\s*(?:\d{2,4}\??)?\)?\.?$")
ROLE_ABBREVIATIONS = {"hrsg": "edt", "hg": "edt", "hgg": "edt", "ed": "edt", "eds": "edt", "edt": "edt", "editor": "edt",
                      "a cura di": "edt", "cur": "edt", "curatore": "edt", "trad": "trl", "transl": "trl", "trans": "trl",
                      "übers": "trl", "tr": "trl", "ill": "ill", "illus": "ill", "comp": "com", "aut": "aut", "verfasser": "aut",
                      "verfasserin": "aut", "author": "aut", "autor": "aut", "autore": "aut", "dir": "drt"}
CREATOR_TYPE_OF_ROLE = {"aut": "author", "cre": "author", "edt": "editor", "trl": "translator", "com": "editor",
                        "rev": "reviewedAuthor"}


def role_of(term: str) -> str:
    """MARC relator code for a role term printed after a catalogue heading ("" when it is none)."""
    from zotsync.sources import labels  # the lexicon lives with the sources

    text = term.strip(" .,;()[]").casefold()
    return ROLE_ABBREVIATIONS.get(text.rstrip(".")) or labels.role_code(text)


def creator_type_of_role(code: str, default: str = "author") -> str:
    if not code:
        return default
    return CREATOR_TYPE_OF_ROLE.get(code, "contributor")


def split_headings(text: str) -> list[tuple[str, str]]:
    """Catalogue headings in one string to ``(name, relator code)`` pairs.

    A heading is ``Surname, Given[, life dates][, role…]``; several may be joined by commas
    or semicolons (VuFind prints them that way once the links are gone). Life dates and
    role terms are taken off the name, never left in it.

    >>> split_headings("Eco, Umberto, 1932-2016")
    [('Eco, Umberto', '')]
    >>> split_headings("Hacking, Ian, 1936-2023, writer of introduction")
    [('Hacking, Ian', 'win')]
    >>> split_headings("Batalden, Maren, Batalden, Paul")
    [('Batalden, Maren', ''), ('Batalden, Paul', '')]
    >>> split_headings("Levi, Primo (1919-1987)")
    [('Levi, Primo', '')]
    >>> split_headings("Rossi, Paolo (Hrsg.); Bianchi, Anna [Übers.]")
    [('Rossi, Paolo', 'edt'), ('Bianchi, Anna', 'trl')]
    """
    out: list[tuple[str, str]] = []
    for chunk in re.split(r"\s*;\s*", squash(text)):
        out += _headings_in(chunk)
    return [(name, role) for name, role in out if name]


def _headings_in(chunk: str) -> list[tuple[str, str]]:
    tokens: list[str] = []
    for part in (p.strip() for p in chunk.split(",")):
        part = TRAILING_DATES.sub("", part) if not LIFE_DATES.match(part) else part  # "Umberto 1932-2016"
        bracket = re.match(r"^(.*?)\s*[(\[]([^()\[\]]+)[)\]]\.?$", part)
        if bracket and role_of(bracket.group(2)):
            tokens += [bracket.group(1), bracket.group(2)] if bracket.group(1) else [bracket.group(2)]
        elif part:
            tokens.append(part)
    out: list[tuple[str, str]] = []
    name: list[str] = []
    role = ""
    for token in tokens:
        if LIFE_DATES.match(token):
            continue
        code = role_of(token)
        if code and name:
            role = role or code
            continue
        if len(name) == 2:
            out.append((", ".join(name), role))
            name, role = [], ""
        name.append(token)
    if name:
        out.append((", ".join(name), role))
    return out
