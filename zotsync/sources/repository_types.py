"""Repository (IRIS / DSpace-CRIS) type labels, Italian or English, to Zotero item types."""

from __future__ import annotations

import re

# Order matters: the most specific patterns first ("atti di convegno ... in rivista"
# is a conference paper, not an article).
TYPE_PATTERNS: list[tuple[str, str, str]] = [
    (r"tesi di dottorato|dottorato di ricerca|doctoral thesis|ph\.? ?d\.? thesis|dissertation|tesis doctoral|"
     r"tese de doutorado|doktorarbeit", "thesis", "doctoral"),
    (r"tesi di laurea|master'?s? thesis|bachelor'?s? thesis|\btesi\b|\bthesis\b|\btesis\b|\btese\b|abschlussarbeit|"
     r"hochschulschrift|dissertação|disertación", "thesis", "other"),
    (r"atti di convegno|conference (?:object|paper|proceeding)|proceedings? paper|\bconvegno\b|congress|"
     r"in proceedings|conference contribution", "conferencePaper", ""),
    (r"\bposter\b|presentazione|\bpresentation\b|\btalk\b|relazione a convegno", "presentation", ""),
    (r"\bvoce\b|encyclopedia|enciclopedia|dizionario|dictionary entry", "encyclopediaArticle", ""),
    (r"recensione|\breview\b", "journalArticle", ""),
    (r"contributo in volume|capitolo|book part|book chapter|\bchapter\b|\bsaggio\b|part of book|in volume|"
     r"cap[íi]tulo|buchbeitrag|\bkapitel\b|sammelwerksbeitrag", "bookSection", ""),
    (r"curatela|book \(editor\)|edited book|edited volume", "book", "editor"),
    (r"monografia|book \(author\)|\bbook\b|\blibro\b|trattato|\blivro\b|\bbuch\b|monograf[íi]a", "book", ""),
    (r"articolo|\barticle\b|contributo in rivista|\brivista\b|\bjournal\b|periodico|art[íi]culo|\bartigo\b|"
     r"zeitschriftenartikel|\bartikel\b|\baufsatz\b", "journalArticle", ""),
    (r"brevetto|\bpatent\b", "patent", ""),
    (r"working paper|technical report|\breport\b|rapporto|\binforme\b|relat[óo]rio|\bbericht\b", "report", ""),
    (r"preprint", "preprint", ""),
    (r"\bdataset\b|banca dati", "dataset", ""),
    (r"software", "computerProgram", ""),
]
NUMERIC_PREFIX = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s*[-–.]?\s*")


def type_from_label(label: str) -> tuple[str, str] | None:
    """(itemType, hint) for a repository type label, or None.

    >>> type_from_label("Book Part (author)")
    ('bookSection', '')
    >>> type_from_label("1.07 Contributo in atti di convegno pubblicato in rivista")
    ('conferencePaper', '')
    >>> type_from_label("Curatela")
    ('book', 'editor')
    """
    text = NUMERIC_PREFIX.sub("", label).lower()
    for pattern, item_type, hint in TYPE_PATTERNS:
        if re.search(pattern, text):
            return item_type, hint
    return None


def looks_like_type_label(line: str) -> bool:
    """A short line that is only a type label ("Article (author)", "2.1 Contributo in volume")."""
    text = NUMERIC_PREFIX.sub("", line).strip()
    if not text or len(text) > 80 or ";" in text or text.endswith("."):
        return False
    if len(text.split()) > 9:
        return False
    return type_from_label(text) is not None and not re.search(r"[:?!]", text)
