"""Schema fit: the one module that knows Zotero's item types and fields (schema v41).

``fit(item)`` turns a loosely filled Zotero item into one the Web API accepts:
type-specific field names, fields the type lacks moved to Extra, creator types
allowed for the type, identifiers cleaned, dates ISO, values within API limits.
Pure: no I/O beyond reading the packaged schema once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from zotsync import dates, extra, ids, languages

MAX_VALUE_BYTES = 65535
MAX_NAME_CHARS = 255
FALLBACK_TYPE = "document"
# Properties of item data that are not fields.
STRUCTURAL = frozenset(
    {"itemType", "creators", "tags", "collections", "relations", "extra", "key", "version",
     "dateAdded", "dateModified", "deleted", "parentItem", "note", "accessDate"}
)
IDENTIFIER_LABELS = {"DOI": "DOI", "ISBN": "ISBN", "ISSN": "ISSN", "PMID": "PMID",
                     "PMCID": "PMCID", "citationKey": "Citation Key", "url": "URL"}
FIELD_OF_LABEL = {label: field for field, label in IDENTIFIER_LABELS.items()}
FULL_ACCESS_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:Z|[+-]00:?00)?)?$")
NORMALISED = frozenset({"date", "language"})  # fields whose values _clean_value normalises
KEPT = ("collections", "relations", "key", "version", "deleted", "dateAdded", "dateModified")  # copied as they are
CLEANERS: dict[str, Callable[[str], str]] = {"DOI": ids.clean_doi, "ISBN": ids.clean_isbns, "ISSN": ids.clean_issns,
                                             "PMID": ids.clean_pmid, "PMCID": ids.clean_pmcid}


@dataclass(frozen=True)
class TypeInfo:
    fields: tuple[str, ...]
    base_to_field: dict[str, str]
    creator_types: tuple[str, ...]
    primary_creator: str


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("zotsync").joinpath("data/schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _types() -> dict[str, TypeInfo]:
    out: dict[str, TypeInfo] = {}
    for entry in _schema()["itemTypes"]:
        fields = tuple(f["field"] for f in entry["fields"])
        base = {f["baseField"]: f["field"] for f in entry["fields"] if "baseField" in f}
        creators = tuple(c["creatorType"] for c in entry["creatorTypes"])
        primary = next((c["creatorType"] for c in entry["creatorTypes"] if c.get("primary")), "author")
        out[entry["itemType"]] = TypeInfo(fields, base, creators, primary)
    return out


@cache
def _field_to_base() -> dict[str, str]:
    """Map every type-specific field name (bookTitle, university, ...) to its base field."""
    out: dict[str, str] = {}
    for entry in _schema()["itemTypes"]:
        for f in entry["fields"]:
            if "baseField" in f:
                out[f["field"]] = f["baseField"]
    return out


@cache
def all_fields() -> frozenset[str]:
    return frozenset(f for t in _types().values() for f in t.fields)


@cache
def base_fields() -> frozenset[str]:
    """The names of the base fields, some of which (medium, authority) no type has under that name."""
    return frozenset(_field_to_base().values())


def schema_version() -> int:
    return int(_schema()["version"])


def item_types() -> list[str]:
    return list(_types())


def is_valid_type(item_type: str) -> bool:
    return item_type in _types() and item_type not in {"annotation", "attachment", "note"}


def type_info(item_type: str) -> TypeInfo:
    return _types()[item_type]


def field_rows(item_type: str) -> list[dict[str, str]]:
    """The type's fields in schema order, each ``{"field", "baseField"?}``."""
    entry = next(e for e in _schema()["itemTypes"] if e["itemType"] == item_type)
    return [dict(f) for f in entry["fields"]]


def fields_for(item_type: str) -> tuple[str, ...]:
    return _types()[item_type].fields


def has_field(item_type: str, field: str) -> bool:
    return field in _types()[item_type].fields


def creator_types(item_type: str) -> tuple[str, ...]:
    return _types()[item_type].creator_types


def primary_creator_type(item_type: str) -> str:
    return _types()[item_type].primary_creator


def base_field(field: str) -> str:
    """The base field a type-specific field stands for (bookTitle -> publicationTitle)."""
    return _field_to_base().get(field, field)


@cache
def field_for_type(item_type: str, field: str) -> str | None:
    """The name under which ``field`` (base or another type's name) lives on ``item_type``."""
    info = _types()[item_type]
    if field in info.fields:
        return field
    base = base_field(field)
    if base in info.base_to_field:
        return info.base_to_field[base]
    if base in info.fields:
        return base
    return None


