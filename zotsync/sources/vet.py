"""The precision rule: every value is checked for its shape before it leaves any parser.

``vet`` runs once on what a parser returns (``parse_text`` calls it). A value that fails its
check is dropped, never repaired or guessed; an item left with no title and no identifier
is not emitted, and that is reported through the document's problems channel.

* A person's name looks like a name: no colon, no life dates (``1934-``, ``1932-2016``), no
  role word (``writer of introduction``, ``Hrsg.``, ``a cura di``); on a page also no digit
  and no interface label. A single-field creator that is only dates or punctuation goes;
  corporate names (``3M``, ``World Health Organization``) stay.
* On a page, a title has letters or digits, is not a URL, not an interface string
  (``Descripción``, ``|``, ``Please use this identifier to cite or link to this item: ...``)
  and not a sentence lifted from the item's abstract.
* A date has a digit; on a page it must be a real calendar date (``dates.to_iso`` makes it ISO).
* On a page, a language is one a code can name (not ``Undetermined`` or ``ohne Angabe``).
* Identifiers pass their checksums (``ids``, python-stdnum).

Values read from rendered pages (``PAGE_KINDS``) are inferred from layout, so they get the
stricter checks. Tagged records (BibTeX, RIS, CSL-JSON) declare what each value is: there a
title ``Title`` or an author ``Author Name1`` is what the file says, and stays.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from zotsync import dates, ids, languages, names
from zotsync.model import Parsed
from zotsync.sources import labels
from zotsync.sources.base import Document
from zotsync.text import normalise_title

PAGE_KINDS = frozenset({"iris", "vufind", "html", "semanticscholar"})
TITLE_FIELDS = ("title", "caseName", "nameOfAct", "subject")
CONTAINER_FIELDS = ("publicationTitle", "bookTitle", "proceedingsTitle", "websiteTitle", "blogTitle", "forumTitle",
                    "encyclopediaTitle", "dictionaryTitle", "programTitle", "seriesTitle")
IDENTIFIER_FIELDS = ("DOI", "ISBN", "ISSN", "PMID", "PMCID", "url", "citationKey", "arXiv")
LIFE_DATES = re.compile(r"(?:^|[\s,(])(?:b\.\s*|d\.\s*|ca\.\s*|n\.\s*|m\.\s*)?\d{3,4}\??\s*[-–]\s*(?:\d{2,4}\??)?(?:[\s,.)]|$)"
                        r"|(?:^|[\s,(])(?:born|died|geb\.|gest\.|nato|morto|nac\.|m\.)\s*\d{3,4}")
ROLE_ABBREVIATIONS = frozenset(
    "hrsg hg eds edt ed. eds. hrsg. hg. hgg. trad. transl. trans. übers. comp. ill. illus. cur. coord. dir.".split())
ROLE_PHRASES = ("a cura di", "edited by", "herausgegeben von", "hrsg. v", "ed. by", "translated by", "übersetzt von",
                "tradotto da", "traducido por", "edición de", "edición a cargo de")
# One-word titles journals really print that some interface also uses as a label (es "Editorial" = publisher).
GENUINE_TITLES = frozenset({"editorial", "review", "reviews", "bibliography", "contents", "notes", "summary", "commentary",
                            "correspondence", "erratum", "errata", "letters", "obituary", "editoriale", "recensioni"})
NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})
NO_WORD = re.compile(r"^[\W\d_]*$")
URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def vet(found: list[Parsed], doc: Document, kind: str) -> list[Parsed]:
    """The items that pass, with every failing value dropped; items with nothing left are reported."""
    page = kind in PAGE_KINDS
    kept: list[Parsed] = []
    for parsed in found:
        parsed.item = vet_item(parsed.item, page)
        if _has_title_or_identifier(parsed.item, page):
            kept.append(parsed)
        else:
            doc.report(doc.error("a record with no title and no identifier that can be trusted: not imported"))
    return kept


def vet_item(item: dict[str, Any], page: bool) -> dict[str, Any]:
    out = dict(item)
    out["creators"] = [c for c in item.get("creators") or [] if creator_ok(c, page)]
    for name in TITLE_FIELDS:
        if name in out and not title_ok(str(out[name]), out, page):
            del out[name]
    if out.get("date") and not date_ok(str(out["date"]), page):
        del out["date"]
    if page and out.get("language") and not language_ok(str(out["language"])):
        del out["language"]
    _vet_identifiers(out)
    return out


# ---------------------------------------------------------------- creators


def creator_ok(creator: dict[str, Any], page: bool) -> bool:
    if "name" in creator and not creator.get("lastName"):
        return _single_field_ok(str(creator.get("name") or ""), page)
    parts = [str(creator.get("firstName") or ""), str(creator.get("lastName") or "")]
    return person_ok(" ".join(p for p in parts if p), parts, page)


def _single_field_ok(name: str, page: bool) -> bool:
    if NO_WORD.match(name) or LIFE_DATES.search(name) or _has_role(name):
        return False
    return not (page and (":" in name or _is_label(name)))


def person_ok(full: str, parts: list[str], page: bool) -> bool:
    """A person's name: no colon, no life dates, no role word; on a page no digit, no label."""
    if not full.strip() or any(":" in p or "：" in p for p in parts):
        return False
    if LIFE_DATES.search(full) or _has_role(full) or any(NO_WORD.match(p) and p for p in parts):
        return False
    return not (page and (re.search(r"\d", full) or _is_label(full) or names.looks_institutional(full)))


