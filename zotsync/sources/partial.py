"""What one metadata standard of a page says about its record, and how the standards merge.

Each reader of saved HTML (meta tags, COinS, schema.org, the visible page) gives a
``Partial``: generic Zotero fields (base names: ``publicationTitle``, ``publisher``,
``number``, ``type``; ``schema.fit`` later moves them to the type's own names), creators
by role, tags and an item type when the standard states one. ``merge`` takes them in
order of trust: the first standard to give a field, a type or a set of creators of one
role wins; later standards only fill what earlier ones left empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zotsync import dates, languages, names
from zotsync.text import squash

AFFILIATION = re.compile(r"\s*\[[^\]]*\]\s*$")
LIFE_DATES = re.compile(r",?\s*\(?\b1[5-9]\d\d\s*-\s*(?:1[5-9]\d\d|20\d\d)?\)?\.?\s*$|\s*\(-\)\s*$")
INSTITUTION = re.compile(
    r"\b(?:universi\w*|univ\.|instit\w*|department|departamento|dipartimento|faculdade|facultad|fakult\w*|"
    r"faculty|school|college|escola|escuela|hochschule|academ\w*|akademie|foundation|fundação|fundación|"
    r"stiftung|library|biblio\w*|centre|center|centro|zentrum|laborat\w*|society|societ\w*|association|"
    r"ministr\w*|council|consiglio|conselho|agency|agência|programa|program|verlag|press|gmbh|inc\.?|ltd\.?)\b",
    re.I)
PAGE_NUMBER = re.compile(r"^(?:[A-Za-z]{0,2}\d{1,6}[A-Za-z]?|[ivxlcdm]{1,8})$", re.I)
EXTENT_PAGES = re.compile(
    r"^\s*(?:\[?[ivxlc]+\]?\s*,\s*)?(\d{1,5})\s*(?:p\.?|pp\.?|pages|pagine|páginas|págs?\.?|f\.|fl\.|folhas|"
    r"s\.|seiten|bl\.|leaves)(?:\s|$|[,;:])", re.I)


@dataclass
class Partial:
    """One standard's reading of the record."""

    source: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    item_type: str = ""
    type_label: str = ""  # the type as the page words it ("Dissertação de mestrado"): never a tag

    def set(self, name: str, value: Any) -> None:
        """Keep the first non-empty value offered for ``name``."""
        text = squash(str(value)) if value is not None else ""
        if text and name not in self.fields:
            self.fields[name] = text

    def add_person(self, raw: str, role: str) -> None:
        creator = person(raw, role)
        if creator and creator not in self.creators:
            self.creators.append(creator)

    def is_empty(self) -> bool:
        return not (self.fields or self.creators or self.tags or self.item_type)


def person(raw: str, role: str) -> dict[str, str] | None:
    """A creator from a metadata name value; affiliations (`[UNESP]`) and life dates dropped."""
    text = LIFE_DATES.sub("", AFFILIATION.sub("", squash(raw))).strip(" ,;")
    if not text or not re.search(r"[^\W\d_]", text) or re.search(r"[:@/]|\d", text):
        return None
    if INSTITUTION.search(text):
        return names.corporate(text, role)
    return names.person(text, role)


def is_institution(raw: str) -> bool:
    return bool(INSTITUTION.search(raw))


def pages(first: str, last: str = "") -> str:
    """``first``-``last`` when both look like page numbers; "" for anything else (an extent, a sentence)."""
    first, last = squash(first), squash(last)
    span = re.split(r"\s*[-–]\s*", first, maxsplit=1)
    if len(span) == 2:
        first, last = span
    if not PAGE_NUMBER.match(first):
        return ""
    if last and PAGE_NUMBER.match(last) and last != first:
        return f"{first}-{last}"
    return first if not last or PAGE_NUMBER.match(last) else ""


def num_pages(extent: str) -> str:
    """The page count of an extent statement (`284 f. : il.`, `301 S.`, `xii, 250 p.`), else ""."""
    match = EXTENT_PAGES.match(extent)
    return match.group(1) if match else ""


def language(value: str) -> str:
    """An ISO 639 code for a language value; "" for what is not a language (`ohne Angabe`, `Undetermined`)."""
    code = languages.to_code(squash(value))
    if code in {"und", "zxx", "mul"} or not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
        return ""
    return code


def date(value: str) -> str:
    """An ISO date for a metadata date value; "" when it is not a plain date."""
    iso = dates.to_iso(squash(value))
    return iso if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", iso) else ""


def clean_title(value: str) -> str:
    """A catalogue title without ISBD punctuation: `Brand : Roman` -> `Brand: Roman`, no trailing ` :`/` /`."""
    text = squash(value)
    text = re.sub(r"\s+([:;])\s+", r"\1 ", text)
    return re.sub(r"\s*[:/;=,]\s*$", "", text).strip()


def merge(partials: list[Partial]) -> dict[str, Any]:
    """One item from the standards, most trusted first; each field, role and the type from the first that has it."""
    item: dict[str, Any] = {}
    creators: dict[str, list[dict[str, str]]] = {}
    tags: list[str] = []
    item_type = ""
    for part in partials:
        item_type = item_type or part.item_type
        for name, value in part.fields.items():
            item.setdefault(name, value)
        roles: dict[str, list[dict[str, str]]] = {}
        for creator in part.creators:
            roles.setdefault(creator["creatorType"], []).append(creator)
        for role, people in roles.items():
            creators.setdefault(role, people)
        if not tags:
            tags = part.tags
    item["itemType"] = item_type or _type_from_fields(item)
    item["creators"] = [c for role in ("author", "editor", "contributor", "translator") for c in creators.get(role, [])]
    not_tags = {p.type_label.casefold() for p in partials if p.type_label}
    item["tags"] = [{"tag": t} for t in dict.fromkeys(tags) if t.casefold() not in not_tags]
    return item


def _type_from_fields(item: dict[str, Any]) -> str:
    if item.get("publicationTitle") and (item.get("volume") or item.get("issue") or item.get("ISSN")):
        return "journalArticle"
    if item.get("ISBN"):
        return "book"
    return "document"
