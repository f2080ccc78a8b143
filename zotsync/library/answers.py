"""The shapes of Zotero API answers the client relies on, checked before they reach the engine.

Each function takes a decoded JSON value and the request it answers (``where``, e.g.
``GET /users/1/items``) and returns it typed, or raises ``ServerAnswerError`` naming the
request and the first thing that is wrong. The transport has already made sure the answer is
JSON; what is checked here is what the engine would otherwise trip over (a list where an object
belongs, an object without ``data`` or ``version``, an index that is not in the batch).
"""

from __future__ import annotations

from typing import Any

from zotsync.errors import ServerAnswerError
from zotsync.secrets_store import scrub

UNREPORTED = "the server's write report does not mention this object"


def _bad(where: str, problem: str) -> ServerAnswerError:
    return ServerAnswerError(f"{where}: the server's answer is unusable: {scrub(problem)}")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _version(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def mapping(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, f"{what} should be an object, not {_kind(value)}")
    return value


def objects(value: Any, where: str, noun: str = "item", required: tuple[str, ...] = ("itemType",)) -> list[dict[str, Any]]:
    """A list of API objects, each with a string ``key``, an integer ``version`` and a ``data`` object."""
    if not isinstance(value, list):
        raise _bad(where, f"a list of {noun}s should be an array, not {_kind(value)}")
    for index, obj in enumerate(value):
        if not _well_formed(obj, required):  # the common case, checked cheaply (a page holds 100)
            check_object(obj, where, f"{noun} {index + 1}", required)
    return value


def _well_formed(obj: Any, required: tuple[str, ...]) -> bool:
    """What ``check_object`` accepts, for plain JSON values (which are never subclasses)."""
    if type(obj) is not dict:
        return False
    key, version, data = obj.get("key"), obj.get("version"), obj.get("data")
    if not (type(key) is str and key and type(version) is int and version >= 0 and type(data) is dict):
        return False
    return all(type(data.get(prop)) is str for prop in required)


def check_object(obj: Any, where: str, label: str, required: tuple[str, ...] = ("itemType",)) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _bad(where, f"{label} should be an object, not {_kind(obj)}")
    if not isinstance(obj.get("key"), str) or not obj["key"]:
        raise _bad(where, f"{label} has no key")
    name = f"{label} ({obj['key'][:16]})"
    if not _version(obj.get("version")):
        raise _bad(where, f"{name} has no version" if "version" not in obj else f"{name} has a version that is "
                   f"not a whole number ({str(obj['version'])[:20]!r})")
    if not isinstance(obj.get("data"), dict):
        raise _bad(where, f"{name} has no data object" if "data" not in obj else
                   f"{name}: its data should be an object, not {_kind(obj['data'])}")
    for prop in required:
        if not isinstance(obj["data"].get(prop), str):
            raise _bad(where, f"{name} has no {prop} in its data")
    return obj


def versions(value: Any, where: str) -> dict[str, int]:
    """``format=versions``: an object of key -> whole-number version."""
    result = mapping(value, where, "a versions listing")
    for key, version in result.items():
        if not _version(version):
            raise _bad(where, f"the version of {key[:16]} is not a whole number ({str(version)[:20]!r})")
    return result


def deleted_items(value: Any, where: str) -> list[str]:
    """``/deleted``: the keys of the items deleted since a version."""
    result = mapping(value, where, "a deletions listing")
    keys = result.get("items", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _bad(where, f"its 'items' should be an array of keys, not {_kind(keys)}")
    return keys


def key_info(value: Any, where: str) -> dict[str, Any]:
    """``/keys/current``: an object whose ``access`` (if any) is an object of objects."""
    result = mapping(value, where, "a key description")
    access = result.get("access", {})
    if not isinstance(access, dict) or not all(isinstance(v, dict) for v in access.values()):
        raise _bad(where, "its 'access' should be an object of objects")
    return result


def write_report(value: Any, where: str, size: int, required: tuple[str, ...] = ("itemType",)
                 ) -> tuple[dict[int, dict[str, Any]], dict[int, str], dict[int, dict[str, Any]]]:
    """A multi-object write report: successful / unchanged / failed, keyed by the batch index.

    Every object of the batch is accounted for: one the report does not mention is returned as
    failed (code 0) rather than silently dropped; the next run sends it again.
    """
    report = mapping(value, where, "a write report")
    successful = {i: check_object(o, where, f"saved object {i}", required)
                  for i, o in _indexed(report, "successful", where, size).items()}
    unchanged: dict[int, str] = {}
    for i, key in _indexed(report, "unchanged", where, size).items():
        if not isinstance(key, str):
            raise _bad(where, f"unchanged object {i} should be a key, not {_kind(key)}")
        unchanged[i] = key
    failed: dict[int, dict[str, Any]] = {}
    for i, entry in _indexed(report, "failed", where, size).items():
        if not isinstance(entry, dict):
            raise _bad(where, f"failed object {i} should be an object, not {_kind(entry)}")
        code = entry.get("code")
        failed[i] = {**entry, "code": code if isinstance(code, int) and not isinstance(code, bool) else 0,
                     "message": scrub(str(entry.get("message") or "no message"))}
    for i in range(size):
        if i not in successful and i not in unchanged and i not in failed:
            failed[i] = {"code": 0, "message": UNREPORTED}
    return successful, unchanged, failed


def _indexed(report: dict[str, Any], name: str, where: str, size: int) -> dict[int, Any]:
    part = report.get(name) or {}
    if not isinstance(part, dict):
        raise _bad(where, f"its '{name}' should be an object, not {_kind(part)}")
    out: dict[int, Any] = {}
    for raw, entry in part.items():
        if not (isinstance(raw, str) and raw.isdigit() and int(raw) < size):
            raise _bad(where, f"its '{name}' names object {str(raw)[:20]!r}, which is not in the batch of {size}")
        out[int(raw)] = entry
    return out