def _is_label(text: str, sections: bool = False) -> bool:
    """A field label (``Autores principales``), a tab name (``Descripción``) or a UI string of two words
    or more: one-word UI strings of 89 interface languages include surnames and titles (``Verdi``)."""
    fields = {labels.field_of(text, family) for family in labels.FAMILIES} - {""}
    if not fields:
        return False
    named = bool(fields - labels.UNNAMED - {"table"})
    return named or len(text.split()) > 1 or sections and "section" in fields


def _has_role(text: str) -> bool:
    """A relator term inside a name: a phrase (``a cura di``), an abbreviation (``Hrsg.``) or,
    after a comma or bracket, any relator term of the lexicon (``Eco, Umberto, editor``)."""
    lowered = " ".join(text.casefold().split())
    if any(re.search(rf"(?:^|[\s,(\[]){re.escape(p)}\b", lowered) for p in ROLE_PHRASES):
        return True
    tokens = [t.strip("()[],;") for t in lowered.split()]
    if any(t in ROLE_ABBREVIATIONS and (t.endswith(".") or t in {"hrsg", "hg", "eds", "edt"}) for t in tokens):
        return True
    segments = [s.strip(" .()[]") for s in re.split(r"[,(\[]", lowered)[1:]]
    if any(s and labels.role_code(s) for s in segments):
        return True
    return any(role in lowered for role in _multiword_roles())


@cache
def _multiword_roles() -> frozenset[str]:
    """Relator terms of the lexicon of two words or more (``writer of introduction``)."""
    roles: dict[str, str] = labels.lexicon()["vufind"]["roles"]
    return frozenset(r for r in roles if " " in r and len(r) > 6)


# ---------------------------------------------------------------- titles, dates, identifiers


def title_ok(title: str, item: dict[str, Any], page: bool) -> bool:
    text = " ".join(title.split())
    if not page:  # a tagged record's title is what it declares (BibTeX ``{\\{}:}`` included)
        return bool(text)
    if NO_WORD.match(text.replace("|", "")) or URL.match(text):
        return False
    if _is_label(text, sections=True) and text.casefold() not in GENUINE_TITLES or _starts_with_notice(text):
        return False
    return not _lifted_from_abstract(text, str(item.get("abstractNote") or ""))


def _starts_with_notice(text: str) -> bool:
    head, sep, _ = text.partition(":")
    return bool(sep) and labels.any_field(head) in {"noise", "section"} and len(head) > 12


def _lifted_from_abstract(title: str, abstract: str) -> bool:
    """A whole sentence or clause of the abstract (five words or more) given as the title."""
    key = normalise_title(title)
    if len(key.split()) < 5 or not abstract:
        return False
    return any(normalise_title(fragment) == key for fragment in re.split(r"[.!?;()\[\]]+", abstract))


def date_ok(value: str, page: bool) -> bool:
    if not re.search(r"\d", value):
        return False
    if not page:
        return True
    raw = re.match(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*$", value)
    match = raw or ISO.match(dates.to_iso(value))
    if not match:
        return False
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    return 1000 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def language_ok(value: str) -> bool:
    """A language a code can name; "Undetermined", "ohne Angabe" and "Multiple languages" are not one."""
    code = languages.to_code(labels.language_code(value) or value)
    return bool(re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code)) and code not in NO_LANGUAGE


def _vet_identifiers(item: dict[str, Any]) -> None:
    cleaners = {"DOI": ids.clean_doi, "ISBN": ids.clean_isbns, "ISSN": ids.clean_issns}
    for name, clean in cleaners.items():
        if name in item:
            value = clean(str(item[name]))
            if value:
                item[name] = value
            else:
                del item[name]
    if "PMID" in item and not re.fullmatch(r"\d{1,9}", str(item["PMID"]).strip()):
        del item["PMID"]
    if "PMCID" in item and not re.fullmatch(r"PMC\d{3,9}", str(item["PMCID"]).strip()):
        del item["PMCID"]


def _has_title_or_identifier(item: dict[str, Any], page: bool) -> bool:
    """A tagged record that names only its container (RIS ``T2`` alone) still names a work."""
    names = (*TITLE_FIELDS, *IDENTIFIER_FIELDS, *(() if page else CONTAINER_FIELDS))
    return any(str(item.get(name) or "").strip() for name in names)
