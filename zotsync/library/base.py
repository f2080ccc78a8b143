"""The Library protocol: what the stages need from a Zotero library, and nothing more.

Implemented by the web client (``library.client.ZoteroClient``, over pyzotero) and by the
in-memory double (``library.memory.MemoryLibrary``); ``tests/contract`` holds both, and the
sandbox, to the same behaviour. Objects travel as the API's JSON: ``{"key", "version", "data"}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

BATCH = 50  # the most objects one write may carry
DEFAULT_API_URL = "https://api.zotero.org"


@dataclass
class WriteResult:
    """Per-object results of one write, by the object's index in the batch."""

    successful: dict[int, dict[str, Any]] = field(default_factory=dict)
    unchanged: dict[int, str] = field(default_factory=dict)
    failed: dict[int, dict[str, Any]] = field(default_factory=dict)  # {"code", "message"}
    library_version: int | None = None


class Library(Protocol):
    """A Zotero library. ``last_version`` is the library version the last read or write reported."""

    last_version: int | None

    @property
    def requests(self) -> int:
        """Requests made so far (the report counts them)."""
        ...

    def changed_versions(self, since: int) -> dict[str, int] | None:
        """key -> version of items changed after ``since`` (trash included); None when nothing changed.

        ``last_version`` is then the library's version as answered, also when it is lower than
        ``since`` (a library reset or restored under a kept state)."""
        ...

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        """The items with these keys that exist (trash included)."""
        ...

    def all_items(self) -> list[dict[str, Any]]:
        """Every item of the library (trash included)."""
        ...

    def item_pages(self) -> Iterator[list[dict[str, Any]]]:
        """Every item of the library (trash included), page by page as they are read."""
        ...

    def deleted_since(self, since: int) -> list[str]:
        """Keys of items deleted for good after ``since``."""
        ...

    def collections(self) -> list[dict[str, Any]]:
        ...

    def write(self, batch: list[dict[str, Any]]) -> WriteResult:
        """Create or update at most ``BATCH`` items: ``version`` 0 creates only, N updates only version N.

        Raises ValueError for a larger batch; per-object refusals (400, 404, 409, 412, 428) come
        back in ``failed``, never raised.
        """
        ...

    def create_collection(self, key: str, name: str) -> dict[str, Any]:
        ...
