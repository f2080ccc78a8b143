"""The parser protocol: a parser sniffs text for its kind and turns it into items."""

from __future__ import annotations

from typing import Protocol

from zotsync.model import Parsed


class Parser(Protocol):
    name: str

    def sniff(self, text: str, filename: str) -> float:
        """How sure (0..1) the parser is that ``text`` is its kind."""

    def parse(self, text: str, origin: str) -> list[Parsed]:
        """Items found in ``text``; raises ParseError when there are none to be had."""


def suffix(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