@cache
def _targets(item_type: str) -> dict[str, str | None]:
    """``field_for_type`` of the names fit has met on ``item_type``, filled as it meets them: one dict
    lookup a field instead of a call (the names are item keys, a few dozen)."""
    return {}


@cache
def csl_types() -> dict[str, list[str]]:
    return dict(_schema()["csl"]["types"])


@cache
def csl_text_fields() -> dict[str, list[str]]:
    return dict(_schema()["csl"]["fields"]["text"])


@cache
def csl_date_fields() -> dict[str, str]:
    return dict(_schema()["csl"]["fields"]["date"])


@cache
def csl_names() -> dict[str, str]:
    return dict(_schema()["csl"]["names"])


@lru_cache(maxsize=1024)
def extra_label(field: str) -> str:
    """Label for an Extra line, following Zotero's `Label: value` convention."""
    if field in IDENTIFIER_LABELS:
        return IDENTIFIER_LABELS[field]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", field).split()
    return " ".join(w[:1].upper() + w[1:] for w in words)


# ---------------------------------------------------------------- fit


def fit(item: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``item`` that is valid for the Zotero schema v41 and the API limits."""
    item_type = item.get("itemType", "")
    if not is_valid_type(item_type):
        item_type = FALLBACK_TYPE
    out: dict[str, Any] = {"itemType": item_type}
    moved: list[tuple[str, str]] = []
    targets = _targets(item_type)
    for name, value in item.items():
        if name in STRUCTURAL:
            continue
        if type(value) is str and name not in NORMALISED:  # the common case, without a call
            text = value.strip()
            if len(text) > MAX_VALUE_BYTES // 4:
                text = _limit_bytes(text)
        else:
            text = _clean_value(name, value)
        if not text:
            continue
        target = targets[name] if name in targets else targets.setdefault(name, field_for_type(item_type, name))
        if target is None or target in out:
            if target is None or out.get(target) != text:
                moved.append((extra_label(name), text))
            continue
        out[target] = text
    _clean_identifiers(out, moved)
    out["creators"] = fit_creators(item_type, item.get("creators") or [])
    out["tags"] = fit_tags(item.get("tags") or [])
    for name in KEPT:
        if name in item and item[name] not in (None, ""):
            out[name] = item[name]
    if item.get("accessDate"):
        _access_date(str(item["accessDate"]), out, moved)
    if moved or item.get("extra"):
        extra_text = extra.merge(str(item.get("extra") or ""), moved)
        if extra_text:
            out["extra"] = _limit_bytes(extra_text)
    return out


def _access_date(value: str, out: dict[str, Any], moved: list[tuple[str, str]]) -> None:
    """The API takes only a full date (or date and time) as accessDate; a partial one goes to Extra."""
    iso = dates.to_iso(value)
    match = FULL_ACCESS_DATE.match(value.strip()) or FULL_ACCESS_DATE.match(iso)
    if match:
        out["accessDate"] = match.group(1) + (f"T{match.group(2)}Z" if match.group(2) else "")
    elif iso.strip():
        moved.append(("Accessed", iso.strip()))


def _clean_value(name: str, value: Any) -> str:
    if value is None or isinstance(value, (list, dict)):
        return ""
    text = (value if isinstance(value, str) else str(value)).strip()
    if name == "date" and text:
        text = _iso_date(text)
    elif name == "language" and text:
        text = languages.to_code(text)
    return _limit_bytes(text)


@lru_cache(maxsize=8192)
def _iso_date(text: str) -> str:
    return dates.to_iso(text)


@lru_cache(maxsize=65536)
def _clean_identifier(field: str, value: str) -> str:
    return CLEANERS[field](value)


def _clean_identifiers(out: dict[str, Any], moved: list[tuple[str, str]]) -> None:
    """Identifiers are checked; one that fails its check is dropped (precision before recall)."""
    for field in CLEANERS:
        if field in out:
            value = _clean_identifier(field, out[field])
            if value:
                out[field] = value
            else:
                del out[field]
    if not moved:
        return
    for i, (label, value) in enumerate(moved):
        field = FIELD_OF_LABEL.get(label, "")
        if field in CLEANERS:
            moved[i] = (label, _clean_identifier(field, value))
    moved[:] = [(label, value) for label, value in moved if value]


@cache
def _allowed_creators(item_type: str) -> frozenset[str]:
    return frozenset(creator_types(item_type))


def fit_creators(item_type: str, creators: list[dict[str, Any]]) -> list[dict[str, str]]:
    allowed = _allowed_creators(item_type)
    primary = primary_creator_type(item_type)
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str, str, str]] = set()
    for creator in creators:
        ctype = creator.get("creatorType") or primary
        if ctype not in allowed:
            ctype = primary
        name, last, first = creator.get("name"), creator.get("lastName"), creator.get("firstName")
        name = _short(name) if name else ""
        last = _short(last) if last else ""
        first = _short(first) if first else ""
        if name or (first and not last):
            entry = {"creatorType": ctype, "name": name or first}
            key = (ctype, name or first, "", "")
        elif last:
            entry = {"creatorType": ctype, "firstName": first, "lastName": last}
            key = (ctype, "", first, last)
        else:
            continue
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def fit_tags(tags: list[Any]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for tag in tags:
        raw, kind = (tag.get("tag", ""), tag.get("type")) if isinstance(tag, dict) else (tag, None)
        text = _short(raw if type(raw) is str else str(raw))
        if not text or text in seen:
            continue
        seen.add(text)
        clean: dict[str, Any] = {"tag": text}
        if kind:
            clean["type"] = int(kind)
        out.append(clean)
    return out


def _short(value: Any) -> str:
    if not value:
        return ""
    if type(value) is str and len(value) <= MAX_NAME_CHARS and value.isprintable() and "  " not in value \
            and value.strip() is value:
        return value  # printable: no whitespace but single spaces inside, so nothing to squeeze
    text = " ".join(str(value).split())
    return text[:MAX_NAME_CHARS].strip() if len(text) > MAX_NAME_CHARS else text


def _limit_bytes(text: str) -> str:
    if len(text) <= MAX_VALUE_BYTES // 4:  # UTF-8 takes at most 4 bytes a character
        return text
    raw = text.encode("utf-8")
    if len(raw) <= MAX_VALUE_BYTES:
        return text
    return raw[:MAX_VALUE_BYTES].decode("utf-8", errors="ignore")


def validate(item: dict[str, Any]) -> list[str]:
    """Problems the Zotero API would reject ``item`` for (empty when valid)."""
    problems: list[str] = []
    item_type = item.get("itemType", "")
    if not is_valid_type(item_type):
        return [f"invalid itemType {item_type!r}"]
    for name, value in item.items():
        if name in STRUCTURAL:
            continue
        if name not in fields_for(item_type) and value != "":
            problems.append(f"{name!r} is not a valid field for type {item_type!r}")
        elif len(str(value).encode("utf-8")) > MAX_VALUE_BYTES:
            problems.append(f"{name} value too long")
    allowed = set(creator_types(item_type)) | {"author"}
    for creator in item.get("creators", []):
        if creator.get("creatorType") not in allowed:
            problems.append(f"creator type {creator.get('creatorType')!r} invalid for {item_type}")
        parts = [creator.get("name"), creator.get("firstName"), creator.get("lastName")]
        if any(p and len(p) > MAX_NAME_CHARS for p in parts):
            problems.append("creator name too long")
        if "name" in creator and ("lastName" in creator or "firstName" in creator):
            problems.append("creator has both name and lastName")
    for tag in item.get("tags", []):
        if not tag.get("tag") or len(tag["tag"]) > MAX_NAME_CHARS:
            problems.append(f"bad tag {tag!r}")
    return problems


def field_label(field: str, locale: str = "en-US") -> str:
    """The display label of a field ("Title", "Publication")."""
    labels = _schema()["locales"].get(locale, {}).get("fields", {})
    return str(labels.get(field, field))


@cache
def field_by_label(locale: str = "en-US") -> dict[str, str]:
    """Lower-cased display label -> field ("call number" -> callNumber)."""
    labels = _schema()["locales"].get(locale, {}).get("fields", {})
    return {str(label).lower(): field for field, label in labels.items()}


def item_type_label(item_type: str, locale: str = "en-US") -> str:
    return str(_schema()["locales"].get(locale, {}).get("itemTypes", {}).get(item_type, item_type))


def creator_type_label(creator_type: str, locale: str = "en-US") -> str:
    return str(_schema()["locales"].get(locale, {}).get("creatorTypes", {}).get(creator_type, creator_type))
