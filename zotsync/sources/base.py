"""The parser protocol: a parser sniffs text for its kind and turns it into items.

A parser is told about its document through a ``Document``: where it came from (for
messages), the reading ``Options`` of its source, its scope (the document's path relative to its source root, which scopes
identities that are only unique within one file, such as citation keys), and a
problems channel. Every record a parser cannot read is reported there, never dropped
silently: in strict mode the report raises at once, otherwise it is collected and the
rest of the document is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from zotsync.errors import ParseError
from zotsync.model import Parsed


@dataclass(frozen=True)
class Options:
    """How a source's documents are read, for the parsers that have a choice (the same for all its documents)."""

    sentence_case: bool = False  # titles in sentence case (BibTeX), as Better BibTeX imports them


@dataclass
class Document:
    origin: str
    scope: str = ""
    strict: bool = False
    options: Options = field(default_factory=Options)
    problems: list[ParseError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.scope:
            self.scope = self.origin.replace("\\", "/").rsplit("/", 1)[-1]

    def report(self, error: ParseError) -> None:
        """A record (or part of one) that could not be read: raise when strict, else keep it."""
        if self.strict:
            raise error
        self.problems.append(error)

    def warn(self, message: str, line: int | None = None) -> None:
        """Something left out on purpose that the user should hear of (a reference the page cut off):
        not a failure, so it never changes the exit code."""
        self.warnings.append(str(self.error(message, line)))

    def error(self, message: str, line: int | None = None) -> ParseError:
        return ParseError(message, self.origin, line)


class Parser(Protocol):
    name: str

    def sniff(self, text: str, filename: str) -> float:
        """How sure (0..1) the parser is that ``text`` is its kind."""

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        """Items found in ``text``; raises ParseError when there are none to be had.

        Records that cannot be read while others can are reported through ``doc.report``.
        """


def suffix(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
