"""The field-label lexicon of VuFind and DSpace / DSpace-CRIS / IRIS record pages.

``zotsync/data/labels.json`` is derived from ``../shared/labels`` (the words each interface
prints next to each field, in every interface language, from those systems' translation
files; see ``zotsync/data/labels.NOTICE.md`` for attribution and licences) by ``derive``.
It maps a normalised label to one field name of a vocabulary shared by both families
(``authors``, ``title``, ``date``, ``container``, ... or ``noise`` / ``section``), so the
record reader needs no per-system tables. A label printed on a page in one interface
language is looked up in that language first, then in any language (an untranslated key
prints English, and pages mix languages).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

# The two families' canonical names to one vocabulary. A field not named here is still
# known as a label ("other"): the reader then knows a value ends there, but keeps nothing.
VUFIND_FIELDS = {
    "author_main": "authors", "authors": "authors", "author_other": "contributors",
    "author_corporate": "corporate", "title": "title", "journal_title": "container",
    "published": "published", "published_in": "container", "publisher": "publisher",
    "publication_year": "date", "publication_place": "place", "edition": "edition", "format": "format",
    "language": "language", "subjects": "keywords", "genre": "genre", "series": "series",
    "physical": "physical", "isbn": "isbn", "issn": "issn", "doi": "doi", "url": "url",
    "summary": "abstract", "abstract": "abstract", "notes": "notes", "source": "container",
}
DSPACE_FIELDS = {
    "title": "title", "authors": "authors", "editors": "editors", "advisor": "advisor",
    "date_issued": "date", "abstract": "abstract", "keywords": "keywords", "type": "type",
    "journal": "container", "book_title": "book", "conference": "conference", "publisher": "publisher",
    "place": "place", "series": "series", "isbn": "isbn", "issn": "issn", "journal_issn": "issn",
    "doi": "doi", "uri": "url", "citation": "citation", "volume": "volume", "issue": "issue",
    "pages": "pages", "language": "language", "metadata_field": "table", "metadata_value": "table",
    "metadata_language": "table", "collections": "noise", "files": "noise", "file_name": "noise",
    "file_size": "noise", "file_format": "noise", "file_description": "noise", "rights": "noise",
}
FAMILIES = ("vufind", "dspace")
UNNAMED = frozenset({"noise", "other", "section", "stop"})
DATA = "labels.json"


def norm(label: str) -> str:
    """NFC, NBSP to space, collapsed whitespace, case-folded, without a trailing ':' / ' :'."""
    text = unicodedata.normalize("NFC", label).replace("\u00a0", " ")
    return " ".join(text.split()).casefold().rstrip(":：").strip()


# ---------------------------------------------------------------- derivation from ../shared/labels


def derive(shared: Path) -> dict[str, Any]:
    """The compact lexicon shipped as package data, built from ``shared/labels``."""
    vufind = json.loads((shared / "vufind.json").read_text(encoding="utf-8"))
    dspace = json.loads((shared / "dspace.json").read_text(encoding="utf-8"))
    return {
        "about": {"vufind": {"source": vufind["source"], "license": vufind["license"]},
                  "dspace": {"source": dspace["source"], "license": dspace["license"]}},
        "vufind": {"labels": _by_language(vufind["by_language"], VUFIND_FIELDS),
                   "formats": _formats(vufind), "roles": _roles(vufind["creator_roles"]),
                   "languages": _language_names(vufind["language_names"])},
        "dspace": {"labels": _by_language(dspace["by_language"], DSPACE_FIELDS), "keys": _dspace_keys(dspace)},
    }


# Tabs and headings after which a page lists other records, not this one.
STOP_SECTIONS = frozenset({"section:similar_items", "section:other_versions", "section:most_recent_issues"})


def _tag_field(tag: str, table: dict[str, str]) -> str:
    if tag in STOP_SECTIONS:
        return "stop"
    if tag.startswith("section:"):
        return "section"
    return table.get(tag, "noise" if tag == "noise" else "other")


def _field(tags: list[str], table: dict[str, str]) -> str:
    mapped = [_tag_field(t, table) for t in tags]
    named = [m for m in mapped if m not in {"noise", "other", "section", "stop"}]
    return (named or [m for m in mapped if m != "noise"] or mapped)[0]


def _by_language(index: dict[str, dict[str, list[str]]], table: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang, labels in index.items():
        entries = {norm(label): _page_bound(label, _field(tags, table)) for label, tags in labels.items()
                   if "%%" not in label}
        out[lang] = {k: v for k, v in sorted(entries.items()) if k and "{" not in k}
    return out


def _page_bound(label: str, field: str) -> str:
    """DSpace's "Start page" / "End page" labels share the field ``pages``; the reader needs them apart."""
    if field != "pages":
        return field
    if re.search(r"start|first|erste|anfang|inizia|inicia|début|debut|primeira|pierwsz", label, re.I):
        return "first_page"
    if re.search(r"\bend|endseite|last|letzte|ende|finale?\b|fin\b|última|ultima|ostatni", label, re.I):
        return "last_page"
    return field


