"""Field builders shared by the structured-record parsers (OAI-PMH, MARC, VuFind JSON, S2 API).

Structured records give names and values as their cataloguers typed them, so these
helpers keep the printed form (case, compressed initials such as ``W.J.``) and only
remove catalogue punctuation: ISBD separators (`` /``, `` :``, trailing ``,``), life
dates and fuller forms in name headings, qualifiers after an ISBN.

>>> heading("Trent, William P. (William Peterfield), 1862-1939")
{'creatorType': 'author', 'firstName': 'William P.', 'lastName': 'Trent'}
>>> heading("Vico, Giambattista, 1668-1744.")["firstName"], heading("Appianus")
('Giambattista', {'creatorType': 'author', 'firstName': '', 'lastName': 'Appianus'})
>>> heading("A.P.E. van Oudenhoven")
{'creatorType': 'author', 'firstName': 'A.P.E.', 'lastName': 'van Oudenhoven'}
>>> isbd_title("Politics otherwise : Shakespeare as social and political critique /")
'Politics otherwise: Shakespeare as social and political critique'
>>> extent_pages("viii, 163 p. ; 22 cm."), extent_pages("XIV, 180 S. 23 cm"), extent_pages("V.")
('viii, 163', 'XIV, 180', '')
"""

from __future__ import annotations

import re

from zotsync import languages
from zotsync.names import PARTICLES, SUFFIXES
from zotsync.text import squash

LIFE_DATES = re.compile(r",?\s*(?:\(?\s*(?:ca\.\s*|b\.\s*|d\.\s*|fl\.\s*)?\d{3,4}\??\s*-\s*(?:\d{3,4}\??)?\s*\)?|\d{3,4}\s*-)\s*\.?$")
FULLER_FORM = re.compile(r"\s*\([^)]*\)")
INITIAL = re.compile(r"^(?:[A-Z]\.|[A-Z]\.-?[A-Z]\.?)")
EDITOR_WORDS = (r"ed\.|eds\.|edited|editor|editors|edit\.|hrsg\.|herausgegeben|herausgeber|a cura di|curat[oa]|"
                r"cur\.|édité|édition|sous la direction|dir\.|edición|editado|coord\.|coordinated|redigiert|red\.")
TRANSLATOR_WORDS = r"translated|transl\.|trans\.|übers\.|übersetzt|traduzione|tradotto|trad\.|traduit|traducción|traducido"
RELATOR_TERMS = {
    "editor": "editor", "ed": "editor", "eds": "editor", "edt": "editor", "hrsg": "editor", "herausgeber": "editor",
    "curatore": "editor", "a cura di": "editor", "éditeur scientifique": "editor", "compiler": "editor", "com": "editor",
    "translator": "translator", "trl": "translator", "tr": "translator", "übersetzer": "translator", "traduttore": "translator",
    "author": "author", "aut": "author", "verfasser": "author", "autore": "author", "cre": "author", "creator": "author",
    "thesis advisor": "contributor", "ths": "contributor", "contributor": "contributor", "ctb": "contributor",
    "illustrator": "contributor", "ill": "contributor", "series editor": "seriesEditor", "performer": "performer",
    "prf": "performer", "director": "director", "drt": "director", "composer": "composer", "cmp": "composer",
}
ABBREVIATION = re.compile(r"(?:^|[\s.(\[-])(?:[^\W\d_]|[a-z]{1,3}|Inc|Ltd|Co|Corp|Jr|Sr|St|Bros|Dr|Mr|Mrs|Aufl|Hrsg|Bd|Jg|"
                          r"[IVXLC]{1,5})\.$")
PAGE_UNITS = (r"p\.|pp\.|pages?|S\.|Seiten|Bl\.|ff\.|leaves|h\.|c\.|pág\.|págs\.|pagine|с\.|стр\.|"
              r"ד'|דף|דפים|עמ'|עמודים")
EXTENT = re.compile(r"^\s*\[?((?:[ivxlcdm]+|\d+)\]?(?:\s*,\s*\[?(?:[ivxlcdm]+|\d+)\]?)*)\s*(?:" + PAGE_UNITS + r")(?=$|[\s.,;:)])",
                    re.I)


def clean_value(text: str | None) -> str:
    """Collapse whitespace and drop ISBD punctuation left at either end (`` :``, `` /``, ``,``, ``;``)."""
    value = squash(text)
    value = re.sub(r"(?:\s+[:/=\-]|\s*[;,])+$", "", value).strip()
    return value


def isbd_title(title: str | None, subtitle: str = "") -> str:
    """A title from catalogue parts: ``' : '`` becomes ``': '``, the responsibility tail and final period go."""
    text = squash(title)
    if subtitle:
        text = f"{clean_value(text).rstrip(':').rstrip()}: {clean_value(subtitle)}"
    text = re.sub(r"\s+/\s*(?:\|c\b.*)?$", "", text)  # " / |c ..." (a literal |c in defective records)
    text = re.sub(r"\s*/\s*$", "", text)
    text = re.sub(r"\s+:\s+", ": ", text)
    text = clean_value(text)
    return strip_period(text)


def strip_period(text: str) -> str:
    """Drop a sentence-final period, not the one of an initial or abbreviation ("U. S.", "bk.", "Inc.")."""
    if text.endswith(".") and not text.endswith("..") and not ABBREVIATION.search(text):
        return text[:-1].rstrip()
    return text


