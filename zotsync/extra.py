"""The Extra field: Zotero's `Label: value` lines, and zotsync's own identity marker.

zotsync writes one ``zotsync: <source id>`` line into every item it creates, so
that a lost state database can be rebuilt from the library itself. The label
matches no Zotero field, so Zotero leaves the line alone.
"""

from __future__ import annotations

MARKER_LABEL = "zotsync"


def lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def parse(text: str) -> list[tuple[str, str]]:
    """Split Extra into (label, value) pairs; lines without a label get label ``""``."""
    out: list[tuple[str, str]] = []
    for line in lines(text):
        label, sep, value = line.partition(":")
        if sep and label.strip() and len(label) <= 40 and "//" not in value[:2]:
            out.append((label.strip(), value.strip()))
        else:
            out.append(("", line.strip()))
    return out


def format_line(label: str, value: str) -> str:
    return f"{label}: {value}" if label else value


def merge(text: str, additions: list[tuple[str, str]]) -> str:
    """Append ``additions`` to Extra ``text``, skipping lines already there."""
    existing = lines(text)
    for label, value in additions:
        line = format_line(label, " ".join(value.split()))
        if line not in existing:
            existing.append(line)
    return "\n".join(existing)


def markers(text: str) -> list[str]:
    """The source ids that zotsync recorded in an item's Extra."""
    return [value for label, value in parse(text) if label == MARKER_LABEL]


def add_markers(text: str, source_ids: list[str]) -> str:
    return merge(text, [(MARKER_LABEL, sid) for sid in source_ids])


def without_markers(text: str) -> str:
    return "\n".join(line for line in lines(text)
                     if not line.startswith(f"{MARKER_LABEL}:"))


def value_of(text: str, label: str) -> str:
    wanted = label.lower()
    return next((v for lab, v in parse(text) if lab.lower() == wanted), "")
