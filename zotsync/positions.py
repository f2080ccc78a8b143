"""Records without an id of their own (a RIS record without a DOI, a CSL item without an id, a
BibTeX entry without a key) are known by their place: ``kind:<document>@<ordinal>``.

A place is stable under edits to other records, but not under insertions; so the content is
used, only, to see a record that moved: a record whose title, year and first author are those
last pushed for another place of the same document keeps that place's identity, and a place
whose old record now sits elsewhere goes to the newcomer as a fresh identity. A record at its
old place with new content is the same record, corrected: it updates its item three-way.
Identities zotsync gave such records before places (``kind:<document>#<content hash>``) are
taken over the first time. Pure: works and the snapshot in, works out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from zotsync.model import Snapshot, Work
from zotsync.sources.common import work_key

PLACE = re.compile(r"^[\w-]+:(?P<scope>.+)@\d+(?:\+[0-9a-f]{8})?$")  # kind:scope@ordinal, +hash for a newcomer


def is_positional(source: str) -> bool:
    return PLACE.match(source) is not None


def scope_of(source: str) -> str:
    match = PLACE.match(source)
    return match.group("scope") if match else ""


def follow_moves(works: list[Work], snap: Snapshot) -> list[Work]:
    """The works, with each positional source renamed to the identity its record had last time."""
    pushed = _pushed_fingerprints(snap)
    here = {(scope_of(s), work_key(w.item)) for w in works for s in w.sources if is_positional(s)}
    taken: set[str] = set()
    out = []
    for work in works:
        renamed = [_identity(s, work_key(work.item), pushed, here, snap, taken) if is_positional(s) else s
                   for s in work.sources]
        taken.update(renamed)
        out.append(work if renamed == work.sources else replace(work, sources=renamed))
    return out


def _identity(source: str, fingerprint: str, pushed: dict[str, str], here: set[tuple[str, str]],
              snap: Snapshot, taken: set[str]) -> str:
    scope = scope_of(source)
    if pushed.get(source) == fingerprint:
        return source  # the same record at the same place
    moved_from = next((s for s, f in pushed.items() if f == fingerprint and scope_of(s) == scope
                       and is_positional(s) and s not in taken), None)
    if moved_from:
        return moved_from
    if source in pushed and (scope, pushed[source]) in here:
        return f"{source}+{fingerprint[:8]}"  # the old record moved on: this place is a new record's
    if source not in snap.sources:
        legacy = next((s for s in _legacy(source, fingerprint) if s in snap.sources), None)
        if legacy:
            return legacy
    return source  # a new record, or the old one corrected in place


def _pushed_fingerprints(snap: Snapshot) -> dict[str, str]:
    """Positional source -> the fingerprint of what zotsync last pushed for it."""
    out = {}
    for source, key in snap.sources.items():
        managed = snap.managed.get(key)
        if managed is not None and is_positional(source):
            out[source] = work_key(managed.pristine)
    return out


def _legacy(source: str, fingerprint: str) -> Iterable[str]:
    """The identities earlier versions gave the same record: by a content hash, scoped by the file name or not."""
    kind, scope = source.partition(":")[0], scope_of(source)
    yield f"{kind}:{scope}#{fingerprint}"
    yield f"{kind}:{scope.rsplit('/', 1)[-1]}#{fingerprint}"
    yield f"{kind}:{fingerprint}"