def _strip_heading(text: str) -> str:
    value = squash(text).strip(" ,;")
    value = FULLER_FORM.sub("", value)
    for _ in range(2):
        value = LIFE_DATES.sub("", value).strip(" ,;")
    if value.endswith(".") and not re.search(r"(?:^|[\s.\-])[A-Z]\.$|\b[JS]r\.$", value):
        value = value[:-1].rstrip(" ,")
    return value


def heading(text: str, creator_type: str = "author") -> dict[str, str]:
    """A creator from a name heading, inverted ("Last, First, dates") or natural ("First Last"), as printed."""
    value = _strip_heading(text)
    if "," in value:
        last, _, first = value.partition(",")
        first, _, suffix = first.partition(",")
        first = squash(first) + (f", {squash(suffix)}" if suffix.strip() else "")
        return {"creatorType": creator_type, "firstName": first, "lastName": squash(last)}
    tokens = value.split()
    if not tokens:
        return {"creatorType": creator_type, "name": ""}
    if len(tokens) == 1:
        return {"creatorType": creator_type, "firstName": "", "lastName": tokens[0]}
    end = len(tokens) - 1
    if tokens[end].lower().rstrip(".") in {s.rstrip(".") for s in SUFFIXES} and end > 1:
        end -= 1
    start = end
    while start > 1 and tokens[start - 1].lower() in PARTICLES and tokens[start - 1].islower():
        start -= 1
    return {"creatorType": creator_type, "firstName": " ".join(tokens[:start]), "lastName": " ".join(tokens[start:])}


def corporate(text: str, creator_type: str = "author") -> dict[str, str]:
    return {"creatorType": creator_type, "name": clean_value(text).rstrip(".")}


def relator_role(values: list[str]) -> str:
    """The Zotero creator type a MARC relator term or code names ("" when none is known)."""
    for value in values:
        key = squash(value).lower().strip(" .,;:()[]")
        if key in RELATOR_TERMS:
            return RELATOR_TERMS[key]
    return ""


def role_from_statement(person: dict[str, str], statement: str) -> str:
    """'editor' / 'translator' when a statement of responsibility names this person after such a phrase.

    >>> role_from_statement({"firstName": "Claudia", "lastName": "Pandolfi"}, "Giambattista Vico ; a cura di Claudia Pandolfi.")
    'editor'
    >>> role_from_statement({"firstName": "Janet", "lastName": "Zandy"}, "Dorothy Bryant ; afterword by Janet Zandy.")
    ''
    """
    last = person.get("lastName") or person.get("name") or ""
    if not last or not statement:
        return ""
    for part in re.split(r"\s;\s|\s/\s", statement):
        at = part.find(last)
        if at < 0:
            continue
        before = part[:at].lower()
        if re.search(r"(?:^|[\s\[(])(?:" + EDITOR_WORDS + r")(?:$|[\s\]),])", before):
            return "editor"
        if re.search(r"(?:^|[\s\[(])(?:" + TRANSLATOR_WORDS + r")(?:$|[\s\]),])", before):
            return "translator"
    return ""


def extent_pages(extent: str | None) -> str:
    """The page count of a physical description ("viii, 163 p. ; 22 cm." -> "viii, 163"); "" without a page unit."""
    match = EXTENT.match(squash(extent))
    return match.group(1).replace("[", "").replace("]", "") if match else ""


def language_code(value: str | None) -> str:
    """ISO 639-1 for a language name or code ("en_US", "eng", "Italian"); "" for undetermined or unknown."""
    text = squash(value)
    if not text or text.lower() in {"und", "undetermined", "zxx", "mul", "n/a", "-"}:
        return ""
    code = languages.to_code(text)
    primary = code.split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def year_in(text: str | None) -> str:
    """The first plausible publication year in ``text`` ("[תשס"ה] 2004." -> "2004")."""
    match = re.search(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)", str(text or ""))
    return match.group(1) if match else ""


SCRIPT_LANGUAGES = {
    "hebrew": ({"he", "yi", "lad", "arc", "jrb", "jpr"}, re.compile(r"[\u0590-\u05ff]")),
    "arabic": ({"ar", "fa", "ur", "ps", "ku", "sd", "ug", "ota"}, re.compile(r"[\u0600-\u06ff]")),
    "greek": ({"el", "grc", "gre"}, re.compile(r"[\u0370-\u03ff]")),
}


def language_fits_script(code: str, title: str) -> bool:
    """False when the title is written in a script the language is never written in (a defective 008).

    >>> language_fits_script("pro", "קדסטר תלת-ממדי"), language_fits_script("he", "קדסטר"), language_fits_script("en", "Title")
    (False, True, True)
    """
    letters = [c for c in title if c.isalpha()]
    for languages_of_script, pattern in SCRIPT_LANGUAGES.values():
        if letters and sum(1 for c in letters if pattern.match(c)) > len(letters) / 2:
            return code in languages_of_script
    return True


def root_name(head: str) -> str:
    """Local name of the first element of an XML text ("" when the text does not start as XML)."""
    body = re.sub(r"^\ufeff?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", "", head, flags=re.S)
    match = re.match(r"<(?:[\w.\-]+:)?([\w.\-]+)[\s/>]", body)
    return match.group(1) if match else ""
