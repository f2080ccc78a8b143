"""Reading documents from disk: bounded reading, decoding bytes, one guard per document.

This is the I/O side of the parse stage; the parsers themselves only see text. ``parse_paths``
walks what it is given (``zotsync.walk``), reads each regular file with a cap on the bytes
actually read (a link to ``/dev/zero`` reports size 0), decodes it, decides what it is
(``sources.recognise``), parses it and fits each item. Whatever goes wrong with one document,
an exception of a parser or of fit included, becomes that document's error line, and the run
goes on. Documents that are not bibliographic records are passed over (``ParseResult.skipped``),
except when the user named them: then they are errors too.

Binary MARC 21 (ISO 2709) is decoded as Latin-1, byte for byte, so a parser gets the exact bytes
back with ``text.encode("latin-1")``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import NotBibliographic, parse_text, recognise
from zotsync.sources.base import Document, Options
from zotsync.sources.sanitize import clean
from zotsync.walk import Found, Passed, Unmatched, Unreadable, special_kind, walk

MAX_BYTES = 200 * 1024 * 1024
SAMPLE = 65536
CHUNK = 1 << 20
MAX_MESSAGE = 300
# Signatures of binary formats found in paper folders (images, PDFs, archives, office files).
MAGIC = [(b"%PDF-", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
         (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"RIFF", "RIFF media"), (b"BM", "BMP image"),
         (b"PK\x03\x04", "ZIP archive or office document"), (b"\x1f\x8b", "gzip archive"), (b"BZh", "bzip2 archive"),
         (b"\xfd7zXZ", "xz archive"), (b"7z\xbc\xaf", "7-Zip archive"), (b"\xd0\xcf\x11\xe0", "MS Office document"),
         (b"%!PS", "PostScript"), (b"\x7fELF", "program"), (b"SQLite format 3", "SQLite database"),
         (b"\x00\x00\x00\x0cjP", "JPEG 2000 image")]
SVG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg\b", re.S)
CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))  # never in text (tab, newlines, form feed, CR are)
BOMS = [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be")]


class Skipped(NamedTuple):
    """A path passed over and why; the CLI prints it under --verbose."""

    path: str
    reason: str


@dataclass
class ParseResult:
    parsed: list[Parsed] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    unchanged: int = 0  # items of documents not read again because they had not changed (zotsync.unchanged)

    def add(self, other: ParseResult) -> None:
        self.parsed += other.parsed
        self.errors += other.errors
        self.warnings += other.warnings
        self.skipped += other.skipped
        self.files += other.files
        self.unchanged += other.unchanged

    @property
    def no_records(self) -> bool:
        """No document gave a record, this run or (unchanged since) an earlier one."""
        return not self.parsed and not self.unchanged


def iter_files(paths: list[str]) -> Iterator[tuple[Path, str]]:
    """Each regular file under ``paths`` with its scope: its path relative to the folder named
    (or to a glob pattern's static prefix), or its name when it was named itself."""
    for entry in walk(paths):
        if isinstance(entry, Found):
            yield entry.path, entry.scope


# ---------------------------------------------------------------- bytes


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, at most ``limit`` of them; never blocks on, or reads, a special file.

    Opened non-blocking and checked with fstat, so a file swapped for a FIFO after the walk
    looked at it is not waited on; the cap counts bytes read, not the size the file reports.
    """
    origin = str(path)
    limit = MAX_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", origin) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(f"{special_kind(info.st_mode)}, not a document: not read", origin)
        if info.st_size > limit:
            raise ParseError(_too_large(limit), origin)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ParseError(_too_large(limit), origin)
        return b"".join(chunks)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", origin) from exc
    finally:
        os.close(fd)


def _too_large(limit: int) -> str:
    return f"file too large (more than {limit // 2**20} MiB): not read"


def is_iso2709(data: bytes) -> bool:
    """Binary MARC (ISO 2709): a 24-byte leader with the record length, ended by 0x1D, fields by 0x1E."""
    head = data[:24]
    if len(head) < 24 or not head[:5].isdigit() or not head[12:17].isdigit():
        return False
    length = int(head[:5])
    return 24 < length <= len(data) and data[length - 1] == 0x1D and b"\x1e" in data[24:length]


def magic_kind(sample: bytes) -> str:
    """The binary format a document's first bytes announce ("" when none)."""
    for magic, kind in MAGIC:
        if sample.startswith(magic):
            return kind
    return "SVG image" if SVG.match(sample) else ""


def binary_kind(sample: bytes) -> str:
    """What a binary document is, in words ("" when it is text)."""
    if kind := magic_kind(sample):
        return kind
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if b"\x00" in sample or controls > len(sample) // 20:
        return "binary data"
    return ""


def decode(data: bytes, origin: str) -> tuple[str, str]:
    """Text of a document and a warning ("" when none).

    Raises NotBibliographic for empty and binary input. MARC 21 is decoded byte for byte as
    Latin-1; a NUL byte past the first 64 KiB of a text is dropped with a warning.
    """
    if not data.strip():
        raise NotBibliographic("empty document", origin)
    if is_iso2709(data):
        return data.decode("latin-1"), ""
    kind = magic_kind(data[:SAMPLE])
    codec = "" if kind else next((c for bom, c in BOMS if data.startswith(bom)), "") or _bomless_utf16(data[:SAMPLE])
    if codec:
        return _decode_strict_or_replace(data, codec, origin)
    kind = kind or binary_kind(data[:SAMPLE])
    if kind:
        raise NotBibliographic(f"binary file ({kind}), not a bibliographic document", origin)
    warning = ""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        data = data.replace(b"\x00", b"")
        warning = f"{origin}:{line}: NUL bytes in the text; removed"
    try:
        return data.decode("utf-8-sig"), warning
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        return text, warning or f"{origin}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252"


def _bomless_utf16(sample: bytes) -> str:
    """UTF-16 without a byte-order mark: ASCII-range text with every other byte NUL."""
    if len(sample) < 8:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return ""


def _decode_strict_or_replace(data: bytes, codec: str, origin: str) -> tuple[str, str]:
    body = data[4:] if codec.startswith("utf-32") else data[2:] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
    try:
        return body.decode(codec), ""
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(codec, errors="replace").count("\n") + 1
        what = "an unpaired surrogate" if "surrogate" in exc.reason else exc.reason
        return body.decode(codec, errors="replace"), f"{origin}:{line}: invalid {codec.upper()} ({what}); replaced by U+FFFD"


def read_document(path: Path) -> tuple[str, str]:
    return decode(read_bytes(path), str(path))


# ---------------------------------------------------------------- parse


class Screen(Protocol):
    """What of a document must be parsed, told by its bytes (``zotsync.unchanged`` keeps the digests)."""

    def unchanged(self, entry: Found, data: bytes) -> bool:
        """True: the document is as it was when all its records last landed; it is not parsed."""

    def narrow(self, entry: Found, text: str, kind: str) -> str | None:
        """The part of ``text`` to parse (None: no part of it changed)."""

    def parsed(self, entry: Found, found: list[Parsed], failed: bool) -> None:
        """What the document gave; ``failed`` when any of it could not be read or fitted."""


def parse_paths(paths: list[str], kind: str | None = None, screen: Screen | None = None,
                options: Options | None = None) -> ParseResult:
    """Parse every document under ``paths`` (read with ``options``); bad documents become errors, the rest items.

    With a ``screen``, documents it finds unchanged are counted but not parsed."""
    result = ParseResult()
    for entry in walk(paths):
        if isinstance(entry, Passed):
            result.skipped.append(Skipped(entry.path, entry.reason))
        elif isinstance(entry, Unreadable):
            result.errors.append(ParseError(entry.message, entry.path))
        elif isinstance(entry, Unmatched):
            result.warnings.append(f"{entry.pattern}: the pattern matches no document")
        else:
            result.files += 1
            _parse_one(entry, kind, result, screen, options or Options())
    return result


def _parse_one(entry: Found, kind: str | None, result: ParseResult, screen: Screen | None = None,
               options: Options | None = None) -> None:
    """One document, guarded: whatever it raises is its error line, never the end of the run."""
    errors, records = len(result.errors), len(result.parsed)
    doc = Document(str(entry.path), entry.scope, options=options or Options())
    try:
        found = _found(entry, kind, result, doc, screen)
    except NotBibliographic as exc:
        if entry.named:
            result.errors += [*doc.problems, exc]
        else:
            result.skipped.append(Skipped(doc.origin, exc.message))
        return
    except ParseError as exc:
        result.errors += [*doc.problems, exc]
        found = []
    except RecursionError:
        result.errors += [*doc.problems, doc.error("document nests too deeply to parse")]
        found = []
    except Exception as exc:  # the per-document boundary: a parser bug must not end the run
        result.errors += [*doc.problems, doc.error(f"could not be parsed ({_describe(exc)})")]
        found = []
    else:
        if found is None:
            return
        result.errors.extend(doc.problems)
        result.warnings.extend(doc.warnings)
        _fit(found, doc, result)
    if screen is not None:
        screen.parsed(entry, result.parsed[records:], failed=len(result.errors) > errors)


def _found(entry: Found, kind: str | None, result: ParseResult, doc: Document, screen: Screen | None) -> list[Parsed] | None:
    """The records of one document (None: the screen found it unchanged)."""
    data = read_bytes(entry.path)
    if screen is not None and screen.unchanged(entry, data):
        return None
    text, warning = decode(data, doc.origin)
    if warning:
        result.warnings.append(warning)
    chosen = recognise(text, doc.origin, in_folder=not entry.named, kind=kind)
    narrowed = text if screen is None else screen.narrow(entry, text, chosen)
    return [] if narrowed is None else parse_text(narrowed, doc, chosen)


def _fit(found: list[Parsed], doc: Document, result: ParseResult) -> None:
    for number, parsed in enumerate(found, 1):
        try:
            parsed.item = schema.fit(clean(parsed.item))
            parsed.notes = [clean(note) for note in parsed.notes]
        except Exception as exc:  # the same boundary for fit, per item: the document's other items still land
            result.errors.append(doc.error(f"record {number} could not be fitted to the Zotero schema ({_describe(exc)})"))
            continue
        result.parsed.append(parsed)


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
