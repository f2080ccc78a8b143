"""Named values that travel between the stages. Items themselves are plain Zotero `data` dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Parsed:
    """One item found in a document, before schema fit.

    ``source`` is the stable source identity (``iris:hdl.handle.net/2434/421906``,
    ``vufind:pubmed-4941163``, ...). ``cited_by`` names the source identity of
    the paper whose reference list this item came from: the sync engine turns
    it into a ``dc:relation``, so it never enters the Zotero fields.
    """

    source: str
    item: dict[str, Any]
    origin: str
    cited_by: str | None = None
    notes: list[str] = field(default_factory=list)
