"""What a live fetch hands to the parsers: a document, like a file's text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Fetched:
    origin: str  # the URL asked, for messages
    scope: str  # scopes identities that are only unique within the document
    text: str
    kind: str | None = None  # the parser to use; None: detection picks it


class HarvestLog(Protocol):
    """Where the date of the last complete OAI-PMH harvest of each set is kept."""

    def last_harvest(self, key: str) -> str | None: ...
