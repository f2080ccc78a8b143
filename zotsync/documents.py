"""Reading documents from disk: walking directories, decoding bytes, collecting parse errors.

This is the I/O side of the parse stage; the parsers themselves only see text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import parse_text
from zotsync.sources.base import Document

MAX_BYTES = 200 * 1024 * 1024
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".zotsync"}


@dataclass
class ParseResult:
    parsed: list[Parsed] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0


def iter_files(paths: list[str]) -> Iterator[tuple[Path, str]]:
    """Each file under ``paths`` with its scope: its path relative to the folder named (or its name)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        file = Path(root) / name
                        yield file, file.relative_to(path).as_posix()
        else:
            yield path, path.name


def decode(data: bytes, origin: str) -> tuple[str, str]:
    """Text of a document and a warning ("" when none); raises ParseError for binary or empty input."""
    if not data.strip():
        raise ParseError("empty document", origin)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), ""
    sample = data[:65536]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 20:
        raise ParseError("binary file, not a bibliographic document", origin)
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        return text, f"{origin}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252"


def read_document(path: Path) -> tuple[str, str]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ParseError(f"file too large ({size // 2**20} MiB > {MAX_BYTES // 2**20} MiB)", origin)
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", origin) from exc
    return decode(data, origin)


def parse_paths(paths: list[str], kind: str | None = None) -> ParseResult:
    """Parse every document under ``paths``; bad documents become errors, the rest items."""
    result = ParseResult()
    for path, scope in iter_files(paths):
        result.files += 1
        doc = Document(str(path), scope)
        try:
            text, warning = read_document(path)
            if warning:
                result.warnings.append(warning)
            found = parse_text(text, doc, kind)
        except ParseError as exc:
            result.errors += [*doc.problems, exc]
            continue
        except RecursionError:
            result.errors += [*doc.problems, doc.error("document nests too deeply to parse")]
            continue
        result.errors.extend(doc.problems)
        result.warnings.extend(doc.warnings)
        for parsed in found:
            parsed.item = schema.fit(parsed.item)
            result.parsed.append(parsed)
    return result