def _formats(vufind: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, labels in vufind["formats"].items():
        for label in [canonical, *labels.values(), *sum(vufind["formats_variants"].get(canonical, {}).values(), [])]:
            out.setdefault(norm(label), canonical)
    return dict(sorted(out.items()))


def _roles(roles: dict[str, dict[str, str]]) -> dict[str, str]:
    out = {norm(label): code for code, labels in roles.items() for label in labels.values()}
    out.update({code: code for code in roles})
    return dict(sorted(out.items()))


def _language_names(names: dict[str, dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, entry in names.items():
        for label in [*entry.get("index_values_en", []), *entry.get("labels", {}).values()]:
            out.setdefault(norm(label), code)
    return dict(sorted(out.items()))


def _dspace_keys(dspace: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, entry in dspace["fields"].items():
        field = DSPACE_FIELDS.get(name, "other")
        for keys in entry.get("keys", {}).values():
            for key in keys:
                out.setdefault(key, field)
        for key in entry.get("keys_not_found", []):
            out.setdefault(key.split(":", 1)[-1], field)
    for key in [*dspace["noise"], *dspace["noise_keys_not_found"]]:
        out.setdefault(key.split(":", 1)[1], "noise")
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- lookups


@cache
def lexicon() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("zotsync").joinpath("data", DATA).read_text("utf-8"))
    return data


@cache
def _any_language(family: str) -> dict[str, str]:
    """Every language's labels at once; English wins a clash, then a named field over noise."""
    merged: dict[str, str] = {}
    tables = lexicon()[family]["labels"]
    for lang in ["en", *sorted(set(tables) - {"en"})]:
        for label, field in tables[lang].items():
            if merged.get(label) in (None, "noise", "other", "section", "stop"):
                merged[label] = field
    return merged


def field_of(label: str, family: str, lang: str = "") -> str:
    """The field a label names in ``family`` ("" when it is not a label of it)."""
    key = norm(label)
    anywhere = _any_language(family).get(key, "")
    if lang:
        found = str(lexicon()[family]["labels"].get(lang, {}).get(key) or "")
        if found and (found not in UNNAMED or anywhere in UNNAMED or not anywhere):
            return found
    return anywhere


def any_field(label: str) -> str:
    """The field a label names in either family ("" when none)."""
    return field_of(label, "dspace") or field_of(label, "vufind")


def is_interface_string(text: str) -> bool:
    """A label, tab name or UI string of either interface, in any language."""
    return bool(any_field(text))


def interface_line(text: str, family: str, lang: str) -> bool:
    """A line of interface text on a page of ``family`` in ``lang``: a one-word string must be the page
    language's (or English, the fallback of untranslated keys), a longer one may be any language's."""
    key = norm(text.rstrip(".…"))
    if len(key.split()) > 1:
        return is_interface_string(key)
    tables = lexicon()[family]["labels"]
    return any(key in tables.get(code, {}) for code in {lang or "en", "en"})


def key_field(key: str) -> str:
    """The field an untranslated DSpace key names (``jsp.display-item.citation``, ``item.page.issn``)."""
    keys: dict[str, str] = lexicon()["dspace"]["keys"]
    key = key.strip("?").strip()
    if key in keys:
        return keys[key]
    for prefix in ("metadata.", "itemlist.", "metadata.coverpage."):
        if prefix + key in keys:
            return keys[prefix + key]
    return ""


def format_name(label: str) -> str:
    """VuFind's format key (``Article``, ``Book``, ``Thesis``...) for a format label in any language."""
    formats: dict[str, str] = lexicon()["vufind"]["formats"]
    return formats.get(norm(label), "")


def role_code(label: str) -> str:
    """The MARC relator code for a role term printed after a name (``writer of introduction`` -> ``win``)."""
    roles: dict[str, str] = lexicon()["vufind"]["roles"]
    return roles.get(norm(label).strip(" .()[]"), "")


def language_code(name: str) -> str:
    """ISO 639-3 code for a record-language name in any interface language (``Deutsch`` -> ``deu``)."""
    table: dict[str, str] = lexicon()["vufind"]["languages"]
    return table.get(norm(name), "")


def best_language(labels: list[str], family: str) -> str:
    """The interface language whose labels the page's candidate labels hit most ("" when none)."""
    tables = lexicon()[family]["labels"]
    keys = [norm(label) for label in labels]
    scores = {lang: sum(1 for k in keys if table.get(k) not in (None, "noise")) for lang, table in tables.items()}
    lang, hits = max(scores.items(), key=lambda kv: (kv[1], kv[0] == "en"), default=("", 0))
    return lang if hits else ""


@cache
def distinctive(family: str) -> frozenset[str]:
    """Labels (and UI strings) of ``family`` that the other family never prints."""
    other = _any_language("dspace" if family == "vufind" else "vufind")
    return frozenset(label for label in _any_language(family) if label not in other and len(label) > 2)


def family_hits(lines: list[str], family: str) -> int:
    """How many lines open with a label or UI string only ``family`` prints."""
    marks = distinctive(family)
    hits = 0
    for line in lines:
        head = re.split(r"\s*[:：|\t]\s*", line, maxsplit=1)[0]
        if norm(head) in marks or norm(line) in marks:
            hits += 1
    return hits
