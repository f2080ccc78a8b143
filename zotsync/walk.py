"""Finding documents: folders and glob patterns walked without opening anything.

``walk(paths)`` yields, for every path or pattern given, the regular files under it with their
scope (the path relative to the folder named, or to a pattern's static prefix), what it passed
over and why, and what it could not read. Only ``stat``/``scandir`` are used: special files
(FIFOs, sockets, devices) are never opened, a symlink loop or a link back to a folder already
walked is never followed, and the walk is iterative, so neither depth nor loops can hang it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

SKIP_DIRS = {".git": "version-control folder", ".hg": "version-control folder", ".svn": "version-control folder",
             "__pycache__": "cache folder", ".zotsync": "zotsync's own folder"}
GLOB_MAGIC = set("*?[")
BACKUP_SUFFIXES = ("~", ".bak", ".swp", ".swo", ".orig")


@dataclass(frozen=True)
class Found:
    """A regular file; ``named`` when the user named it (not found by walking a folder)."""

    path: Path
    scope: str
    named: bool


@dataclass(frozen=True)
class Passed:
    """Something in a folder that is not a document, with the reason (shown under --verbose)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Unreadable:
    """A path that was named or found but cannot be read: an error line."""

    path: str
    message: str


@dataclass(frozen=True)
class Unmatched:
    """A glob pattern that matches no document: worth a warning (a typo?), not an error."""

    pattern: str


Entry = Found | Passed | Unreadable | Unmatched


def walk(paths: list[str]) -> Iterator[Entry]:
    for raw in paths:
        yield from _one(raw)


def special_kind(mode: int) -> str:
    """What a non-regular, non-folder file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def is_backup(name: str) -> bool:
    return name.endswith(BACKUP_SUFFIXES) or (name.startswith("#") and name.endswith("#"))


def _one(raw: str) -> Iterator[Entry]:
    expanded = raw if os.path.lexists(raw) else os.path.expanduser(os.path.expandvars(raw))
    if not os.path.lexists(expanded) and GLOB_MAGIC & set(expanded):
        yield from _glob(expanded)
        return
    path = Path(expanded)
    try:
        info = path.stat()
    except OSError as exc:
        yield Unreadable(raw, f"cannot read: {_why(exc)}")
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk_dir(path, Pattern([]))
    elif stat.S_ISREG(info.st_mode):
        yield Found(path, path.name, named=True)
    else:
        yield Unreadable(raw, f"{special_kind(info.st_mode)}, not a document: not read")


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or str(exc)


class Pattern:
    """A glob's parts below its static prefix; ``**`` matches any number of folders."""

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def start(self) -> frozenset[int]:
        return self._closure({0})

    def step(self, states: frozenset[int], name: str) -> frozenset[int]:
        """The states after one more path segment (empty: nothing below can match)."""
        if self.done(states):
            return states
        nxt: set[int] = set()
        for i in states:
            if i < len(self.parts):
                part = self.parts[i]
                if part == "**":
                    nxt.add(i)
                elif fnmatchcase(name, part):
                    nxt.add(i + 1)
        return self._closure(nxt)

    def done(self, states: frozenset[int]) -> bool:
        """Matched in full: everything below a matched folder belongs to the pattern too."""
        return len(self.parts) in states

    def _closure(self, states: set[int]) -> frozenset[int]:
        out = set(states)
        for i in sorted(states):
            j = i
            while j < len(self.parts) and self.parts[j] == "**":
                j += 1
                out.add(j)
        return frozenset(out)


def _glob(pattern: str) -> Iterator[Entry]:
    parts = Path(pattern).parts
    cut = next(i for i, part in enumerate(parts) if GLOB_MAGIC & set(part))
    prefix = Path(*parts[:cut]) if cut else Path(".")
    if not prefix.is_dir():
        yield Unreadable(pattern, f"cannot read: no folder {str(prefix)!r} for this pattern")
        return
    matched = False
    for entry in _walk_dir(prefix, Pattern(list(parts[cut:]))):
        matched = matched or isinstance(entry, Found)
        yield entry
    if not matched:
        yield Unmatched(pattern)


def _walk_dir(root: Path, pattern: Pattern) -> Iterator[Entry]:
    """Depth first, names sorted, files of a folder before its subfolders (like os.walk)."""
    seen: set[tuple[int, int]] = set()
    root_info = root.stat()
    seen.add((root_info.st_dev, root_info.st_ino))
    stack: list[tuple[Path, frozenset[int]]] = [(root, pattern.start())]
    while stack:
        folder, states = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Unreadable(str(folder), f"cannot read folder: {_why(exc)}")
            continue
        subfolders: list[tuple[Path, frozenset[int]]] = []
        for entry in entries:
            here = pattern.step(states, entry.name)
            if not here:
                continue
            path = Path(entry.path)
            found = _classify(entry, path, root, here, pattern, seen)
            if isinstance(found, tuple):
                subfolders.append(found)
            elif found is not None:
                yield found
        stack.extend(reversed(subfolders))


def _classify(entry: os.DirEntry[str], path: Path, root: Path, states: frozenset[int], pattern: Pattern,
              seen: set[tuple[int, int]]) -> Entry | tuple[Path, frozenset[int]] | None:
    """One folder entry: a document, something passed over, or a subfolder to walk."""
    name = entry.name
    if name.startswith(".") or name in SKIP_DIRS:
        return Passed(str(path), SKIP_DIRS.get(name, "hidden"))
    try:
        info = os.stat(entry.path)  # follows symlinks; lstat would not say where a link leads
    except OSError as exc:
        if entry.is_symlink():
            reason = "symlink loop, not followed" if exc.errno == errno.ELOOP else f"broken symlink ({_why(exc)})"
            return Passed(str(path), reason)
        return Unreadable(str(path), f"cannot read: {_why(exc)}")
    if stat.S_ISDIR(info.st_mode):
        key = (info.st_dev, info.st_ino)
        if key in seen:
            return Passed(str(path), "symlink to a folder already walked (a loop), not followed")
        seen.add(key)
        return path, states
    if not pattern.done(states):
        return None
    if not stat.S_ISREG(info.st_mode):
        return Passed(str(path), f"{special_kind(info.st_mode)}: never opened")
    if is_backup(name):
        return Passed(str(path), "backup file")
    return Found(path, path.relative_to(root).as_posix(), named=False)
