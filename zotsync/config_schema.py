"""The config file's schema: every key, its type, and nothing else, checked before anything runs.

A wrong type or an unknown key (``colection``) is one line naming the key, exit 2: a config
whose ``paths`` is a string must not walk ``/``, and ``tags = "mine"`` must not become four tags.
"""

from __future__ import annotations

from typing import Any

from zotsync.errors import ConfigError

STRING = {"type": "string", "minLength": 1}
STRINGS = {"type": "array", "items": STRING}
OAI = {"type": "object", "additionalProperties": False, "required": ["endpoint"],
       "properties": {"endpoint": {"type": "string", "pattern": "^https?://"}, "set": STRING,
                      "from": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$"},
                      "metadata_prefix": STRING}}
SEMANTIC_SCHOLAR = {"type": "object", "additionalProperties": False, "required": ["paper"],
                    "properties": {"paper": STRING, "references": {"type": "boolean"}}}
SOURCE = {
    "type": "object", "additionalProperties": False,
    "properties": {"paths": STRINGS, "path": STRING, "collection": STRING, "tags": STRINGS, "format": STRING,
                   "url": STRING, "urls": STRINGS, "doi": {"anyOf": [STRING, STRINGS]}, "oai": OAI,
                   "semanticscholar": SEMANTIC_SCHOLAR, "sentence_case": {"type": "boolean"}},
    "anyOf": [{"required": [key]} for key in ("paths", "path", "url", "urls", "doi", "oai", "semanticscholar")],
}
SCHEMA = {
    "type": "object", "additionalProperties": False,
    "properties": {"library": {"type": "string", "pattern": r"^(user:\d+|group:\d+|sandbox)$"},
                   "api_url": {"type": "string", "pattern": "^https?://"}, "state_dir": STRING, "collection": STRING,
                   "contact": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"},
                   "sources": {"type": "array", "items": SOURCE}},
}


def check(raw: dict[str, Any], origin: str) -> None:
    """ConfigError naming the first wrong key of ``raw`` (a parsed TOML config)."""
    import jsonschema  # only runs with a config file; keeps `zotsync --help` light

    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(raw), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{origin}: {describe(errors[0])}")


def describe(error: Any) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".") or "top level"
    if error.validator == "additionalProperties":
        known = ", ".join(sorted(error.schema.get("properties", {})))
        unknown = ", ".join(repr(k) for k in error.instance if k not in error.schema.get("properties", {}))
        return f"{where}: unknown key {unknown} (known: {known})"
    if error.validator == "anyOf" and error.validator_value and "required" in error.validator_value[0]:
        return f"{where}: says nothing to sync (give paths, url, doi, oai or semanticscholar)"
    if error.validator == "type":
        return f"{where}: must be {_kind(error.validator_value)}, not {type(error.instance).__name__} {error.instance!r}"
    return f"{where}: {error.message}"


def _kind(value: Any) -> str:
    return {"array": "a list", "string": "a string", "object": "a table", "boolean": "true or false"}.get(value, str(value))
